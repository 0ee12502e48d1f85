"""The map's data for one view: ideas grouped into the cells of `core.grid`, or the ideas
themselves when few are in view.

A response is bounded whatever the number of ideas: at most MAX_CELLS clusters (the level is
chosen so that the view spans no more cells), or at most POINTS_UP_TO ideas (MAX_POINTS from
the zoom of a street). Whole cells are
answered (not only the part inside the box), so a cluster's count does not change while the
map is dragged, and the counts of a view holding every idea add up to the list's total.

The cells' counts, centres and bounds come from the rows kept on write (`domain.map_cells`)
when the filters are among theirs (category, stage); a quarter or a search groups the ideas
themselves, from the index on each level's cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from myalmaty.api.queries import slim_rows
from myalmaty.core import grid
from myalmaty.core.geo import BBox
from myalmaty.domain.ideas import Idea
from myalmaty.domain.map_cells import MapCell
from myalmaty.extensions import db
from myalmaty.ideas.filters import IdeaFilters
from myalmaty.ideas.queries import category_id_of, filter_conditions

# A 1920×1080 view spans about 31×18 cells of 64 pixels; bigger screens get coarser cells.
MAX_CELLS = 600
# Below this many ideas in view the map shows each of them.
POINTS_UP_TO = 400
# From this zoom (a street) the map shows each idea whatever their number, up to MAX_POINTS
# (ideas at one spot are then spread out by the browser): every idea can be reached.
POINTS_FROM_ZOOM = 18
MAX_POINTS = 2000
_ideas = Idea.__table__


@dataclass(frozen=True)
class MapView:
    level: int
    total: int
    clusters: list[dict[str, Any]]
    points: list[dict[str, Any]]
    truncated: bool

    def as_json(self, zoom: int) -> dict[str, Any]:
        return {"zoom": zoom, "level": self.level, "total": self.total,
                "clusters": self.clusters, "points": self.points, "truncated": self.truncated}


def _in_cells(cells: grid.CellRange) -> list[sa.ColumnElement[bool]]:
    column = _ideas.c[grid.cell_column(cells.level)]
    # The key range covers the columns x0..x1 (and more rows); the remainder is the row.
    return [column.between(cells.first_key, cells.last_key),
            (column % (1 << cells.level)).between(cells.y0, cells.y1)]


def _kept_cells(filters: IdeaFilters, cells: grid.CellRange) -> sa.Select[Any] | None:
    """The cells' aggregates from the rows kept on write, if they can serve these filters."""
    if filters.q or filters.quarter:
        return None
    c = MapCell.__table__.c
    where = [c.level == cells.level, c.cell.between(cells.first_key, cells.last_key),
             (c.cell % (1 << cells.level)).between(cells.y0, cells.y1)]
    if filters.category:
        where.append(c.category_id == category_id_of(filters.category))
    if filters.stage is not None:
        where.append(c.stage == filters.stage)
    count = sa.func.sum(c.count)
    # Divided as floats: PostgreSQL would otherwise divide as NUMERIC.
    divisor = sa.cast(count, sa.Double)
    return (
        sa.select(c.cell, count, sa.func.sum(c.sum_lat) / divisor,
                  sa.func.sum(c.sum_lon) / divisor,
                  sa.func.min(c.min_lon), sa.func.min(c.min_lat),
                  sa.func.max(c.max_lon), sa.func.max(c.max_lat))
        .where(*where)
        .group_by(c.cell)
    )


def _grouped_ideas(filters: IdeaFilters, cells: grid.CellRange) -> sa.Select[Any]:
    column = _ideas.c[grid.cell_column(cells.level)]
    return (
        sa.select(column, sa.func.count(), sa.func.avg(Idea.lat), sa.func.avg(Idea.lon),
                  sa.func.min(Idea.lon), sa.func.min(Idea.lat),
                  sa.func.max(Idea.lon), sa.func.max(Idea.lat))
        .where(*filter_conditions(filters), *_in_cells(cells))
        .group_by(column)
    )


def _point(row: Any) -> dict[str, Any]:
    return {"id": row.id, "point": [row.lon, row.lat], "title": row.title,
            "category": row.category, "stage": row.stage}


def _points(filters: IdeaFilters, where: list[sa.ColumnElement[bool]], locale: str,
            limit: int) -> list[dict[str, Any]]:
    rows = slim_rows(filters, where, locale, limit, in_order=False)
    return [_point(row) for row in sorted(rows, key=lambda row: row.id)]


def map_view(filters: IdeaFilters, bbox: BBox, zoom: int, locale: str) -> MapView:
    """Two queries at most: the cells' aggregates, then the ideas shown one by one."""
    cells = grid.level_for(bbox, zoom, MAX_CELLS)
    column = _ideas.c[grid.cell_column(cells.level)]
    where = _in_cells(cells)
    if zoom >= POINTS_FROM_ZOOM:
        points = _points(filters, where, locale, MAX_POINTS + 1)
        return MapView(cells.level, min(len(points), MAX_POINTS), [], points[:MAX_POINTS],
                       len(points) > MAX_POINTS)
    grouped = _kept_cells(filters, cells)
    if grouped is None:
        grouped = _grouped_ideas(filters, cells)
    rows = db.session.execute(grouped.order_by(grouped.selected_columns[0])
                              .limit(MAX_CELLS + 1)).all()
    truncated = len(rows) > MAX_CELLS
    rows = rows[:MAX_CELLS]
    total = sum(row[1] for row in rows)
    if total <= POINTS_UP_TO:
        return MapView(cells.level, total, [], _points(filters, where, locale, POINTS_UP_TO),
                       truncated)
    clusters = [
        {"count": count, "centre": [round(float(lon), 6), round(float(lat), 6)],
         "bounds": [round(min_lon, 6), round(min_lat, 6), round(max_lon, 6), round(max_lat, 6)]}
        for _key, count, lat, lon, min_lon, min_lat, max_lon, max_lat in rows if count > 1
    ]
    singles = [row[0] for row in rows if row[1] == 1]
    points = _points(filters, [column.in_(singles)], locale, len(singles)) if singles else []
    return MapView(cells.level, total, clusters, points, truncated)
