"""Two residents supporting one idea at the same moment, on PostgreSQL: both count.

A recount reads the supports and writes the count. Without the row lock it takes on the idea
first, the second recount's read would not see the first's uncommitted support, and whichever
wrote last would leave a count of 1. The test holds the first transaction open until the
second is seen waiting for the lock, then lets both finish.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from myalmaty import create_app
from myalmaty.core.database import throwaway_schema
from myalmaty.domain.accounts import User
from myalmaty.domain.ideas import Idea, Support
from myalmaty.extensions import db
from myalmaty.ideas import engagement
from tests.conftest import make_test_config, requires_postgres
from tests.factories import make_idea, make_user

WAIT_LIMIT = 200  # polls of pg_stat_activity before giving up (the wait is normally immediate)


@pytest.fixture
def postgres_app(tmp_path) -> Iterator[Flask]:
    """An app on a PostgreSQL schema of its own, whatever database the suite runs on."""
    server = requires_postgres()
    with throwaway_schema(server, "race") as url:
        app = create_app(make_test_config(url, tmp_path))
        with app.app_context():
            db.create_all()
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


def waits_for_a_lock(pid: int) -> bool:
    with db.engine.connect() as watcher:
        return watcher.scalar(
            sa.text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"),
            {"pid": pid},
        ) is True


def test_two_supports_at_once_both_count(postgres_app: Flask) -> None:
    idea_id = make_idea().id
    first_id, second_id = make_user().id, make_user().id
    db.session.commit()

    second_pid: list[int] = []
    failures: list[BaseException] = []

    def support_as_the_second() -> None:
        with postgres_app.app_context():
            try:
                second_pid.append(db.session.scalar(sa.text("SELECT pg_backend_pid()")))
                user, idea = db.session.get(User, second_id), db.session.get(Idea, idea_id)
                assert user is not None and idea is not None
                engagement.set_support(user, idea, True)
                db.session.commit()
            except BaseException as error:  # handed to the test's thread
                failures.append(error)
            finally:
                db.session.remove()

    first, idea = db.session.get(User, first_id), db.session.get(Idea, idea_id)
    assert first is not None and idea is not None
    engagement.set_support(first, idea, True)  # recounted; not committed yet
    second = threading.Thread(target=support_as_the_second)
    second.start()
    for _ in range(WAIT_LIMIT):
        if second_pid and waits_for_a_lock(second_pid[0]):
            break
        second.join(0.05)
    else:
        pytest.fail("the second support never waited for the first one's lock on the idea")
    db.session.commit()
    second.join()

    assert not failures, failures
    db.session.expire_all()
    supports = db.session.scalar(
        sa.select(sa.func.count()).select_from(Support).where(Support.idea_id == idea_id))
    assert idea.support_count == supports == 2
