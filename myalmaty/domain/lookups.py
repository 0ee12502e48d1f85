"""Reference data every feature looks up: the quarters and categories in use, and the quarter
that covers a point."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from myalmaty.core.geo import point_in_boundary
from myalmaty.domain.reference import Category, Quarter
from myalmaty.extensions import db


def active_categories() -> list[Category]:
    return list(
        db.session.scalars(
            sa.select(Category).where(Category.archived.is_(False)).order_by(Category.position, Category.id)
        )
    )


def active_quarters() -> list[Quarter]:
    return list(
        db.session.scalars(
            sa.select(Quarter).where(Quarter.archived.is_(False)).order_by(Quarter.name_ru)
        )
    )


def quarter_containing(lat: float, lon: float) -> Quarter | None:
    """The active quarter whose boundary covers the point, if any.

    The bounding-box filter runs in SQL so only a handful of boundaries are ever parsed.
    """
    candidates = db.session.scalars(
        sa.select(Quarter)
        .where(
            Quarter.archived.is_(False),
            Quarter.min_lat <= lat,
            Quarter.max_lat >= lat,
            Quarter.min_lon <= lon,
            Quarter.max_lon >= lon,
        )
        .order_by(Quarter.id)
    )
    return first_quarter_covering(candidates, lat, lon)


def first_quarter_covering(quarters: Iterable[Quarter], lat: float, lon: float) -> Quarter | None:
    """The first of `quarters` (in the order given) whose boundary covers the point."""
    for quarter in quarters:
        if not (quarter.min_lat <= lat <= quarter.max_lat and quarter.min_lon <= lon <= quarter.max_lon):
            continue
        if point_in_boundary(quarter.boundary_geojson, lat, lon):
            return quarter
    return None
