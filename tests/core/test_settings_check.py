"""The production settings check: each rule, the refusal at start, and `flask check-config`."""

from __future__ import annotations

import os
import time

import pytest

from myalmaty import create_app
from myalmaty.config import PROJECT_ROOT, ConfigError
from myalmaty.core import settings_check
from myalmaty.core.i18n import catalogue_problems
from myalmaty.core.settings_check import Level, check_settings, errors_of, web_workers
from tests.conftest import PRODUCTION_SETTINGS, make_test_config, production_environment

GOOD = {
    **PRODUCTION_SETTINGS,
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "RATELIMIT_ENABLED": True,
    "MAIL_PORT": 587,
    "MAIL_USE_TLS": True,
    "MAIL_USERNAME": "ideas",
    "MAIL_PASSWORD": "smtp-password",
    "MAIL_SENDER": "#MyAlmaty Ideas <noreply@almaty.example>",
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://myalmaty@db/myalmaty",
    "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
    "LANGUAGES": ("ru", "kk", "en"),
}


def findings_for(environ: dict | None = None, **changes):
    return check_settings({**GOOD, **changes}, environ or {})


def errors_for(environ: dict | None = None, **changes) -> dict[str, str]:
    return {f.setting: f.message for f in errors_of(findings_for(environ, **changes))}


def test_good_settings_pass_and_every_rule_says_what_it_checked():
    findings = findings_for()
    assert errors_of(findings) == []
    assert {f.setting for f in findings} >= {
        "SECRET_KEY", "PUBLIC_BASE_URL", "RATELIMIT_STORAGE_URI", "MAIL_SERVER", "DATABASE_URL",
        "translations",
    }
    assert all(f.level is Level.OK for f in findings)


@pytest.mark.parametrize("key", ["x", "short-but-not-empty", "", "change-me", "a" * 64, "ab" * 40])
def test_a_weak_or_short_secret_key_is_refused(key):
    assert "SECRET_KEY" in errors_for(SECRET_KEY=key)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:5000", "http://localhost:8000", "https://[::1]/", "http://0.0.0.0",
    "http://app.localhost", "ideas.almaty.example", "",
])
def test_a_loopback_or_malformed_public_base_url_is_refused(url):
    assert "PUBLIC_BASE_URL" in errors_for(PUBLIC_BASE_URL=url)


def test_a_public_base_url_without_https_is_a_warning():
    [finding] = [f for f in findings_for(PUBLIC_BASE_URL="http://ideas.almaty.example")
                 if f.setting == "PUBLIC_BASE_URL"]
    assert finding.level is Level.WARNING


@pytest.mark.parametrize("environ", [
    {"WEB_CONCURRENCY": "4"}, {"GUNICORN_CMD_ARGS": "--bind 0.0.0.0:8000 -w 3"},
    {"GUNICORN_CMD_ARGS": "--workers=2"}, {"GUNICORN_CMD_ARGS": "-w2"},
])
def test_in_memory_rate_limits_with_several_workers_are_refused(environ):
    errors = errors_for(environ, RATELIMIT_STORAGE_URI="memory://")
    assert "RATELIMIT_STORAGE_URI" in errors
    assert f"{web_workers(environ)} workers" in errors["RATELIMIT_STORAGE_URI"]


def test_gunicorns_own_command_line_overrides_the_environment():
    environ = {"WEB_CONCURRENCY": "1", "GUNICORN_CMD_ARGS": "-w 2"}
    assert web_workers(environ) == 2
    assert web_workers(environ, ["/venv/bin/gunicorn", "-c", "conf.py", "--workers", "5", "app:app"]) == 5
    assert web_workers(environ, ["/venv/bin/flask", "-w", "9"]) == 2  # not gunicorn's options


def test_in_memory_rate_limits_with_one_worker_or_redis_with_many_pass():
    assert errors_for({"WEB_CONCURRENCY": "1"}, RATELIMIT_STORAGE_URI="memory://") == {}
    assert errors_for({}, RATELIMIT_STORAGE_URI="memory://") == {}
    assert errors_for({"WEB_CONCURRENCY": "8"}) == {}


def test_rate_limits_switched_off_are_a_warning():
    levels = {f.setting: f.level for f in findings_for(RATELIMIT_ENABLED=False)}
    assert levels["RATELIMIT_ENABLED"] is Level.WARNING


@pytest.mark.parametrize(("changes", "setting"), [
    ({"MAIL_SERVER": ""}, "MAIL_SERVER"),
    ({"MAIL_SERVER": "  "}, "MAIL_SERVER"),
    ({"MAIL_PORT": 465}, "MAIL_PORT"),
    ({"MAIL_PORT": 0}, "MAIL_PORT"),
    ({"MAIL_PORT": 70000}, "MAIL_PORT"),
    ({"MAIL_PASSWORD": ""}, "MAIL_USERNAME"),
    ({"MAIL_USERNAME": ""}, "MAIL_USERNAME"),
    ({"MAIL_USE_TLS": False}, "MAIL_USE_TLS"),
    ({"MAIL_SENDER": "#MyAlmaty Ideas"}, "MAIL_SENDER"),
])
def test_a_mail_setup_that_cannot_work_is_refused(changes, setting):
    assert setting in errors_for(**changes)


