"""The dashboard's counts of published ideas kept on write (`domain.published_counts`): weeks
are sums of the hours they hold, two transactions counting the same row at once both count
(PostgreSQL), and a read takes in changes not yet flushed. That the counts agree with the ideas
after every kind of write is `tests/test_kept_aggregates.py`'s."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from myalmaty.domain import published_counts
from myalmaty.domain.ideas import IdeaStage
from myalmaty.extensions import db
from tests.races import postgres_app, second_waits_for_first  # noqa: F401
from tests.test_kept_aggregates import START, kept_counts, world  # noqa: F401


def test_weeks_are_sums_of_the_hours_they_hold(world):  # noqa: F811
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
    second_waits_for_first(postgres_app,
                           lambda: published_counts.add(db.session.connection(), key),
                           lambda: published_counts.add(db.session.connection(), key))

    assert kept_counts() == {("hour", "2026-11-20T06"): 2 + existing}


def test_the_counts_read_take_in_this_session_s_changes_not_yet_flushed(world):  # noqa: F811
    world["ideas"][1].stage = IdeaStage.IN_PROGRESS
    assert published_counts.counts(db.session)["stage"] == {"new": 8, "done": 4, "in_progress": 1}
