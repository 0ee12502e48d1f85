"""Fixtures of the organisers' tests: an organiser signed in, and a small world to act on."""

from __future__ import annotations

import pytest

from myalmaty.core.permissions import Role
from myalmaty.extensions import db
from tests import factories


@pytest.fixture
def organiser(app):  # noqa: ANN001, ANN201
    user = factories.make_user(role=Role.ORGANISER, display_name="Aigerim Organiser")
    db.session.commit()
    return user


@pytest.fixture
def as_organiser(client, auth, organiser):  # noqa: ANN001, ANN201
    """The test client, signed in as an organiser."""
    auth.as_user(organiser)
    return client
