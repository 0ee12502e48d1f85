"""Shared builders for the ideas tests."""

from __future__ import annotations

import pytest

from myalmaty.core.permissions import Role
from myalmaty.extensions import db
from tests.factories import CENTRE, make_category, make_quarter, make_user

HOSTILE_TITLE = "<script>alert(1)</script> ${alert(1)}"


@pytest.fixture
def resident(app):
    user = make_user(display_name="Aigerim")
    db.session.commit()
    return user


@pytest.fixture
def moderator(app):
    user = make_user(role=Role.MODERATOR, display_name="Moderator")
    db.session.commit()
    return user


@pytest.fixture
def category(app):
    found = make_category(slug="public-space", name_en="Public space")
    db.session.commit()
    return found


@pytest.fixture
def quarter(app):
    """A square around Panfilov Park, which contains factories.CENTRE."""
    found = make_quarter(slug="panfilov", name_en="Panfilov Park")
    db.session.commit()
    return found


@pytest.fixture
def idea_form(category):
    """A valid submit form's fields; override any: `idea_form(lat="abc")`."""

    def build(**overrides: object) -> dict:
        data = {
            "title": "Courtyard cinema on Panfilov street",
            "description": "Open-air screenings for the neighbours on summer evenings.",
            "first_step": "Ask the neighbours which evening suits them.",
            "category": str(category.id),
            "lat": str(CENTRE[0]),
            "lon": str(CENTRE[1]),
            "quarter": "auto",
        }
        data.update(overrides)
        return data

    return build
