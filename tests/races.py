"""Two transactions at once on PostgreSQL: the second must wait for the first's lock.

A race test holds its first transaction open (its write done, not committed), starts the
second in another thread on a connection of its own, waits until PostgreSQL shows the second
waiting for a lock, then commits the first and lets the second finish. The test then checks
that both writes count.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from myalmaty import create_app
from myalmaty.core.database import throwaway_schema
from myalmaty.extensions import db
from tests.conftest import make_test_config, requires_postgres

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


def second_waits_for_first(app: Flask, first: Callable[[], None],
                           second: Callable[[], None]) -> None:
    """Runs `first` in the test's transaction, then `second` (and its commit) in another
    thread; commits the first once the second is seen waiting for its lock. Fails the test if
    the second never waits or fails."""
    second_pid: list[int] = []
    failures: list[BaseException] = []

    def run_second() -> None:
        with app.app_context():
            try:
                second_pid.append(db.session.scalar(sa.text("SELECT pg_backend_pid()")))
                second()
                db.session.commit()
            except BaseException as error:  # handed to the test's thread
                failures.append(error)
            finally:
                db.session.remove()

    first()  # not committed yet: it holds its locks
    thread = threading.Thread(target=run_second)
    thread.start()
    for _ in range(WAIT_LIMIT):
        if second_pid and waits_for_a_lock(second_pid[0]):
            break
        thread.join(0.05)
    else:
        db.session.rollback()
        thread.join()
        pytest.fail("the second transaction never waited for the first one's lock")
    db.session.commit()
    thread.join()
    assert not failures, failures
