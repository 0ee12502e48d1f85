"""The aggregates of published ideas kept on write (`domain.kept`): the map's cells and the
dashboard's counts agree with a GROUP BY over the ideas after every kind of write that moves
an idea into, out of or within them, a submission writes none of them, and `rebuild` makes
the rows kept on write again."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from myalmaty.core import grid
from myalmaty.core.permissions import Role
from myalmaty.domain import kept
from myalmaty.domain.ideas import Idea, IdeaStage, IdeaStatus, RejectionReason
from myalmaty.domain.map_cells import MapCell
from myalmaty.domain.published_counts import PublishedCount
from myalmaty.extensions import db
from myalmaty.moderation import services
from myalmaty.organise import quarter_services
from tests.factories import make_category, make_idea, make_quarter, make_user
from tests.organise.data import square

START = dt.datetime(2026, 11, 20, 6, 30, tzinfo=dt.UTC)
WEST, EAST = square(76.90, 43.20, 76.93, 43.23), square(76.94, 43.20, 76.97, 43.23)
_PUBLISHED = Idea.status == IdeaStatus.PUBLISHED


def kept_cells() -> dict[tuple, tuple]:
    rows = db.session.execute(sa.select(MapCell)).scalars()
    return {(r.level, r.cell, r.category_id, r.stage): (
        r.count, round(r.sum_lat, 9), round(r.sum_lon, 9), r.min_lon, r.min_lat, r.max_lon, r.max_lat)
        for r in rows}


def grouped_cells() -> dict[tuple, tuple]:
    found = {}
    for level in grid.LEVELS:
        cell = Idea.__table__.c[grid.cell_column(level)]
        for row in db.session.execute(
            sa.select(cell, Idea.category_id, Idea.stage, sa.func.count(), sa.func.sum(Idea.lat),
                      sa.func.sum(Idea.lon), sa.func.min(Idea.lon), sa.func.min(Idea.lat),
                      sa.func.max(Idea.lon), sa.func.max(Idea.lat))
            .where(_PUBLISHED).group_by(cell, Idea.category_id, Idea.stage)
        ):
            found[(level, *row[:3])] = (row[3], round(row[4], 9), round(row[5], 9), *row[6:])
    return found


def kept_counts() -> dict[tuple[str, str], int]:
    rows = db.session.execute(sa.select(PublishedCount.dimension, PublishedCount.key,
                                        PublishedCount.count).where(PublishedCount.count != 0))
    return {(dimension, key): number for dimension, key, number in rows}


def grouped_counts() -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for dimension, column in (("quarter", Idea.quarter_id), ("category", Idea.category_id),
                              ("stage", Idea.stage)):
        for value, number in db.session.execute(
                sa.select(column, sa.func.count()).where(_PUBLISHED).group_by(column)):
            key = "" if value is None else value.value if isinstance(value, IdeaStage) else str(value)
            found[(dimension, key)] = number
    hours = Counter(f"{at.astimezone(dt.UTC):%Y-%m-%dT%H}"
                    for at in db.session.scalars(sa.select(Idea.published_at).where(_PUBLISHED)))
    found.update({("hour", hour): number for hour, number in hours.items()})
    return found


@pytest.fixture
def world(app):
    """Published ideas close together (several to a map cell) in two quarters (5 and 4) and
    none (4), two categories and stages, published an hour or so apart; one pending idea."""
    rng = random.Random(3)
    west, east = make_quarter(WEST), make_quarter(EAST)
    culture, parks = make_category(slug="culture"), make_category(slug="parks")
    ideas = [
        make_idea(quarter=(west, east, None)[n % 3], category=culture if n % 2 else parks,
                  stage=IdeaStage.NEW if n % 4 else IdeaStage.DONE,
                  lat=43.205 + rng.random() * 0.02,
                  lon=(76.905, 76.945, 76.931)[n % 3] + rng.random() * (0.02, 0.02, 0.008)[n % 3],
                  published_at=START + dt.timedelta(minutes=50 * n))
        for n in range(13)
    ]
    pending = make_idea(status=IdeaStatus.PENDING, quarter=west, category=culture,
                        lat=43.21, lon=76.91)
    db.session.commit()
    return {"ideas": ideas, "pending": pending, "west": west, "east": east,
            "culture": culture, "parks": parks, "moderator": make_user(role=Role.MODERATOR),
            "organiser": make_user(role=Role.ORGANISER)}


def outermost(ideas: list[Idea]) -> Idea:
    # The easternmost idea lies on the bounds of each of its map cells: they must shrink.
    return max(ideas, key=lambda idea: idea.lon)


# --- every kind of write that moves a published idea ------------------------------------------

def publish(w):
    services.publish_idea(w["moderator"], w["pending"], version=None)


def reject(w):
    services.reject_idea(w["moderator"], w["pending"], version=None,
                         reason=RejectionReason.OFF_TOPIC)


def hide(w):
    services.hide_idea(w["moderator"], outermost(w["ideas"]), version=None, reason="Spam.")


def hide_and_restore(w):
    idea = outermost(w["ideas"])
    services.hide_idea(w["moderator"], idea, version=None, reason="Spam.")
    db.session.commit()
    services.restore_idea(w["moderator"], idea, version=None)


def publish_hide_and_publish_again(w):
    # Published anew, an idea keeps the hour it was first published in.
    idea = w["pending"]
    services.publish_idea(w["moderator"], idea, version=None)
    db.session.commit()
    services.hide_idea(w["moderator"], idea, version=None, reason="Spam.")
    db.session.commit()
    services.restore_idea(w["moderator"], idea, version=None)


def move_quarter_and_category(w):
    idea = w["ideas"][1]
    services.edit_idea(w["moderator"], idea, version=None, title=idea.title,
                       description=idea.description, first_step=idea.first_step,
                       category=w["parks"], quarter=None)


def change_stage(w):
    services.set_idea_stage(w["moderator"], w["ideas"][2], version=None,
                            stage=IdeaStage.IN_PROGRESS)


def bulk_stage_and_publish(w):
    items = [(idea.id, idea.version) for idea in w["ideas"][:4]]
    services.apply_bulk(w["moderator"], services.BulkAction.STAGE, items,
                        services.BulkParams(stage=IdeaStage.UNDER_REVIEW))
    services.apply_bulk(w["moderator"], services.BulkAction.PUBLISH,
                        [(w["pending"].id, w["pending"].version)], services.BulkParams())


def merge(w):
    services.mark_duplicate(w["moderator"], outermost(w["ideas"]), w["ideas"][0], version=None)


def merge_and_undo(w):
    idea, original = w["ideas"][3], w["ideas"][4]
    services.mark_duplicate(w["moderator"], idea, original, version=None)
    db.session.commit()
    assert (kept_cells(), kept_counts()) == (grouped_cells(), grouped_counts())
    services.undo_duplicate(w["moderator"], idea, version=None)


def move(w):
    idea = outermost(w["ideas"])
    idea.lat, idea.lon = 43.30, 77.05  # far away: other map cells at every level
    db.session.flush()


def move_a_little(w):
    idea = w["ideas"][2]
    idea.lon += 0.00001
    db.session.flush()


def republish_earlier(w):
    w["ideas"][5].published_at = START - dt.timedelta(days=40)
    db.session.flush()


def expire_then_hide(w):
    # After a commit every attribute is expired: the status it replaces is still known.
    db.session.commit()
    idea = db.session.get(Idea, w["ideas"][5].id)
    db.session.expire(idea)
    idea.status = IdeaStatus.HIDDEN
    db.session.flush()


def expire_then_move(w):
    # After a commit every attribute is expired: the values they replace are still known.
    db.session.commit()
    idea = db.session.get(Idea, w["ideas"][6].id)
    db.session.expire(idea)
    idea.quarter_id, idea.published_at = w["east"].id, START + dt.timedelta(days=3)
    db.session.flush()


def submit_published(w):
    make_idea(quarter=w["east"], lat=43.21, lon=76.95, published_at=START + dt.timedelta(hours=30))


def quarter_boundary_moves_ideas(w):
    # Bulk UPDATEs of the ideas' quarter: west now covers the ideas outside any quarter and
    # loses its own to none.
    quarter_services.update_quarter(
        w["organiser"], w["west"],
        quarter_services.QuarterDetails(slug=w["west"].slug, name_ru="З", name_kk="Б",
                                        name_en="W"),
        '{"type": "Polygon", "coordinates": [[[76.93, 43.20], [76.94, 43.20], '
        '[76.94, 43.23], [76.93, 43.23], [76.93, 43.20]]]}')


def quarter_archived_and_created(w):
    quarter_services.set_quarter_archived(w["organiser"], w["east"], True)
    quarter_services.create_quarter(
        w["organiser"],
        quarter_services.QuarterDetails(slug="middle", name_ru="С", name_kk="О", name_en="M"),
        '{"type": "Polygon", "coordinates": [[[76.93, 43.20], [76.98, 43.20], '
        '[76.98, 43.23], [76.93, 43.23], [76.93, 43.20]]]}')


WRITES = [
    publish, reject, hide, hide_and_restore, publish_hide_and_publish_again,
    move_quarter_and_category, change_stage, bulk_stage_and_publish, merge, merge_and_undo,
    move, move_a_little, republish_earlier, expire_then_hide, expire_then_move, submit_published,
    quarter_boundary_moves_ideas, quarter_archived_and_created,
]


@dataclass(frozen=True)
class Aggregate:
    table: str
    kept: Callable[[], dict]
    grouped: Callable[[], dict]
    # The writes that leave it as it was: they move what it does not hold, or move and undo.
    unchanged_by: tuple[Callable, ...]


CELLS = Aggregate("map_cells", kept_cells, grouped_cells, (
    reject, hide_and_restore, merge_and_undo, republish_earlier, expire_then_move,
    quarter_boundary_moves_ideas, quarter_archived_and_created))
COUNTS = Aggregate("published_counts", kept_counts, grouped_counts, (
    reject, hide_and_restore, merge_and_undo, move, move_a_little))
AGGREGATES = pytest.mark.parametrize("aggregate", [CELLS, COUNTS], ids=lambda a: a.table)


@AGGREGATES
@pytest.mark.parametrize("write", WRITES)
def test_a_kept_aggregate_agrees_with_the_ideas_after_each_write(world, aggregate, write):
    assert aggregate.kept() == aggregate.grouped() != {}
    before = aggregate.kept()
    write(world)
    db.session.commit()
    assert aggregate.kept() == aggregate.grouped()
    assert (aggregate.kept() == before) == (write in aggregate.unchanged_by)


@AGGREGATES
def test_a_submission_writes_no_kept_row(world, count_queries, aggregate):
    before = aggregate.kept()
    with count_queries() as counter:
        make_idea(status=IdeaStatus.PENDING, lat=43.24, lon=76.94)
        db.session.commit()
    assert not any(aggregate.table in statement for statement in counter.statements)
    assert aggregate.kept() == before


@AGGREGATES
def test_rebuild_gives_the_rows_kept_on_write(world, aggregate):
    before = aggregate.kept()
    db.session.execute(sa.delete(MapCell))
    db.session.execute(sa.delete(PublishedCount))
    kept.rebuild(db.session.connection())
    assert aggregate.kept() == before
