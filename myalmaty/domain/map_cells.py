"""The map's clusters kept up to date on write: per cell of `core.grid`, category and stage,
how many published ideas lie there, the sums of their coordinates and their bounds.

A city view then reads a few hundred of these rows instead of grouping every idea in view
(`api.clusters`), at any number of ideas. Filters the rows cannot serve (a quarter, a search)
still group the ideas themselves.

The rows change in the very flush that changes an idea, after its UPDATE or INSERT: one upsert
for every level at once (a published idea entering or leaving a cell), nothing at all for an
idea that is not published (submissions). Every such write also bumps the change marker
(`domain.changes`) first, so writers queue on that one row and cannot deadlock on these.
Sums and counts add and subtract; a bound can only be recomputed, from the ideas of the cell,
when the idea leaving it lay on it (rare but for small cells, where it is cheap). A row whose
count falls to zero is deleted.

The flush hook that calls `apply_changes` is `domain.kept`'s, shared with the other aggregates
kept on write. Bulk statements that publish, hide, move or recategorise ideas skip the flush:
they must call `kept.rebuild` (as bench seeding does).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.dialects import postgresql, sqlite

from myalmaty.core import grid
from myalmaty.core.models import enum_column
from myalmaty.domain.ideas import Idea, IdeaStage, IdeaStatus, Values
from myalmaty.extensions import Model

# The idea's columns that decide which rows it counts in.
KEY_ATTRIBUTES = ("status", "lat", "lon", "category_id", "stage")


class MapCell(Model):
    __tablename__ = "map_cells"
    __table_args__ = {"sqlite_with_rowid": False}  # stored in key order: a view is one range

    level: so.Mapped[int] = so.mapped_column(sa.SmallInteger, primary_key=True)
    cell: so.Mapped[int] = so.mapped_column(sa.BigInteger, primary_key=True)
    category_id: so.Mapped[int] = so.mapped_column(primary_key=True)
    stage: so.Mapped[IdeaStage] = so.mapped_column(enum_column(IdeaStage, "idea_stage"),
                                                   primary_key=True)
    count: so.Mapped[int]
    sum_lat: so.Mapped[float]
    sum_lon: so.Mapped[float]
    # Empty only for the moment a row made by a removal alone lives (then it is deleted).
    min_lon: so.Mapped[float | None]
    min_lat: so.Mapped[float | None]
    max_lon: so.Mapped[float | None]
    max_lat: so.Mapped[float | None]


# A mapped class's table is a Table; SQLAlchemy types `__table__` as any FromClause.
cells_table = cast(sa.Table, MapCell.__table__)
_ideas = cast(sa.Table, Idea.__table__)
_KEY = ("level", "cell", "category_id", "stage")


class _Place(NamedTuple):
    """Where a published idea counts: its point, category and stage."""

    lat: float
    lon: float
    category_id: int
    stage: IdeaStage


@dataclass
class _Delta:
    count: int = 0
    sum_lat: float = 0.0
    sum_lon: float = 0.0
    # The bounds of the ideas that came (None when none did).
    min_lon: float | None = None
    min_lat: float | None = None
    max_lon: float | None = None
    max_lat: float | None = None

    def add(self, place: _Place, sign: int) -> None:
        self.count += sign
        self.sum_lat += sign * place.lat
        self.sum_lon += sign * place.lon
        if sign > 0:
            lat, lon = place.lat, place.lon
            self.min_lon = lon if self.min_lon is None else min(self.min_lon, lon)
            self.max_lon = lon if self.max_lon is None else max(self.max_lon, lon)
            self.min_lat = lat if self.min_lat is None else min(self.min_lat, lat)
            self.max_lat = lat if self.max_lat is None else max(self.max_lat, lat)


def _place(values: Values | None) -> _Place | None:
    if values is None or values["status"] is not IdeaStatus.PUBLISHED:
        return None
    return _Place(values["lat"], values["lon"], values["category_id"], values["stage"])


def _widened(connection: sa.Connection, kept: Any, came: Any, smallest: bool) -> Any:
    # SQLite's two-argument min()/max() are PostgreSQL's least()/greatest(); a NULL (no idea
    # came) keeps the bound.
    if connection.dialect.name == "postgresql":
        name = "least" if smallest else "greatest"
    else:
        name = "min" if smallest else "max"
    return getattr(sa.func, name)(kept, sa.func.coalesce(came, kept))


def _upsert(connection: sa.Connection, deltas: dict[tuple[int, int, int, IdeaStage], _Delta]) -> None:
    rows = [
        {"level": level, "cell": cell, "category_id": category_id, "stage": stage,
         "count": d.count, "sum_lat": d.sum_lat, "sum_lon": d.sum_lon,
         "min_lon": d.min_lon, "min_lat": d.min_lat, "max_lon": d.max_lon, "max_lat": d.max_lat}
        for (level, cell, category_id, stage), d in sorted(deltas.items(), key=lambda i: i[0][:3])
    ]
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(cells_table).values(rows)
    new, row = statement.excluded, cells_table.c
    # Bounds widen with the ideas that came; the ones that left are handled by `_shrink`.
    statement = statement.on_conflict_do_update(
        index_elements=list(_KEY),
        set_={
            "count": row.count + new.count,
            "sum_lat": row.sum_lat + new.sum_lat,
            "sum_lon": row.sum_lon + new.sum_lon,
            **{name: _widened(connection, row[name], new[name], name.startswith("min"))
               for name in ("min_lon", "min_lat", "max_lon", "max_lat")},
        },
    )
    connection.execute(statement)


def _in_row(level: int, cell: int, category_id: int, stage: IdeaStage) -> list[Any]:
    c = cells_table.c
    return [c.level == level, c.cell == cell, c.category_id == category_id, c.stage == stage]


def _shrink(connection: sa.Connection, level: int, cell: int, left: _Place) -> None:
    """Recompute the bounds of a row an idea left, if it lay on one of them."""
    c, ideas = cells_table.c, _ideas.c
    of_row = [ideas.status == IdeaStatus.PUBLISHED, ideas[grid.cell_column(level)] == cell,
              ideas.category_id == left.category_id, ideas.stage == left.stage]

    def bound(aggregate: Any) -> sa.ScalarSelect[Any]:
        return sa.select(aggregate).where(*of_row).scalar_subquery()

    connection.execute(
        sa.update(cells_table)
        .where(*_in_row(level, cell, left.category_id, left.stage),
               sa.or_(c.min_lon == left.lon, c.max_lon == left.lon,
                      c.min_lat == left.lat, c.max_lat == left.lat))
        .values(min_lon=bound(sa.func.min(ideas.lon)), min_lat=bound(sa.func.min(ideas.lat)),
                max_lon=bound(sa.func.max(ideas.lon)), max_lat=bound(sa.func.max(ideas.lat)))
    )


def apply_changes(connection: sa.Connection,
                  changes: Iterable[tuple[Values | None, Values | None]]) -> None:
    """The rows an idea left and came to, from what it was and is (`ideas.flushed_changes`)."""
    deltas: dict[tuple[int, int, int, IdeaStage], _Delta] = {}
    left: list[tuple[int, int, _Place]] = []
    for was, now in changes:
        before, after = _place(was), _place(now)
        if before == after:
            continue
        for place, sign in ((before, -1), (after, 1)):
            if place is None:
                continue
            for level in grid.LEVELS:
                cell = grid.cell_key(place.lat, place.lon, level)
                deltas.setdefault((level, cell, place.category_id, place.stage), _Delta()) \
                    .add(place, sign)
                if sign < 0:
                    left.append((level, cell, place))
    deltas = {key: d for key, d in deltas.items() if d.count or d.sum_lat or d.sum_lon}
    if not deltas and not left:
        return
    if deltas:
        _upsert(connection, deltas)
    emptied = [key for key, d in deltas.items() if d.count < 0]
    if emptied:
        connection.execute(sa.delete(cells_table).where(
            sa.tuple_(*(cells_table.c[name] for name in _KEY)).in_(emptied),
            cells_table.c.count <= 0))
    for level, cell, place in left:
        _shrink(connection, level, cell, place)


def rebuild(connection: sa.Connection) -> None:
    """Every row again from the ideas: after bulk statements, and to check the kept ones."""
    connection.execute(sa.delete(cells_table))
    ideas = _ideas.c
    for level in grid.LEVELS:
        cell = ideas[grid.cell_column(level)]
        connection.execute(sa.insert(cells_table).from_select(
            ["level", "cell", "category_id", "stage", "count", "sum_lat", "sum_lon",
             "min_lon", "min_lat", "max_lon", "max_lat"],
            sa.select(sa.literal(level, sa.SmallInteger), cell, ideas.category_id, ideas.stage,
                      sa.func.count(), sa.func.sum(ideas.lat), sa.func.sum(ideas.lon),
                      sa.func.min(ideas.lon), sa.func.min(ideas.lat),
                      sa.func.max(ideas.lon), sa.func.max(ideas.lat))
            .where(ideas.status == IdeaStatus.PUBLISHED)
            .group_by(cell, ideas.category_id, ideas.stage),
        ))
