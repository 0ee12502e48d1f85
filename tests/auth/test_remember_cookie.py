"""The "keep me signed in" cookie: no script reads it (HttpOnly), no other site's form sends it
(SameSite=Lax), and in production it travels over HTTPS only (Secure)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from myalmaty import create_app
from myalmaty.extensions import db
from tests.conftest import (
    PRODUCTION_SETTINGS,
    FreshContextClient,
    make_test_config,
    production_environment,
)
from tests.factories import TEST_PASSWORD, make_user


def remember_cookie_header(client, base_url: str = "http://localhost") -> str:
    response = client.post("/account/login", base_url=base_url, data={
        "email": "aidos@example.kz", "password": TEST_PASSWORD, "remember": "y",
    })
    assert response.status_code == 302
    [header] = [value for value in response.headers.getlist("Set-Cookie")
                if value.startswith("remember_token=")]
    return header


def attributes(header: str) -> set[str]:
    """`remember_token=…; Expires=…; Secure; HttpOnly; Path=/; SameSite=Lax` → the flags and
    SameSite, lower-cased: {"secure", "httponly", "samesite=lax"}."""
    parts = [part.strip().lower() for part in header.split(";")[1:]]
    return {part for part in parts if "=" not in part or part.startswith("samesite=")}


def test_the_remember_cookie_is_http_only_and_same_site_lax(client):
    make_user(email="aidos@example.kz")
    db.session.commit()

    header = remember_cookie_header(client)

    assert "httponly" in attributes(header)
    assert "samesite=lax" in attributes(header)
    assert "secure" not in attributes(header)  # development serves plain HTTP


@pytest.fixture
def production_app(_schema, tmp_path, monkeypatch) -> Iterator[Flask]:
    production_environment(monkeypatch)
    app = create_app(make_test_config(_schema, tmp_path, **PRODUCTION_SETTINGS))
    app.test_client_class = FreshContextClient
    yield app
    with app.app_context():
        db.engine.dispose()  # its own engine: close its connections, not leave them to the GC


def test_in_production_the_remember_cookie_is_secure_too(app, production_app):
    make_user(email="aidos@example.kz")
    db.session.commit()

    header = remember_cookie_header(production_app.test_client(), base_url="https://localhost")

    assert {"secure", "httponly", "samesite=lax"} <= attributes(header)
