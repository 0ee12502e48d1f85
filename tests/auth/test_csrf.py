"""With CSRF protection on (as in production), state changes without a token are refused."""

import re

import pytest

from myalmaty.extensions import db
from tests.auth.conftest import registration
from tests.factories import TEST_PASSWORD, make_user


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}


def csrf_token_from(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/account/login", {"email": "aidos@example.kz", "password": TEST_PASSWORD}),
        ("/account/register", registration()),
        ("/account/reset", {"email": "aidos@example.kz"}),
        ("/account/logout", {}),
        ("/account/profile", {"display_name": "New", "locale": "en"}),
        ("/account/password", {"current_password": TEST_PASSWORD}),
        ("/account/delete", {"password": TEST_PASSWORD}),
    ],
)
def test_a_post_without_a_token_is_refused(client, auth, path, data):
    user = make_user(email="aidos@example.kz", display_name="Aidos")
    db.session.commit()
    auth.as_user(user)

    assert client.post(path, data=data).status_code == 400

    db.session.refresh(user)
    assert user.display_name == "Aidos" and user.is_active


def test_signing_in_and_out_with_the_token_works(client):
    make_user(email="aidos@example.kz")
    db.session.commit()

    token = csrf_token_from(client.get("/account/login").get_data(as_text=True))
    response = client.post(
        "/account/login",
        data={"email": "aidos@example.kz", "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302

    # The navigation's sign-out form carries a token too.
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/account/logout", data={"csrf_token": token}).status_code == 302
    assert 'action="/account/logout"' not in client.get("/").get_data(as_text=True)
