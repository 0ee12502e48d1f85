"""A fixed Web-Mercator grid for clustering points on the map, computed once per point.

A point's cell at level L is the tile it falls in at zoom L (the tiles the map itself shows),
numbered `x * 2**L + y`. Numbering by column first turns a band of columns into one range of
keys, so an index on the key serves a bounding box; `key % 2**L` gives the row back. Cells are
squares on screen: at map zoom z a cell of level z + 2 is 64 pixels wide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from myalmaty.core.geo import BBox

# The levels stored with every idea (one indexed column each). Five are enough: a map at zoom
# z clusters by the finest stored level up to z + 2, so cells stay 64–128 pixels wide.
LEVELS = (10, 12, 14, 16, 18)
# Web Mercator stops short of the poles.
MAX_LAT = 85.05112878


def cell_column(level: int) -> str:
    return f"cell_{level}"


def _tile_x(lon: float, level: int) -> int:
    n = 1 << level
    return min(n - 1, max(0, math.floor((lon + 180.0) / 360.0 * n)))


def _tile_y(lat: float, level: int) -> int:
    n = 1 << level
    phi = math.radians(max(-MAX_LAT, min(MAX_LAT, lat)))
    y = (1.0 - math.asinh(math.tan(phi)) / math.pi) / 2.0 * n
    return min(n - 1, max(0, math.floor(y)))


def cell_key(lat: float, lon: float, level: int) -> int:
    return _tile_x(lon, level) * (1 << level) + _tile_y(lat, level)


def cell_keys(lat: float, lon: float) -> dict[str, int]:
    """The point's cell at every stored level, as column values."""
    return {cell_column(level): cell_key(lat, lon, level) for level in LEVELS}


@dataclass(frozen=True)
class CellRange:
    """The cells of one level that a bounding box touches: columns x0..x1, rows y0..y1."""

    level: int
    x0: int
    x1: int
    y0: int
    y1: int

    @property
    def size(self) -> int:
        return (self.x1 - self.x0 + 1) * (self.y1 - self.y0 + 1)

    @property
    def first_key(self) -> int:
        return self.x0 * (1 << self.level) + self.y0

    @property
    def last_key(self) -> int:
        return self.x1 * (1 << self.level) + self.y1


def cell_range(bbox: BBox, level: int) -> CellRange:
    # Rows count from the north: the box's top edge has the smaller row number.
    return CellRange(
        level=level,
        x0=_tile_x(bbox.min_lon, level),
        x1=_tile_x(bbox.max_lon, level),
        y0=_tile_y(bbox.max_lat, level),
        y1=_tile_y(bbox.min_lat, level),
    )


def level_for(bbox: BBox, zoom: int, max_cells: int) -> CellRange:
    """The finest stored level up to `zoom + 2` at which `bbox` covers at most `max_cells`
    cells (else the coarsest): what keeps a response bounded whatever box and zoom are asked."""
    candidates = [level for level in LEVELS if level <= zoom + 2] or [LEVELS[0]]
    for level in reversed(candidates):
        cells = cell_range(bbox, level)
        if cells.size <= max_cells:
            return cells
    return cell_range(bbox, LEVELS[0])


# A box of the bbox API is read from the index on the finest level, one key range per column
# of its cells: about the ideas in the box, where a range of longitudes would read the city's
# whole strip between them. Past MAX_BOX_RANGES columns (a view of the whole city or more),
# neighbouring columns share a range: such a box holds most of what the strip does anyway.
BOX_LEVEL = LEVELS[-1]
MAX_BOX_RANGES = 256
# Widens a box by a hair before its cells are found, so that no rounding of the projection at
# a cell's edge can leave out a point that lies on the box's edge.
_EDGE = 1e-9


@dataclass(frozen=True)
class KeyRanges:
    """`count` ranges of keys of `level`, the first starting at `first`, each `step` keys after
    the one before and ending `span` keys after its start: they hold every cell of a box."""

    level: int
    first: int
    step: int
    span: int
    count: int

    def ranges(self) -> list[tuple[int, int]]:
        starts = range(self.first, self.first + self.count * self.step, self.step)
        return [(start, start + self.span) for start in starts]


def key_ranges(bbox: BBox, level: int = BOX_LEVEL,
               max_ranges: int = MAX_BOX_RANGES) -> KeyRanges:
    """The keys of the cells `bbox` touches, as ranges: one per column of cells (rows y0..y1
    of it), or, past `max_ranges` columns, one per band of neighbouring columns."""
    cells = cell_range(BBox(bbox.min_lon - _EDGE, bbox.min_lat - _EDGE,
                            bbox.max_lon + _EDGE, bbox.max_lat + _EDGE), level)
    columns = cells.x1 - cells.x0 + 1
    width = -(-columns // max_ranges)  # columns per range, rounded up
    rows = 1 << level
    return KeyRanges(level=level, first=cells.first_key, step=width * rows,
                     span=(width - 1) * rows + cells.y1 - cells.y0,
                     count=-(-columns // width))
