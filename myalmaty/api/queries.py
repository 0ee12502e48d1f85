"""The API's selects: plain rows (no ORM objects), one query whatever the number of ideas."""

from __future__ import annotations

from operator import itemgetter
from typing import Any, TypeVar

import sqlalchemy as sa

from myalmaty.core import grid
from myalmaty.core.geo import BBox
from myalmaty.domain.changes import version_on
from myalmaty.domain.ideas import Idea
from myalmaty.domain.reference import Category, Quarter
from myalmaty.extensions import db
from myalmaty.ideas.filters import IdeaFilters
from myalmaty.ideas.queries import filter_conditions

_ideas = Idea.__table__


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
    """The change marker (`domain.changes`): one row read, whatever the number of ideas.

    Read outside a transaction when it is the request's first statement: a revalidation
    answered 304 (`api.geojson.versioned_json`) then costs that read alone, with no BEGIN and
    ROLLBACK around it on PostgreSQL. The API only reads, each answer in one or two
    statements, so what follows needs no transaction either (on PostgreSQL each statement saw
    its own snapshot anyway).
    """
    session = db.session()
    autocommit = {"isolation_level": "AUTOCOMMIT"} if session.get_transaction() is None else None
    return str(version_on(session.connection(execution_options=autocommit)))


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


_KEY = sa.BigInteger()  # one instance for every bound key, not one built per key


def _key_ranges(ranges: list[tuple[int, int]]) -> sa.CTE:
    """The ranges as a table of (low, high) rows, padded with empty ranges to a power of two:
    a few shapes of statement, each compiled once and kept (`sa.values` is never kept)."""
    ranges = ranges + [(1, 0)] * ((1 << (len(ranges) - 1).bit_length()) - len(ranges))
    rows = ", ".join(f"(:low_{n}, :high_{n})" for n in range(len(ranges)))
    values = [sa.bindparam(f"{end}_{n}", key, type_=_KEY)
              for n, pair in enumerate(ranges) for end, key in zip(("low", "high"), pair,
                                                                    strict=True)]
    return (sa.text(f"SELECT v.column1 AS low, v.column2 AS high FROM (VALUES {rows}) AS v")
            .bindparams(*values)
            .columns(sa.column("low", _KEY), sa.column("high", _KEY))
            .cte("box_columns"))


def box_rows(filters: IdeaFilters, bbox: BBox, locale: str) -> list[Any]:
    """`slim_rows` of the ideas in `bbox`, by id: read from the index on the finest level's
    cell (`grid.key_ranges`), one key range per column of cells, then the exact box. So the
    rows read are about those in the box, not the city's whole strip of its longitudes."""
    ranges = _key_ranges(grid.key_ranges(bbox).ranges())
    cell = _ideas.c[grid.cell_column(grid.BOX_LEVEL)]
    in_range = (
        sa.select(Idea.id, Idea.lat, Idea.lon, Idea.title,
                  sa.type_coerce(Idea.stage, sa.String).label("stage"),
                  _name_in(Category, locale).label("category"))
        .join(Category, Category.id == Idea.category_id)
        .where(*filter_conditions(filters), cell.between(ranges.c.low, ranges.c.high),
               Idea.lon.between(bbox.min_lon, bbox.max_lon),
               Idea.lat.between(bbox.min_lat, bbox.max_lat))
    )
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # PostgreSQL plans a join on a range of keys as a scan of every idea; a lateral
        # subquery (kept whole by OFFSET 0) is one probe of the index per range.
        found = in_range.offset(0).lateral("in_range")
        query = sa.select(*found.c).select_from(ranges).join(found, sa.true())
    else:
        query = in_range.select_from(ranges)
    # Sorted here: an ORDER BY could tempt the planner to walk the ideas in id order.
    return sorted(connection.execute(query).all(), key=itemgetter(0))
