"""Pooled connections are tried only after sitting idle: a dead one is replaced, a busy pool
is not asked an extra round trip per request."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.pool import QueuePool

from myalmaty.core import database


def _engine(tmp_path, idle_seconds: float) -> tuple[sa.Engine, list[str]]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'ping.sqlite3'}", poolclass=QueuePool)
    database.ping_when_idle(engine, idle_seconds)
    pings: list[str] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection):
        pings.append("ping")
        return ping(dbapi_connection)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    return engine, pings


def _one(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.text("SELECT 1"))


def test_a_connection_used_a_moment_ago_is_not_tried(tmp_path):
    engine, pings = _engine(tmp_path, idle_seconds=60)
    for _ in range(3):
        assert _one(engine) == 1
    assert pings == []
    engine.dispose()


def test_an_idle_connection_is_tried_and_a_dead_one_replaced(tmp_path):
    engine, pings = _engine(tmp_path, idle_seconds=0)
    assert _one(engine) == 1
    with engine.connect() as connection:  # the server dropped it while it sat in the pool
        dead = connection.connection.dbapi_connection
    dead.close()
    pings.clear()
    assert _one(engine) == 1
    assert pings[:1] == ["ping"]
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection is not dead
    engine.dispose()
