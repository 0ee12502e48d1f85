"""Queries over reference data: quarters, categories, forums, recommendations."""

from __future__ import annotations

import sqlalchemy as sa

from myalmaty.core.geo import point_in_boundary
from myalmaty.extensions import db
from myalmaty.organise.models import Category, Quarter


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
    for quarter in candidates:
        if point_in_boundary(quarter.boundary_geojson, lat, lon):
            return quarter
    return None


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
