"""The database half of a backup, per backend: a consistent snapshot, and loading one back.

SQLite: the online backup API copies a consistent snapshot in one step while the app goes on
writing (WAL: a reader never blocks the writer).
PostgreSQL: one REPEATABLE READ transaction exports its snapshot and pg_dump dumps exactly that
snapshot (`--snapshot`), so the revision and row counts read in the same transaction describe
the dump, however many ideas are submitted meanwhile. Only the app's schema (the first one on
its search_path) is dumped, and it is restored into a schema of the same name.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

VERSION_TABLE = "alembic_version"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore was refused or failed; the message is meant for the operator."""


@dataclass(frozen=True)
class Snapshot:
    """What a database snapshot holds, read from the snapshot itself."""

    revision: str
    tables: dict[str, int]
    postgresql_schema: str | None = None
    pg_dump_version: str | None = None


@dataclass(frozen=True)
class TargetState:
    """The database a restore would write into: its schema (PostgreSQL) and the tables it has."""

    tables: list[str] = field(default_factory=list)
    postgresql_schema: str | None = None


def read_state(
    connection: sa.Connection, table_names: Iterable[str]
) -> tuple[list[str], dict[str, int]]:
    """The Alembic revisions recorded in the database, and the rows of each table it has."""
    present = set(sa.inspect(connection).get_table_names())
    revisions: list[str] = []
    if VERSION_TABLE in present:
        revisions = list(connection.scalars(sa.select(sa.column("version_num")).select_from(
            sa.table(VERSION_TABLE))))
    counts = {
        name: int(connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name))) or 0)
        for name in table_names
        if name in present
    }
    return revisions, counts


def _one_revision(revisions: list[str]) -> str:
    if not revisions:
        raise BackupError(
            "The database has no Alembic revision (no alembic_version row): it was not created "
            "by the migrations. Run `flask --app app db upgrade` first, so the backup can say "
            "which schema it holds."
        )
    if len(revisions) > 1:
        raise BackupError(f"The database records several Alembic heads ({', '.join(revisions)}); "
                          "merge them before taking a backup.")
    return revisions[0]


# SQLite ---------------------------------------------------------------------------------------

def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Only a SQLite database in a file can be backed up or restored.")
    return Path(database)


def snapshot_sqlite(engine: Engine, target: Path, table_names: Iterable[str]) -> Snapshot:
    path = _sqlite_path(engine)
    if not path.is_file():
        raise BackupError(f"The SQLite database {path} does not exist.")
    try:
        with closing(sqlite3.connect(path, timeout=30)) as source, \
                closing(sqlite3.connect(target)) as copy:
            source.backup(copy)  # pages=-1: the whole database in one step, one read snapshot
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy {path}: {error}") from error
    copy_engine = sa.create_engine(sa.URL.create("sqlite", database=str(target)),
                                   poolclass=NullPool)
    try:
        with copy_engine.connect() as connection:
            revisions, counts = read_state(connection, table_names)
    finally:
        copy_engine.dispose()
    return Snapshot(_one_revision(revisions), counts)


def load_sqlite(engine: Engine, dump: Path) -> None:
    """Copy the snapshot into the (empty or missing) database file, page by page."""
    path = _sqlite_path(engine)
    engine.dispose()  # no pooled connection keeps the old, empty file open
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(dump)) as source, closing(sqlite3.connect(path)) as target:
            source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not write {path}: {error}") from error
    finally:
        engine.dispose()


def sqlite_target(engine: Engine) -> TargetState:
    path = _sqlite_path(engine)
    if not path.exists():
        return TargetState()  # restore creates the file; looking would create it too early
    try:
        with engine.connect() as connection:
            return TargetState(tables=sorted(sa.inspect(connection).get_table_names()))
    except sa.exc.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database: {error}") from error


# PostgreSQL -----------------------------------------------------------------------------------

def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed; it is needed for a PostgreSQL database "
                          "(Debian: apt-get install postgresql-client-<major version>).")
    return found


def _libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """A libpq URL for pg_dump/pg_restore; the password goes in the environment, not argv."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")
    return result.stdout


def tool_version(name: str) -> str:
    """`pg_dump (PostgreSQL) 15.20 …`, as the tool says it."""
    return _run([_tool(name), "--version"]).strip()


def major_version(version: str) -> int | None:
    found = re.search(r"\)\s*(\d+)", version)
    return int(found.group(1)) if found else None


def _literal_pattern(name: str) -> str:
    # Inside double quotes a pg_dump pattern loses its wildcards and case folding.
    return '"' + name.replace('"', '""') + '"'


def snapshot_postgresql(engine: Engine, target: Path, table_names: Iterable[str]) -> Snapshot:
    url, env = _libpq(engine.url)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection, \
            connection.begin():
        snapshot_id = connection.scalar(sa.text("SELECT pg_export_snapshot()"))
        schema = connection.scalar(sa.text("SELECT current_schema()"))
        if schema is None:
            raise BackupError("No schema on the database's search_path exists: nothing to back up.")
        revisions, counts = read_state(connection, table_names)
        revision = _one_revision(revisions)
        pg_dump = _tool("pg_dump")
        # The exporting transaction stays open until pg_dump has read everything.
        _run([pg_dump, "--format=custom", f"--file={target}",
              f"--schema={_literal_pattern(schema)}", f"--snapshot={snapshot_id}",
              f"--dbname={url}"], env)
    return Snapshot(revision, counts, postgresql_schema=schema,
                    pg_dump_version=tool_version("pg_dump"))


def postgresql_target(engine: Engine) -> TargetState:
    with engine.connect() as connection:
        schema = connection.scalar(sa.text("SELECT current_schema()"))
        tables = sorted(sa.inspect(connection).get_table_names()) if schema else []
    return TargetState(tables=tables, postgresql_schema=schema)


def _is_schema_entry(line: str, schema: str) -> bool:
    """The TOC lines that would create or comment on the schema itself, which already exists."""
    return re.match(r"^\d+; \d+ \d+ (SCHEMA - |COMMENT - SCHEMA |ACL - SCHEMA )"
                    + re.escape(schema) + " ", line) is not None


def load_postgresql(engine: Engine, dump: Path, schema: str) -> None:
    """pg_restore into the existing, empty schema: all of it in one transaction, or nothing."""
    pg_restore = _tool("pg_restore")
    listing = _run([pg_restore, "--list", str(dump)])
    entries = [line for line in listing.splitlines() if not _is_schema_entry(line, schema)]
    use_list = dump.with_name("restore.list")
    use_list.write_text("\n".join(entries) + "\n")
    url, env = _libpq(engine.url)
    engine.dispose()
    _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--use-list={use_list}", f"--dbname={url}", str(dump)], env)


# Either -----------------------------------------------------------------------------------------

def take_snapshot(engine: Engine, target: Path, table_names: Iterable[str]) -> Snapshot:
    if engine.dialect.name == "sqlite":
        return snapshot_sqlite(engine, target, table_names)
    if engine.dialect.name == "postgresql":
        return snapshot_postgresql(engine, target, table_names)
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine.dialect.name}.")


def target_state(engine: Engine) -> TargetState:
    if engine.dialect.name == "sqlite":
        return sqlite_target(engine)
    return postgresql_target(engine)


def load_snapshot(engine: Engine, dump: Path, postgresql_schema: str | None) -> None:
    if engine.dialect.name == "sqlite":
        load_sqlite(engine, dump)
    else:
        load_postgresql(engine, dump, postgresql_schema or "public")
