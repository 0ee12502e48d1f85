"""Sign-in, registration and reset requests are rate-limited per client address."""

import pytest

from myalmaty.extensions import db
from tests.auth.conftest import registration
from tests.factories import TEST_PASSWORD, make_user


@pytest.fixture
def app_config() -> dict:
    return {
        "RATELIMIT_SIGN_IN": "3 per minute",
        "RATELIMIT_REGISTER": "2 per hour",
        "RATELIMIT_PASSWORD_RESET": "2 per hour",
    }


def test_failed_sign_ins_beyond_the_limit_get_429(client, auth):
    make_user(email="aidos@example.kz")
    db.session.commit()

    statuses = [auth.login("aidos@example.kz", "wrong guess").status_code for _ in range(3)]
    assert statuses == [422, 422, 422]

    blocked = auth.login("aidos@example.kz")  # even the right password waits now
    assert blocked.status_code == 429
    assert "Retry-After" in blocked.headers
    # The sign-in page itself still opens.
    assert client.get("/account/login").status_code == 200


def test_successful_sign_ins_do_not_use_up_the_limit(client, auth):
    """At a forum venue many people sign in from one address."""
    make_user(email="aidos@example.kz")
    db.session.commit()
    for _ in range(5):
        assert auth.login("aidos@example.kz", TEST_PASSWORD).status_code == 302
        auth.logout()


def test_registrations_beyond_the_limit_get_429(client):
    first = client.post("/account/register", data=registration(email="one@example.kz"))
    client.post("/account/logout")
    second = client.post("/account/register", data=registration(email="two@example.kz"))
    client.post("/account/logout")
    third = client.post("/account/register", data=registration(email="three@example.kz"))
    assert [first.status_code, second.status_code, third.status_code] == [302, 302, 429]


def test_reset_requests_beyond_the_limit_get_429(client):
    statuses = [
        client.post("/account/reset", data={"email": "x@example.kz"}).status_code for _ in range(3)
    ]
    assert statuses == [302, 302, 429]
