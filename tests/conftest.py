"""Fixtures in the style of Flask's tutorial: app, client, runner, auth, plus the database.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set; on
PostgreSQL each test process gets its own schema, created here and dropped at the end, so
repeated and concurrent runs on a shared server never see each other's rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

from myalmaty import create_app
from myalmaty.cli import compile_catalogues
from myalmaty.core.database import throwaway_schema
from myalmaty.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_PASSWORD = "correct horse battery"

# Hypothesis: in CI the same examples every run (a fixed seed) and no example database written
# into the checkout; locally a random seed each run, and failures remembered in .hypothesis/.
# HYPOTHESIS_PROFILE picks one by name (`HYPOTHESIS_PROFILE=ci` replays CI's examples).
settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if IN_CI else "dev"))


def pytest_configure(config: pytest.Config) -> None:
    # The app reads compiled catalogues; compile them from the .po files under test (once, in
    # the controlling process when tests run in parallel).
    if not hasattr(config, "workerinput"):
        compile_catalogues()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    with throwaway_schema(base_url, f"test_{os.getpid()}") as url:
        yield url


# Settings that pass the production check (`flask check-config`), for tests that start the app
# with MYALMATY_ENV=production.
PRODUCTION_SETTINGS = {
    "SECRET_KEY": "9f2c4e1b7a6d3c8e0f5a2b9d4c7e1a3f6b8d0c2e4a6f8b1d",
    "PUBLIC_BASE_URL": "https://ideas.almaty.example",
    "MAIL_SERVER": "smtp.almaty.example",
}


def production_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """MYALMATY_ENV=production, with no worker count inherited from the shell running the tests."""
    monkeypatch.setenv("MYALMATY_ENV", "production")
    for name in ("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)


def make_test_config(database_url: str, tmp_path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "EXPORTS_FOLDER": str(tmp_path / "exports"),
        "SIMILARITY_INDEX_FILE": str(tmp_path / "similarity-index.npz"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "TILE_URL": "http://tiles.test/{z}/{x}/{y}.png",
        "MAIL_SERVER": "",
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def _schema(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Create the tables once per test process."""
    app = create_app(make_test_config(database_url, tmp_path_factory.mktemp("schema")))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return database_url


def _empty_all_tables() -> None:
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def app_config() -> dict:
    """Override per test module: `@pytest.fixture def app_config(): return {...}`."""
    return {}


class FreshContextClient(FlaskClient):
    """Runs every request in an application context of its own, as a real server does.

    The `app` fixture keeps a context open so tests can build data; without this, requests
    would share its `g` (signed-in user, locale, CSP nonce) and its database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(_schema: str, tmp_path, app_config: dict) -> Iterator[Flask]:
    app = create_app(make_test_config(_schema, tmp_path, **app_config))
    app.test_client_class = FreshContextClient
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            try:
                _empty_all_tables()
            finally:
                # Also when emptying failed: connections left open would be reported by a
                # later test, far from the cause.
                db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class AuthActions:
    """`auth.login(user)` signs in through the real form; `auth.as_user(user)` skips the form."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = TEST_PASSWORD, follow: bool = False):
        return self._client.post(
            "/account/login",
            data={"email": email, "password": password},
            follow_redirects=follow,
        )

    def logout(self):
        return self._client.post("/account/logout")

    def as_user(self, user) -> None:
        with self._client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@dataclass
class QueryCounter:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """`with count_queries() as counter: ...` counts the SQL statements run inside."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def record(conn, cursor, statement, *args) -> None:
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "PRAGMA")):
                counter.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def outbox(app: Flask) -> list:
    """Mails sent during the test (the app logs them instead of using SMTP)."""
    return app.extensions.setdefault("mail_outbox", [])


def requires_postgres() -> str:
    """A PostgreSQL server URL for a test that needs one, whatever database the suite runs on.

    TEST_POSTGRES_URL names it (the suite on SQLite still checks PostgreSQL's migrations), else a
    PostgreSQL TEST_DATABASE_URL. Missing: skipped locally, a failure under CI=true.
    """
    for name in ("TEST_POSTGRES_URL", "TEST_DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith("postgresql"):
            return url
    if IN_CI:
        pytest.fail("CI=true needs PostgreSQL: set TEST_POSTGRES_URL or TEST_DATABASE_URL")
    pytest.skip("set TEST_POSTGRES_URL to a PostgreSQL database to run this test")


def requires_redis() -> str:
    """A Redis URL for a test that needs one (TEST_REDIS_URL, else the local server's db 15).

    Unreachable: skipped locally, a failure under CI=true.
    """
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if IN_CI:
            pytest.fail(f"CI=true needs Redis at {url} (TEST_REDIS_URL)")
        pytest.skip(f"no Redis at {url}; set TEST_REDIS_URL to run this test")
    return url
