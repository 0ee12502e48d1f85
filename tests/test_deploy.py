"""gunicorn with the shipped deploy/gunicorn.conf.py, as a server runs it: a real process on a
free port of this machine, requests over HTTP, its log read from its standard error."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_migrate import upgrade

from myalmaty import create_app
from myalmaty.config import PROJECT_ROOT
from myalmaty.extensions import db
from tests.conftest import PRODUCTION_SETTINGS, make_test_config
from tests.factories import make_user

GUNICORN_CONF = PROJECT_ROOT / "deploy" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def site(tmp_path) -> dict[str, str]:
    """A migrated SQLite database and a photos folder, as `flask db upgrade` leaves them."""
    database = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    app = create_app(make_test_config(database, tmp_path))
    with app.app_context():
        upgrade()
        make_user(email="aidos@example.kz")
        db.session.commit()
        db.engine.dispose()
    return {"DATABASE_URL": database, "UPLOAD_FOLDER": str(tmp_path / "photos"),
            "EXPORTS_FOLDER": str(tmp_path / "exports"),
            "SIMILARITY_INDEX_FILE": str(tmp_path / "similarity-index.npz")}


def environment(site: dict[str, str], **settings: str) -> dict[str, str]:
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith(("MYALMATY_", "MAIL_", "RATELIMIT_", "GUNICORN_",
                                         "PROMETHEUS_", "WEB_CONCURRENCY", "LOG_", "SECRET_KEY",
                                         "DATABASE_URL", "PUBLIC_BASE_URL", "METRICS_",
                                         "SIMILARITY_"))}
    return {**inherited, "PYTHONPATH": str(PROJECT_ROOT), **site, **settings}


@contextmanager
def gunicorn(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Start gunicorn; yield its base URL (once it answers) and the file its log goes to."""
    port = free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "app:app"],
            cwd=PROJECT_ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=output, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(300):
            if process.poll() is not None:
                pytest.fail(f"gunicorn stopped ({process.returncode}):\n{log.read_text()}")
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"gunicorn never answered:\n{log.read_text()}")
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=60)


def get(url: str, opener: urllib.request.OpenerDirector | None = None):
    try:
        response = (opener or urllib.request.build_opener()).open(url, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, response.headers, response.read().decode()


WARMED_UP = r"Similarity index of \d+ ideas ready in [\d.]+ s"


def test_production_under_gunicorn_is_alive_ready_and_logs_json(site, tmp_path):
    env = environment(site, MYALMATY_ENV="production", WEB_CONCURRENCY="1",
                      METRICS_ENABLED="1", **PRODUCTION_SETTINGS)

    with gunicorn(env, tmp_path) as (base, log):
        alive = get(base + "/healthz")
        ready = get(base + "/readyz")
        metrics = get(base + "/metrics")
        for _attempt in range(600):
            if re.search(WARMED_UP, log.read_text()):
                break
            time.sleep(0.1)

    assert alive[0] == 200 and json.loads(alive[2]) == {"status": "ok"}
    status, headers, body = ready
    assert status == 200, body
    answer = json.loads(body)
    assert answer["status"] == "ready"
    assert set(answer["checks"]) == {"database", "schema", "uploads", "exports", "translations"}
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    assert headers["Strict-Transport-Security"]  # production's headers are on
    # Counted in the worker's file, added up by /metrics (PROMETHEUS_MULTIPROC_DIR).
    assert metrics[0] == 200
    assert re.search(r'myalmaty_http_requests_total\{[^}]*route="/readyz"[^}]*\} 1\.0', metrics[2])
    # The app's lines (here: the SQLite warning) are JSON; the access line names the request.
    lines = log.read_text().splitlines()
    records = [json.loads(line) for line in lines]
    [warning] = [record for record in records
                 if record["logger"] == "myalmaty" and "SQLite" in record["message"]]
    assert warning["level"] == "WARNING" and warning["request_id"] == "-"
    # The worker built its similarity index at start, in the background (SIMILARITY_WARMUP).
    assert [r for r in records if re.fullmatch(WARMED_UP, r["message"])]
    assert len(lines) == len(set(lines))  # no line written twice
    assert not [record for record in records if record["logger"].startswith("alembic")]
    assert any(headers["X-Request-ID"] in line and "/readyz" in line for line in lines)


def test_gunicorn_refuses_unsafe_production_settings_and_says_why(site, tmp_path):
    env = environment(site, MYALMATY_ENV="production", **{
        **PRODUCTION_SETTINGS, "WEB_CONCURRENCY": "2", "RATELIMIT_STORAGE_URI": "memory://",
    })
    log = tmp_path / "refused.log"
    with log.open("w") as output:
        result = subprocess.run(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "app:app"],
            cwd=PROJECT_ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{free_port()}"},
            stdout=output, stderr=subprocess.STDOUT, timeout=120,
        )
    printed = log.read_text()
    assert result.returncode != 0
    assert "Refusing to start with MYALMATY_ENV=production" in printed
    assert "RATELIMIT_STORAGE_URI: memory:// with 2 workers" in printed


def test_a_reset_link_reaches_the_log_under_gunicorn_without_a_mail_server(site, tmp_path):
    env = environment(site, SECRET_KEY=PRODUCTION_SETTINGS["SECRET_KEY"], WEB_CONCURRENCY="2")

    with gunicorn(env, tmp_path) as (base, log):
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        _status, _headers, page = get(base + "/account/reset", browser)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = urlencode({"email": "aidos@example.kz", "csrf_token": token}).encode()
        with browser.open(base + "/account/reset", data=form, timeout=10) as answered:
            assert answered.status == 200
        [link] = re.findall(r"http://\S+/account/reset/\S+", log.read_text())
        path = link.split("/", 3)[3]
        assert get(f"{base}/{path}", browser)[0] == 200


def test_every_setting_is_documented_in_the_deployment_guide():
    guide = (PROJECT_ROOT / "docs" / "deploy.md").read_text()
    read = set()
    for source in (PROJECT_ROOT / "myalmaty" / "config.py", GUNICORN_CONF):
        read |= set(re.findall(r'(?:environ\.get|_env_\w+)\(\s*"([A-Z_]+)"', source.read_text()))
    assert {"SECRET_KEY", "WEB_CONCURRENCY", "GUNICORN_BIND"} <= read  # the pattern finds them
    assert sorted(name for name in read if f"`{name}`" not in guide) == []


def deployed_commands() -> list[tuple[str, list[str]]]:
    """Every `flask --app app COMMAND …` a deployment file runs: (file, the command's words)."""
    found = []
    for path in sorted((PROJECT_ROOT / "deploy").rglob("*")):
        if not path.is_file():
            continue
        for match in re.finditer(r'flask"?,? "?--app"?,? "?app"?,? ((?:"?[a-z][a-z-]*"?,? ?)+)',
                                 path.read_text()):
            words = re.findall(r"[a-z][a-z-]*", match.group(1))
            found.append((path.name, words))
    return found


def test_every_flask_command_the_deployment_files_run_exists(app):
    commands = deployed_commands()
    assert {" ".join(words[:2]) for _name, words in commands} >= {
        "notify send-due", "exports purge", "worker", "backup"}  # the pattern finds them
    runner = app.test_cli_runner()
    for name, words in commands:
        result = runner.invoke(args=[*words, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, (name, words, result.output)
