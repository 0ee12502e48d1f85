"""The API's selects: plain rows (no ORM objects), one query whatever the number of ideas."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa

from myalmaty.core.geo import BBox
from myalmaty.domain.changes import current_version
from myalmaty.domain.ideas import Idea
from myalmaty.domain.reference import Category, Quarter
from myalmaty.extensions import db
from myalmaty.ideas.filters import IdeaFilters
from myalmaty.ideas.queries import filter_conditions


def _name_in(model: type[Category] | type[Quarter], locale: str) -> sa.ColumnElement[str]:
    """A translated name in `locale`, falling back to Russian like `Translated` does."""
    column = getattr(model, f"name_{locale}", model.name_ru)
    return sa.func.coalesce(sa.func.nullif(column, ""), model.name_ru)


AnySelect = TypeVar("AnySelect", bound=sa.Select[*tuple[Any, ...]])


def _matching(query: AnySelect, filters: IdeaFilters) -> AnySelect:
    return (
        query.join(Category, Category.id == Idea.category_id)
        .outerjoin(Quarter, Quarter.id == Idea.quarter_id)
        .where(*filter_conditions(filters))
    )


def collection_version() -> str:
    """The change marker (`domain.changes`): one row read, whatever the number of ideas."""
    return str(current_version(db.session))


def feature_rows(filters: IdeaFilters, locale: str, idea_id: int | None = None) -> list[sa.Row]:
    """Published ideas matching the filters, in full, as rows for GeoJSON."""
    query = (
        sa.select(
            Idea.id,
            Idea.created_at,
            Idea.title,
            Idea.lat,
            Idea.lon,
            Idea.stage,
            Idea.support_count,
            Idea.comment_count,
            _name_in(Category, locale).label("category"),
            _name_in(Quarter, locale).label("quarter"),
        )
        .order_by(Idea.id)
    )
    query = _matching(query, filters)
    if idea_id is not None:
        query = query.where(Idea.id == idea_id)
    return list(db.session.execute(query))


def slim_rows(filters: IdeaFilters, where: list[sa.ColumnElement[bool]], locale: str,
              limit: int | None = None, in_order: bool = True) -> list[sa.Row]:
    """What the map needs of each idea (id, lat, lon, title, stage, category), the stage as
    stored (a plain string): the rest of an idea comes with its popup, from `feature_rows`
    for that one idea. Plain rows from the connection: no ORM row processing for thousands.

    `in_order=False` when the caller's conditions pick few rows by an index: ordering by id
    would tempt SQLite to walk the whole table in id order instead.
    """
    query = (
        sa.select(Idea.id, Idea.lat, Idea.lon, Idea.title,
                  sa.type_coerce(Idea.stage, sa.String).label("stage"),
                  _name_in(Category, locale).label("category"))
        .join(Category, Category.id == Idea.category_id)
        .where(*filter_conditions(filters), *where)
    )
    if in_order:
        query = query.order_by(Idea.id)
    connection = db.session.connection()
    return list(connection.execute(query if limit is None else query.limit(limit)))


def in_bbox(bbox: BBox) -> list[sa.ColumnElement[bool]]:
    return [Idea.lon.between(bbox.min_lon, bbox.max_lon),
            Idea.lat.between(bbox.min_lat, bbox.max_lat)]
