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
