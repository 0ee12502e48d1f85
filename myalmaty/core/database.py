"""Database set-up: SQLite pragmas, what the readiness check asks of the database, and
throw-away PostgreSQL schemas for the tests and the benchmark."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry, NullPool


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


def url_with_schema(base_url: str, schema: str) -> str:
    """The URL of `base_url` with every connection's search path set to `schema`."""
    url = sa.make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@contextmanager
def throwaway_schema(base_url: str, prefix: str) -> Iterator[str]:
    """A new PostgreSQL schema on `base_url`'s server, dropped with all it holds on leaving;
    yields the URL whose connections work in it. Concurrent runs on one server never meet."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url_with_schema(base_url, schema)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
