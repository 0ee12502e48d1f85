"""/healthz (the process answers), /readyz (it can serve residents) and /metrics."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import stamp

from myalmaty.core.database import head_revisions
from myalmaty.core.permissions import Role
from myalmaty.extensions import db, migrate
from myalmaty.main import health
from tests.factories import make_user


@pytest.fixture
def at_head(app):
    """The test database was made by create_all; record it as migrated, as `db upgrade` would."""
    stamp()
    yield
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE alembic_version"))


def test_healthz_answers_without_touching_the_database(client, monkeypatch):
    monkeypatch.setattr(health, "database_is_reachable", lambda engine: pytest.fail("touched"))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_is_ready_when_every_check_passes(client, at_head):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ready"
    checks = response.json["checks"]
    assert set(checks) == {"database", "schema", "uploads", "exports", "translations"}
    assert all(check["ok"] for check in checks.values())
    assert checks["schema"]["detail"] in head_revisions(migrate.directory)


def test_readyz_reports_a_database_not_migrated_to_the_head(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "not ready"
    schema = response.json["checks"]["schema"]
    assert not schema["ok"] and "no revision" in schema["detail"] and "db upgrade" in schema["detail"]
    assert response.json["checks"]["database"] == {"ok": True}


def test_readyz_reports_an_old_schema(client, at_head):
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'an_old_one'"))
    db.session.commit()
    schema = client.get("/readyz").json["checks"]["schema"]
    assert schema == {"ok": False, "detail": schema["detail"]}
    assert schema["detail"].startswith("at an_old_one, the code expects")


def test_readyz_reports_an_unreachable_database(client, at_head, monkeypatch):
    monkeypatch.setattr(health, "database_is_reachable", lambda engine: False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == {"ok": False, "detail": "unreachable"}
    assert response.json["checks"]["schema"]["ok"] is False


@pytest.mark.parametrize(("setting", "check", "detail"), [
    ("UPLOAD_FOLDER", "uploads", "the photos folder is not writable"),
    ("EXPORTS_FOLDER", "exports", "the exports folder is not writable"),
])
def test_readyz_reports_an_unwritable_folder(app, client, at_head, tmp_path, setting, check,
                                            detail):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    app.config[setting] = str(blocker / "folder")  # cannot be made under a file
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"][check] == {"ok": False, "detail": detail}
    others = {name for name, result in response.json["checks"].items() if not result["ok"]}
    assert others == {check}


def test_readyz_checks_each_configured_redis(app, client, at_head, monkeypatch):
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1"  # nothing listens on port 1
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/2"
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json["checks"]
    assert checks["redis"] == {"ok": False, "detail": "unreachable"}
    assert checks["rate_limit_storage"] == {"ok": False, "detail": "unreachable"}
    assert "127.0.0.1" not in response.get_data(as_text=True)  # no address is shown

    monkeypatch.setattr("redis.Redis.ping", lambda self: True)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"]["redis"] == {"ok": True}


def test_one_redis_for_both_is_checked_once():
    config = {"RATELIMIT_STORAGE_URI": "redis://cache:6379", "REDIS_URL": "redis://cache:6379"}
    assert health.redis_urls(config) == {"redis": "redis://cache:6379"}
    assert health.redis_urls({"RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": ""}) == {}


def test_readyz_reports_stale_catalogues(app, client, at_head, tmp_path):
    for language in app.config["LANGUAGES"]:
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        source = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]) / language / "LC_MESSAGES"
        (folder / "messages.po").write_bytes((source / "messages.po").read_bytes())
        (folder / "messages.mo").write_bytes((source / "messages.mo").read_bytes())
    stale = tmp_path / "kk" / "LC_MESSAGES" / "messages.mo"
    os.utime(stale, (time.time() - 60, time.time() - 60))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json["checks"]["translations"] == {"ok": False, "detail": "not compiled or stale: kk"}


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.MODERATOR, Role.ORGANISER],
                         ids=lambda r: r.value if r else "anonymous")
def test_everyone_gets_the_same_answer(client, auth, at_head, role):
    if role is not None:
        auth.as_user(make_user(role=role))
        db.session.commit()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/metrics").status_code == 404  # off unless METRICS_ENABLED


def test_metrics_are_off_by_default(app, client):
    assert "metrics" not in {rule.endpoint for rule in app.url_map.iter_rules()}


class TestMetrics:
    @pytest.fixture
    def app_config(self) -> dict:
        return {"METRICS_ENABLED": True}

    @staticmethod
    def sample(text: str, name: str, **labels: str) -> float:
        wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
        for line in text.splitlines():
            match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
            if match and ",".join(sorted(match.group(1).split(","))) == wanted:
                return float(match.group(2))
        return 0.0

    def test_requests_are_counted_by_route_and_status_and_timed(self, client):
        before = client.get("/metrics").get_data(as_text=True)
        client.get("/ideas/7")
        client.get("/ideas/8")
        client.get("/no/such/page")
        response = client.get("/metrics")

        assert response.status_code == 200
        assert response.mimetype == "text/plain"
        text = response.get_data(as_text=True)
        route = {"method": "GET", "route": "/ideas/<int:idea_id>", "status": "404"}
        counted = (self.sample(text, "myalmaty_http_requests_total", **route)
                   - self.sample(before, "myalmaty_http_requests_total", **route))
        assert counted == 2
        unmatched = {"method": "GET", "route": "<unmatched>", "status": "404"}
        assert (self.sample(text, "myalmaty_http_requests_total", **unmatched)
                - self.sample(before, "myalmaty_http_requests_total", **unmatched)) == 1
        timed = {"method": "GET", "route": "/ideas/<int:idea_id>"}
        assert (self.sample(text, "myalmaty_http_request_duration_seconds_count", **timed)
                - self.sample(before, "myalmaty_http_request_duration_seconds_count", **timed)) == 2
        assert "/no/such/page" not in text
