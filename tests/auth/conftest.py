"""Helpers for the accounts tests: pages in English, so the tests read in the msgids' words."""

from __future__ import annotations

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
