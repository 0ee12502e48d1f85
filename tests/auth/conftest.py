"""Helpers for the accounts tests: pages in English, so the tests read in the msgids' words."""

from __future__ import annotations

import re

import pytest

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def english(client):
    """The browser chose English (`?lang=en` is remembered in the session)."""
    client.get("/?lang=en")
    return client


def registration(**overrides: str) -> dict[str, str]:
    data = {
        "email": "Aigerim@Example.kz",
        "display_name": "Aigerim",
        "password": "steppe apples 2018",
        "confirm": "steppe apples 2018",
        "locale": "en",
        "consent": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


REGISTRATION_PASSWORD = registration()["password"]


def finish_link(mail) -> str:
    """The path of the "finish registering" link in a mail."""
    match = re.search(r"http://127\.0\.0\.1:5000(/account/register/finish/\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


def register_and_finish(client, outbox, query: str = "", **overrides: str):
    """Register through the form, open the mailed link, enter the password: the response."""
    client.post(f"/account/register{query}", data=registration(**overrides))
    link = finish_link(outbox[-1])
    password = overrides.get("password", REGISTRATION_PASSWORD)
    return client.post(link, data={"password": password})
