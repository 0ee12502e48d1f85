"""Database set-up: SQLite pragmas, what the readiness check asks of the database, reading
outside a transaction, text concatenated by either database, and throw-away PostgreSQL schemas
for the tests and the benchmark."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import orm as so
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


# A connection back in the pool for longer than this is tried before it is handed out again.
IDLE_PING_SECONDS = 10.0
_IDLE_SINCE = "myalmaty.idle_since"


def ping_when_idle(engine: Engine, idle_seconds: float = IDLE_PING_SECONDS) -> None:
    """Try a pooled connection before handing it out, if it sat idle: the server may have
    restarted, or a firewall dropped it, meanwhile; a dead one is replaced at once.

    Instead of `pool_pre_ping`, which tries it on every checkout: one more round trip per
    request, as long as a revalidation that answers 304 after reading one row. A connection
    used within the last seconds is handed out as it is.
    """

    @sa.event.listens_for(engine, "checkin")
    def idle_from_now(_dbapi_connection: DBAPIConnection | None,
                      record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry,
                     _proxy: object) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool replaces the connection and checks out again.
            raise sa.exc.DisconnectionError(str(error)) from error


def read_outside_transaction(session: so.Session) -> sa.Connection:
    """The session's connection, in autocommit when no statement has run yet: for a request
    that only reads, each statement is then its own, with no BEGIN and ROLLBACK around them
    (two round trips on PostgreSQL, whose statements each see their own snapshot anyway in
    READ COMMITTED). A session already in a transaction keeps it."""
    autocommit = {"isolation_level": "AUTOCOMMIT"} if session.get_transaction() is None else None
    return session.connection(execution_options=autocommit)


def concatenated(dialect: str, parts: Sequence[Any]) -> sa.ColumnElement[str]:
    """The parts as one text, written in one go by the database named `dialect`, a NULL part
    as nothing: PostgreSQL's `concat()`, SQLite's `printf` with a `%s` per part. Chained `||`
    would copy the text so far at each step (a description's kilobyte a dozen times for an
    export's row) and turn the whole text NULL for one NULL part."""
    if dialect == "postgresql":
        return sa.func.concat(*parts, type_=sa.String)
    return sa.func.printf("%s" * len(parts), *parts, type_=sa.String)


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
