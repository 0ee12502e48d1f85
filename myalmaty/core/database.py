"""Database set-up: SQLite pragmas, and what the readiness check asks of the database."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry


def configure_sqlite(engine: Engine) -> None:
    """WAL lets readers go on while one writer writes; foreign keys are off by default."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


def database_is_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return False
    return True


@cache
def head_revisions(migrations_directory: str) -> frozenset[str]:
    """The newest revision(s) of the migrations this code ships (read once: they never change
    while the app runs)."""
    return frozenset(ScriptDirectory(migrations_directory).get_heads())


def database_revisions(engine: Engine) -> frozenset[str]:
    """The revision(s) `flask db upgrade` last brought the database to; none if it never ran."""
    with engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())
