"""The map's clusters kept on write (`domain.map_cells`) agree with a GROUP BY over the ideas
after every change that moves an idea on or off the map, and the clusters read from them are
the clusters grouped from the ideas."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from myalmaty.api import clusters
from myalmaty.core import grid
from myalmaty.core.geo import BBox
from myalmaty.core.permissions import Role
from myalmaty.domain import map_cells
from myalmaty.domain.ideas import Idea, IdeaStage, IdeaStatus
from myalmaty.domain.map_cells import MapCell
from myalmaty.extensions import db
from myalmaty.ideas.filters import IdeaFilters
from myalmaty.moderation import services
from tests.factories import make_category, make_idea, make_user

CITY = grid.cell_range(BBox(76.80, 43.15, 77.10, 43.35), 14)


def kept() -> dict[tuple, tuple]:
    rows = db.session.execute(sa.select(MapCell)).scalars()
    return {(r.level, r.cell, r.category_id, r.stage): (
        r.count, round(r.sum_lat, 9), round(r.sum_lon, 9), r.min_lon, r.min_lat, r.max_lon, r.max_lat)
        for r in rows}


def grouped() -> dict[tuple, tuple]:
    """The same rows, grouped from the published ideas."""
    found = {}
    for level in grid.LEVELS:
        cell = Idea.__table__.c[grid.cell_column(level)]
        for row in db.session.execute(
            sa.select(cell, Idea.category_id, Idea.stage, sa.func.count(), sa.func.sum(Idea.lat),
                      sa.func.sum(Idea.lon), sa.func.min(Idea.lon), sa.func.min(Idea.lat),
                      sa.func.max(Idea.lon), sa.func.max(Idea.lat))
            .where(Idea.status == IdeaStatus.PUBLISHED)
            .group_by(cell, Idea.category_id, Idea.stage)
        ):
            found[(level, *row[:3])] = (row[3], round(row[4], 9), round(row[5], 9), *row[6:])
    return found


@pytest.fixture
def world(app):
    """Published ideas close together (several to a cell), in two categories and stages."""
    rng = random.Random(3)
    culture, parks = make_category(slug="culture"), make_category(slug="parks")
    ideas = [
        make_idea(category=culture if n % 2 else parks,
                  stage=IdeaStage.NEW if n % 3 else IdeaStage.DONE,
                  lat=43.23 + rng.random() * 0.02, lon=76.93 + rng.random() * 0.03)
        for n in range(24)
    ]
    pending = make_idea(status=IdeaStatus.PENDING, category=culture, lat=43.245, lon=76.95)
    db.session.commit()
    return {"ideas": ideas, "pending": pending, "culture": culture, "parks": parks,
            "moderator": make_user(role=Role.MODERATOR)}


def _outermost(ideas: list[Idea]) -> Idea:
    return max(ideas, key=lambda idea: idea.lon)


def publish(w):
    services.publish_idea(w["moderator"], w["pending"], version=None)


def hide(w):
    # The easternmost idea lies on the bounds of each of its rows: they must shrink.
    services.hide_idea(w["moderator"], _outermost(w["ideas"]), version=None, reason="Spam.")


def hide_and_restore(w):
    idea = _outermost(w["ideas"])
    services.hide_idea(w["moderator"], idea, version=None, reason="Spam.")
    db.session.commit()
    services.restore_idea(w["moderator"], idea, version=None)


def recategorise(w):
    idea = w["ideas"][0]
    services.edit_idea(w["moderator"], idea, version=None, title=idea.title,
                       description=idea.description, first_step=idea.first_step,
                       category=w["culture"], quarter=None)


def change_stage(w):
    services.set_idea_stage(w["moderator"], w["ideas"][1], version=None,
                            stage=IdeaStage.IN_PROGRESS)


def move(w):
    idea = _outermost(w["ideas"])
    idea.lat, idea.lon = 43.30, 77.05  # far away: other cells at every level
    db.session.flush()


def move_a_little(w):
    idea = w["ideas"][2]
    idea.lon += 0.00001
    db.session.flush()


def merge_and_undo(w):
    idea, original = w["ideas"][3], w["ideas"][4]
    services.mark_duplicate(w["moderator"], idea, original, version=None)
    db.session.commit()
    assert kept() == grouped()
    services.undo_duplicate(w["moderator"], idea, version=None)


def merge(w):
    services.mark_duplicate(w["moderator"], _outermost(w["ideas"]), w["ideas"][0], version=None)


def expire_then_hide(w):
    # After a commit every attribute is expired: the status it replaces is still known.
    db.session.commit()
    idea = db.session.get(Idea, w["ideas"][5].id)
    db.session.expire(idea)
    idea.status = IdeaStatus.HIDDEN
    db.session.flush()


@pytest.mark.parametrize("change", [
    publish, hide, hide_and_restore, recategorise, change_stage, move, move_a_little,
    merge_and_undo, merge, expire_then_hide,
])
def test_the_kept_cells_agree_with_the_ideas_after_each_change(world, change):
    assert kept() == grouped() != {}
    change(world)
    db.session.commit()
    assert kept() == grouped()


def test_a_submission_writes_no_kept_cell(world, count_queries):
    before = kept()
    with count_queries() as counter:
        make_idea(status=IdeaStatus.PENDING, lat=43.24, lon=76.94)
        db.session.commit()
    assert not any("map_cells" in statement for statement in counter.statements)
    assert kept() == before


def test_a_cell_left_empty_is_deleted(app):
    idea = make_idea(lat=43.30, lon=77.05)
    db.session.commit()
    assert {key[0] for key in kept()} == set(grid.LEVELS)
    idea.status = IdeaStatus.HIDDEN
    db.session.commit()
    assert kept() == {}


def test_rebuild_gives_the_rows_kept_on_write(world):
    before = kept()
    map_cells.rebuild(db.session.connection())
    assert kept() == before


@pytest.mark.parametrize("filters", [
    IdeaFilters(), IdeaFilters(category="culture"), IdeaFilters(stage=IdeaStage.DONE),
    IdeaFilters(category="parks", stage=IdeaStage.NEW),
])
def test_clusters_from_the_kept_cells_are_the_clusters_of_the_ideas(world, filters):
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
