"""Logging: what a sysadmin (or a developer on a fresh install) finds on the console.

These apps run as `flask run` and gunicorn do, not under TESTING: the log is configured with its
console handler, so what the tests read from standard error is what a person would see.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from flask import Flask

from myalmaty import create_app
from myalmaty.extensions import db
from tests.conftest import FreshContextClient, make_test_config
from tests.factories import make_user


@pytest.fixture
def served(_schema, tmp_path, monkeypatch) -> Iterator:
    """`served(**settings)` builds an app as `flask run` does: development, CSRF on, no SMTP."""
    monkeypatch.delenv("MYALMATY_ENV", raising=False)
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    built: list[Flask] = []

    def build(**settings) -> Flask:
        config = make_test_config(_schema, tmp_path, TESTING=False, WTF_CSRF_ENABLED=True,
                                  **settings)
        del config["TESTING"]
        app = create_app(config)
        app.test_client_class = FreshContextClient
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.engine.dispose()


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_a_password_reset_link_reaches_the_console_without_a_mail_server(app, served, capsys):
    make_user(email="aidos@example.kz")
    db.session.commit()
    dev = served()
    assert not dev.testing and dev.config["LOG_FORMAT"] == "text"
    client = dev.test_client()

    page = client.get("/account/reset").get_data(as_text=True)
    response = client.post("/account/reset", data={
        "email": "aidos@example.kz", "csrf_token": csrf_token(page),
    })

    assert response.status_code == 302
    printed = capsys.readouterr().err
    [link] = re.findall(r"https?://\S+/account/reset/\S+", printed)
    assert "aidos@example.kz" in printed
    # The link printed is one that works: it opens the form to choose a new password.
    path = link.split("://", 1)[1].partition("/")[2]
    assert client.get("/" + path).status_code == 200
    # Each line names the request it was written in, the one the response names.
    request_id = response.headers["X-Request-ID"]
    assert f"[{request_id}] myalmaty.mail: Mail to aidos@example.kz" in printed


def test_every_response_names_its_request_and_a_sane_incoming_id_is_kept(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/healthz").headers["X-Request-ID"] != made

    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-4f1c2a9e-77"})
    assert kept.headers["X-Request-ID"] == "proxy-4f1c2a9e-77"
    # A missing page is answered with its id too.
    assert client.get("/no-such-page").headers["X-Request-ID"]


@pytest.mark.parametrize("incoming", ["short", "x" * 129, "abc123456\", \"level\": \"ERROR", "a b c d e f g h"])
def test_an_insane_incoming_id_is_replaced(client, incoming):
    answered = client.get("/healthz", headers={"X-Request-ID": incoming}).headers["X-Request-ID"]
    assert answered != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", answered)


def test_production_writes_json_lines_and_an_unhandled_error_with_its_traceback(served, capsys):
    prod = served(LOG_FORMAT="json")

    @prod.get("/broken")
    def broken():
        raise ZeroDivisionError("the numbers went wrong")

    response = prod.test_client().get("/broken", headers={"X-Request-ID": "req-0123456789"})

    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-0123456789"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == "req-0123456789"
    assert error["logger"] == "myalmaty"
    assert error["message"] == "Unhandled error on /broken"
    assert "Traceback" in error["exc_info"] and "ZeroDivisionError" in error["exc_info"]


def test_production_defaults_to_json_and_development_to_readable_lines(monkeypatch, tmp_path):
    from myalmaty.config import load_config

    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.delenv("MYALMATY_ENV", raising=False)
    assert load_config(tmp_path, {"SECRET_KEY": "k"})["LOG_FORMAT"] == "text"
    monkeypatch.setenv("MYALMATY_ENV", "production")
    assert load_config(tmp_path, {"SECRET_KEY": "k"})["LOG_FORMAT"] == "json"


def test_under_tests_records_go_to_pytest_and_no_console_handler_is_added(app, caplog):
    import logging

    assert logging.getLogger("myalmaty").handlers == []
    with caplog.at_level("INFO", logger="myalmaty"):
        logging.getLogger("myalmaty.mail").info("kept by pytest")
    assert "kept by pytest" in caplog.text
