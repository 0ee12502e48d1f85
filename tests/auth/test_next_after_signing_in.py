"""After signing in or registering, a `next` address is followed only when it is on this site.

The address comes from a link anyone can write, in the query string or a posted field, as
the browser sends it (percent-encoded) or encoded once more. A registration carries it in the
mailed link and follows it once the registration is finished.
"""

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from myalmaty.extensions import db
from tests.auth.conftest import REGISTRATION_PASSWORD, finish_link, registration
from tests.factories import TEST_PASSWORD, make_user

HOME = "/"

# Raw query strings: what a crafted link puts after `?next=`.
ELSEWHERE = [
    "/\\evil.example",
    "%2F%5Cevil.example",
    "%252F%255Cevil.example",
    "//evil.example",
    "%2F%2Fevil.example",
    "%252F%252Fevil.example",
    "https:evil.example",
    "https%3Aevil.example",
    "https%253Aevil.example",
    "https://evil.example/phish",
    "https%3A%2F%2Fevil.example%2Fphish",
]


def sign_in(client: FlaskClient, query: str = "", **extra: str) -> TestResponse:
    make_user(email="aidos@example.kz")
    db.session.commit()
    return client.post(f"/account/login{query}",
                       data={"email": "aidos@example.kz", "password": TEST_PASSWORD, **extra})


def register(client: FlaskClient, query: str = "", **extra: str) -> TestResponse:
    """Register (with the `next` given), then finish through the mailed link, which also gets
    any `next` posted: both steps check it."""
    client.post(f"/account/register{query}", data={**registration(), **extra})
    [mail] = client.application.extensions["mail_outbox"]
    return client.post(finish_link(mail), data={"password": REGISTRATION_PASSWORD, **extra})


@pytest.mark.parametrize("send", [sign_in, register])
@pytest.mark.parametrize("next_url", ELSEWHERE)
def test_a_next_address_elsewhere_in_the_link_leads_home(client, send, next_url):
    response = send(client, f"?next={next_url}")
    assert response.status_code == 302
    assert response.location == HOME


@pytest.mark.parametrize("send", [sign_in, register])
@pytest.mark.parametrize("next_url", ["/\\evil.example", "//evil.example", "https:evil.example"])
def test_a_next_address_elsewhere_in_the_form_leads_home(client, send, next_url):
    response = send(client, next=next_url)
    assert response.status_code == 302
    assert response.location == HOME


@pytest.mark.parametrize("send", [sign_in, register])
def test_a_next_address_on_this_site_is_followed(client, send):
    response = send(client, "?next=%2Fideas%2F%3Fq%3Dpark%26page%3D2")
    assert response.status_code == 302
    assert response.location == "/ideas/?q=park&page=2"


@pytest.mark.parametrize("next_url", ["//evil.example", "%2F%5Cevil.example"])
def test_someone_signed_in_already_is_not_sent_elsewhere_either(client, auth, next_url):
    auth.as_user(make_user())
    db.session.commit()
    response = client.get(f"/account/login?next={next_url}")
    assert response.status_code == 302
    assert response.location == HOME