def test_a_local_relay_without_tls_or_login_passes():
    assert errors_for(MAIL_SERVER="localhost", MAIL_PORT=25, MAIL_USE_TLS=False,
                      MAIL_USERNAME="", MAIL_PASSWORD="") == {}


def test_no_job_queue_is_a_warning_not_a_refusal():
    findings = findings_for(REDIS_URL="")
    assert {f.setting: f.level for f in findings}["REDIS_URL"] is Level.WARNING
    assert errors_of(findings) == []


def test_sqlite_is_a_warning_not_a_refusal():
    findings = findings_for(SQLALCHEMY_DATABASE_URI="sqlite:////srv/myalmaty/ideas.sqlite3")
    assert {f.setting: f.level for f in findings}["DATABASE_URL"] is Level.WARNING
    assert errors_of(findings) == []


def test_missing_or_stale_catalogues_are_refused(tmp_path):
    for language in ("ru", "kk"):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text("")
    (tmp_path / "ru" / "LC_MESSAGES" / "messages.mo").write_bytes(b"")
    stale = tmp_path / "kk" / "LC_MESSAGES" / "messages.mo"
    stale.write_bytes(b"")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))

    problems = catalogue_problems(tmp_path, ("ru", "kk", "en"))

    assert len(problems) == 2
    assert problems[0].startswith("kk:") and "older" in problems[0]
    assert problems[1].startswith("en:") and "missing" in problems[1]
    assert "translations" in errors_for(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path))


def test_production_refuses_to_start_and_says_why(monkeypatch, tmp_path):
    production_environment(monkeypatch)
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    config = make_test_config(f"sqlite:///{tmp_path}/x.db", tmp_path, TESTING=False,
                              SECRET_KEY="x", PUBLIC_BASE_URL="http://127.0.0.1:5000")
    with pytest.raises(ConfigError) as refused:
        create_app(config)
    message = str(refused.value)
    for setting in ("SECRET_KEY", "PUBLIC_BASE_URL", "RATELIMIT_STORAGE_URI", "MAIL_SERVER"):
        assert setting in message
    assert "SQLite" not in message  # a warning, not a reason to refuse


def test_production_starts_with_good_settings_and_logs_the_warnings(monkeypatch, tmp_path, capsys):
    production_environment(monkeypatch)
    create_app(make_test_config(f"sqlite:///{tmp_path}/x.db", tmp_path, TESTING=False,
                                **PRODUCTION_SETTINGS))
    assert "SQLite" in capsys.readouterr().err


def test_flask_commands_in_production_start_with_stale_catalogues_but_not_with_unsafe_settings(
    monkeypatch, tmp_path
):
    """`translate compile` and `db upgrade` must run on a tree whose catalogues are not compiled
    yet; serving must not."""
    import click

    production_environment(monkeypatch)
    uncompiled = tmp_path / "translations"
    (uncompiled / "ru" / "LC_MESSAGES").mkdir(parents=True)
    config = make_test_config(f"sqlite:///{tmp_path}/x.db", tmp_path, TESTING=False,
                              BABEL_TRANSLATION_DIRECTORIES=str(uncompiled), **PRODUCTION_SETTINGS)

    with click.Context(click.Command("translate")):
        create_app(config)
        with pytest.raises(ConfigError, match="SECRET_KEY"):
            create_app({**config, "SECRET_KEY": "short"})
    with pytest.raises(ConfigError, match="translations: ru"):
        create_app(config)


def test_development_starts_whatever_the_settings(monkeypatch, tmp_path):
    monkeypatch.delenv("MYALMATY_ENV", raising=False)
    create_app(make_test_config(f"sqlite:///{tmp_path}/x.db", tmp_path, SECRET_KEY="x"))


def test_check_config_prints_every_check_and_fails_on_an_error(app, runner, monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    app.config.update(PRODUCTION_SETTINGS, PUBLIC_BASE_URL="http://localhost:5000")

    refused = runner.invoke(args=["check-config"])

    assert refused.exit_code == 1
    assert "[error] PUBLIC_BASE_URL" in refused.output
    assert "[ok] SECRET_KEY" in refused.output
    assert "[ok] translations" in refused.output
    assert "production would refuse to start" in refused.output

    app.config["PUBLIC_BASE_URL"] = "https://ideas.almaty.example"
    passed = runner.invoke(args=["check-config"])
    assert passed.exit_code == 0, passed.output
    assert "No errors" in passed.output


def test_check_config_in_production_reports_instead_of_refusing_to_load(monkeypatch, tmp_path):
    """A production app with bad settings is built for `flask check-config` so it can list them."""
    production_environment(monkeypatch)
    monkeypatch.setattr("sys.argv", ["flask", "check-config"])
    app = create_app(make_test_config(f"sqlite:///{tmp_path}/x.db", tmp_path, SECRET_KEY="x"))
    result = app.test_cli_runner().invoke(args=["check-config"])
    assert result.exit_code == 1
    assert "[error] SECRET_KEY" in result.output


def test_the_rules_cover_each_topic_once():
    assert len(set(settings_check.RULES)) == len(settings_check.RULES) == 8
