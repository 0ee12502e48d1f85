"""The dashboard's counts of published ideas kept on write (`domain.published_counts`) agree
with a GROUP BY over the ideas after every kind of write that moves an idea into, out of or
between them; two transactions counting the same row at once both count (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from myalmaty.core.permissions import Role
from myalmaty.domain import kept, published_counts
from myalmaty.domain.ideas import Idea, IdeaStage, IdeaStatus, RejectionReason
from myalmaty.domain.published_counts import PublishedCount
from myalmaty.extensions import db
from myalmaty.moderation import services
from myalmaty.organise import quarter_services
from tests.factories import make_category, make_idea, make_quarter, make_user
from tests.ideas.test_count_race import WAIT_LIMIT, postgres_app, waits_for_a_lock  # noqa: F401
from tests.organise.data import square

START = dt.datetime(2026, 11, 20, 6, 30, tzinfo=dt.UTC)
WEST, EAST = square(76.90, 43.20, 76.93, 43.23), square(76.94, 43.20, 76.97, 43.23)


def kept_rows() -> dict[tuple[str, str], int]:
    rows = db.session.execute(sa.select(PublishedCount.dimension, PublishedCount.key,
                                        PublishedCount.count).where(PublishedCount.count != 0))
    return {(dimension, key): number for dimension, key, number in rows}


def grouped() -> dict[tuple[str, str], int]:
    """The same counts, grouped from the published ideas."""
    published = Idea.status == IdeaStatus.PUBLISHED
    found: dict[tuple[str, str], int] = {}
    for dimension, column in (("quarter", Idea.quarter_id), ("category", Idea.category_id),
                              ("stage", Idea.stage)):
        for value, number in db.session.execute(
                sa.select(column, sa.func.count()).where(published).group_by(column)):
            key = "" if value is None else value.value if isinstance(value, IdeaStage) else str(value)
            found[(dimension, key)] = number
    hours = Counter(f"{at.astimezone(dt.UTC):%Y-%m-%dT%H}"
                    for at in db.session.scalars(sa.select(Idea.published_at).where(published)))
    found.update({("hour", hour): number for hour, number in hours.items()})
    return found


@pytest.fixture
def world(app):
    """Published ideas in two quarters (5 and 4) and none (4), two categories and stages,
    over hours."""
    west, east = make_quarter(WEST), make_quarter(EAST)
    culture, parks = make_category(slug="culture"), make_category(slug="parks")
    ideas = [
        make_idea(quarter=(west, east, None)[n % 3], category=culture if n % 2 else parks,
                  stage=IdeaStage.NEW if n % 4 else IdeaStage.DONE,
                  lat=43.21, lon=(76.91, 76.95, 76.935)[n % 3],
                  published_at=START + dt.timedelta(minutes=50 * n))
        for n in range(13)
    ]
    pending = make_idea(status=IdeaStatus.PENDING, quarter=west, category=culture,
                        lat=43.21, lon=76.91)
    db.session.commit()
    return {"ideas": ideas, "pending": pending, "west": west, "east": east,
            "culture": culture, "moderator": make_user(role=Role.MODERATOR),
            "organiser": make_user(role=Role.ORGANISER)}


def publish(w):
    services.publish_idea(w["moderator"], w["pending"], version=None)


def reject(w):
    services.reject_idea(w["moderator"], w["pending"], version=None,
                         reason=RejectionReason.OFF_TOPIC)


def hide(w):
    services.hide_idea(w["moderator"], w["ideas"][0], version=None, reason="Spam.")


def hide_and_restore(w):
    idea = w["ideas"][0]
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
                       category=w["culture"], quarter=None)


def change_stage(w):
    services.set_idea_stage(w["moderator"], w["ideas"][2], version=None,
                            stage=IdeaStage.IN_PROGRESS)


def bulk_stage_and_publish(w):
    items = [(idea.id, idea.version) for idea in w["ideas"][:4]]
    services.apply_bulk(w["moderator"], services.BulkAction.STAGE, items,
                        services.BulkParams(stage=IdeaStage.UNDER_REVIEW))
    services.apply_bulk(w["moderator"], services.BulkAction.PUBLISH,
                        [(w["pending"].id, w["pending"].version)], services.BulkParams())


def merge_and_undo(w):
    idea, original = w["ideas"][3], w["ideas"][4]
    services.mark_duplicate(w["moderator"], idea, original, version=None)
    db.session.commit()
    assert kept_rows() == grouped()
    services.undo_duplicate(w["moderator"], idea, version=None)


def republish_earlier(w):
    w["ideas"][5].published_at = START - dt.timedelta(days=40)
    db.session.flush()


def expire_then_move(w):
    # After a commit every attribute is expired: the values they replace are still known.
    db.session.commit()
    idea = db.session.get(Idea, w["ideas"][6].id)
    db.session.expire(idea)
    idea.quarter_id, idea.published_at = w["east"].id, START + dt.timedelta(days=3)
    db.session.flush()


def submit_published(w):
    make_idea(quarter=w["east"], published_at=START + dt.timedelta(hours=30))


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


@pytest.mark.parametrize("change", [
    publish, reject, hide, hide_and_restore, publish_hide_and_publish_again,
    move_quarter_and_category, change_stage, bulk_stage_and_publish, merge_and_undo,
    republish_earlier, expire_then_move, submit_published, quarter_boundary_moves_ideas,
    quarter_archived_and_created,
])
def test_the_kept_counts_agree_with_the_ideas_after_each_change(world, change):
    assert kept_rows() == grouped() != {}
    before = kept_rows()
    change(world)
    db.session.commit()
    assert kept_rows() == grouped()
    # Each change moves some count, but those that end where they started.
    assert (kept_rows() == before) == (change in (reject, hide_and_restore, merge_and_undo))


def test_a_submission_writes_no_count(world, count_queries):
    before = kept_rows()
    with count_queries() as counter:
        make_idea(status=IdeaStatus.PENDING, lat=43.24, lon=76.94)
        db.session.commit()
    assert not any("published_counts" in statement for statement in counter.statements)
    assert kept_rows() == before


def test_rebuild_gives_the_counts_kept_on_write(world):
    before = kept_rows()
    db.session.execute(sa.delete(PublishedCount))
    kept.rebuild(db.session.connection())
    assert kept_rows() == before


def test_weeks_are_sums_of_the_hours_they_hold(world):
    # Ideas published at 06:30, 07:20, 08:10… A bound inside an hour is taken to its start:
    # 07:40 to 07:00, so the idea of 07:20 falls after it.
    bounds = [START.replace(minute=0), START + dt.timedelta(hours=1, minutes=10),
              START + dt.timedelta(hours=2), START + dt.timedelta(days=30)]
    assert published_counts.published_between(db.session, bounds) == [1, 1, 11]


@pytest.mark.parametrize("existing", [False, True], ids=["new row", "existing row"])
def test_two_transactions_counting_one_row_at_once_both_count(postgres_app, existing):  # noqa: F811
    key = Counter({("hour", "2026-11-20T06"): 1})
    if existing:
        published_counts.add(db.session.connection(), key)
        db.session.commit()
    second_pid: list[int] = []
    failures: list[BaseException] = []

    def count_as_the_second() -> None:
        with postgres_app.app_context():
            try:
                second_pid.append(db.session.scalar(sa.text("SELECT pg_backend_pid()")))
                published_counts.add(db.session.connection(), key)
                db.session.commit()
            except BaseException as error:  # handed to the test's thread
                failures.append(error)
            finally:
                db.session.remove()

    published_counts.add(db.session.connection(), key)  # not committed yet
    second = threading.Thread(target=count_as_the_second)
    second.start()
    for _ in range(WAIT_LIMIT):
        if second_pid and waits_for_a_lock(second_pid[0]):
            break
        second.join(0.05)
    else:
        pytest.fail("the second count never waited for the first one's row")
    db.session.commit()
    second.join()

    assert not failures, failures
    assert kept_rows() == {("hour", "2026-11-20T06"): 2 + existing}


def test_the_counts_read_take_in_this_session_s_changes_not_yet_flushed(world):
    world["ideas"][1].stage = IdeaStage.IN_PROGRESS
    assert published_counts.counts(db.session)["stage"] == {"new": 8, "done": 4, "in_progress": 1}
