"""The map's clusters read from the cells kept on write (`domain.map_cells`) are the clusters
grouped from the ideas, and a cell left empty is deleted. That the cells agree with the ideas
after every kind of write is `tests/test_kept_aggregates.py`'s."""

from __future__ import annotations

import pytest

from myalmaty.api import clusters
from myalmaty.core import grid
from myalmaty.core.geo import BBox
from myalmaty.domain.ideas import IdeaStage, IdeaStatus
from myalmaty.extensions import db
from myalmaty.ideas.filters import IdeaFilters
from tests.factories import make_idea
from tests.test_kept_aggregates import kept_cells, world  # noqa: F401

CITY = grid.cell_range(BBox(76.80, 43.15, 77.10, 43.35), 14)


def test_a_cell_left_empty_is_deleted(app):
    idea = make_idea(lat=43.30, lon=77.05)
    db.session.commit()
    assert {key[0] for key in kept_cells()} == set(grid.LEVELS)
    idea.status = IdeaStatus.HIDDEN
    db.session.commit()
    assert kept_cells() == {}


@pytest.mark.parametrize("filters", [
    IdeaFilters(), IdeaFilters(category="culture"), IdeaFilters(stage=IdeaStage.DONE),
    IdeaFilters(category="parks", stage=IdeaStage.NEW),
])
def test_clusters_from_the_kept_cells_are_the_clusters_of_the_ideas(world, filters):  # noqa: F811
    for level in grid.LEVELS:
        cells = grid.cell_range(BBox(76.80, 43.15, 77.10, 43.35), level)
        from_kept = clusters._kept_cells(filters, cells)
        assert from_kept is not None
        expected = db.session.execute(clusters._grouped_ideas(filters, cells)).all()
        got = db.session.execute(from_kept).all()
        assert {r[0]: (r[1], *(round(v, 9) for v in r[2:])) for r in got} == \
            {r[0]: (r[1], *(round(v, 9) for v in r[2:])) for r in expected}
        assert expected


@pytest.mark.parametrize("filters", [IdeaFilters(q="cinema"), IdeaFilters(quarter="none")])
def test_a_search_or_a_quarter_groups_the_ideas_themselves(filters):
    assert clusters._kept_cells(filters, CITY) is None
