"""Whole installations for the backup tests: a database of their own and a photos folder.

The suite's `app` fixture shares one database per test process, made by `create_all`; a backup
needs a database the migrations made (it records their revision), and a restore needs an empty
one. On PostgreSQL each site is a database created here (`TEMPLATE template0`, which no one is
connected to) and dropped at the end.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.pool import NullPool

from myalmaty import create_app
from myalmaty.core.database import url_with_schema
from myalmaty.extensions import db
from tests.conftest import (
    IN_CI,
    make_test_config,
    requires_postgres,
)

BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Site:
    url: str
    folder: Path

    @property
    def photos(self) -> Path:
        return self.folder / "uploads"  # make_test_config's UPLOAD_FOLDER

    @contextmanager
    def running(self) -> Iterator[Flask]:
        """The site's app with an application context pushed, as a `flask` command has."""
        app = create_app(make_test_config(self.url, self.folder))
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


@contextmanager
def empty_site(backend: str, folder: Path, schema: str = "myalmaty") -> Iterator[Site]:
    """A site with an empty database; on PostgreSQL its tables go in `schema` (search_path)."""
    folder.mkdir(parents=True)
    if backend == "sqlite":
        yield Site(f"sqlite:///{folder / 'myalmaty.sqlite3'}", folder)
        return
    server = sa.make_url(requires_postgres())
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        if IN_CI:
            pytest.fail("CI=true needs pg_dump and pg_restore to back up PostgreSQL")
        pytest.skip("pg_dump and pg_restore are needed to back up PostgreSQL")
    name = f"backup_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        if schema != "public":
            engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
            with engine.connect() as connection:
                connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            engine.dispose()
            url = url_with_schema(url, schema)
        yield Site(url, folder)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
