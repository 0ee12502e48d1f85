"""The map's grid: a point's cell lies in the range of every box around it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from myalmaty.core import grid
from myalmaty.core.geo import BBox

lats = st.floats(-85, 85, allow_nan=False)
lons = st.floats(-180, 180, allow_nan=False)


@given(lat=lats, lon=lons, level=st.sampled_from(grid.LEVELS))
def test_a_point_is_in_the_cells_of_a_box_around_it(lat, lon, level):
    box = BBox(max(-180, lon - 0.01), max(-85, lat - 0.01), min(180, lon + 0.01),
               min(85, lat + 0.01))
    cells = grid.cell_range(box, level)
    key = grid.cell_key(lat, lon, level)
    assert cells.first_key <= key <= cells.last_key
    assert cells.y0 <= key % (1 << level) <= cells.y1


@given(lat=lats, lon=lons)
def test_a_coarser_cell_contains_the_finer_one(lat, lon):
    x18, y18 = divmod(grid.cell_key(lat, lon, 18), 1 << 18)
    x10, y10 = divmod(grid.cell_key(lat, lon, 10), 1 << 10)
    assert (x18 >> 8, y18 >> 8) == (x10, y10)


def test_the_level_keeps_a_view_within_the_cells_allowed():
    city = BBox(76.8, 43.15, 77.1, 43.35)
    assert grid.level_for(city, zoom=12, max_cells=600).level == 14
    assert grid.level_for(city, zoom=12, max_cells=20).level == 12
    world = BBox(-180, -85, 180, 85)
    assert grid.level_for(world, zoom=20, max_cells=600).level == grid.LEVELS[0]


def _in_ranges(key: int, ranges: grid.KeyRanges) -> bool:
    return any(low <= key <= high for low, high in ranges.ranges())


@given(lat=lats, lon=lons, width=st.floats(0, 0.05), height=st.floats(0, 0.05))
def test_a_point_in_a_box_is_in_its_key_ranges(lat, lon, width, height):
    box = BBox(max(-180, lon - width), max(-85, lat - height), min(180, lon + width),
               min(85, lat + height))
    assert _in_ranges(grid.cell_key(lat, lon, grid.BOX_LEVEL), grid.key_ranges(box))


@given(lat=lats, lon=lons)
def test_a_point_on_a_box_edge_is_in_its_key_ranges(lat, lon):
    for box in (BBox(lon, lat, lon, lat), BBox(lon, max(-85, lat - 0.01), min(180, lon + 0.01),
                                               lat)):
        assert _in_ranges(grid.cell_key(lat, lon, grid.BOX_LEVEL), grid.key_ranges(box))


def test_a_small_box_has_one_range_per_column_of_its_cells():
    box = BBox(76.9388, 43.2333, 76.9524, 43.2433)
    cells = grid.cell_range(box, grid.BOX_LEVEL)
    ranges = grid.key_ranges(box).ranges()
    assert len(ranges) == cells.x1 - cells.x0 + 1
    rows = 1 << grid.BOX_LEVEL
    assert ranges == [(x * rows + cells.y0, x * rows + cells.y1)
                      for x in range(cells.x0, cells.x1 + 1)]


def test_a_wide_box_has_at_most_the_ranges_allowed():
    for box in (BBox(76.8, 43.15, 77.1, 43.35), BBox(-180, -85, 180, 85)):
        ranges = grid.key_ranges(box)
        assert ranges.count <= grid.MAX_BOX_RANGES
        cells = grid.cell_range(box, grid.BOX_LEVEL)
        assert ranges.ranges()[0][0] == cells.first_key
        assert ranges.ranges()[-1][1] >= cells.last_key
