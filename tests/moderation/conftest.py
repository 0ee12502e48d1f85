"""People and things most moderation tests need."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient

from myalmaty.core.permissions import Role
from myalmaty.domain.accounts import User
from myalmaty.domain.reference import Recommendation
from myalmaty.extensions import db
from tests.factories import make_recommendation, make_user

if TYPE_CHECKING:
    from tests.conftest import AuthActions


@pytest.fixture
def moderator() -> User:
    return make_user(role=Role.MODERATOR, display_name="Moderator Aigerim", locale="en")


@pytest.fixture
def organiser() -> User:
    return make_user(role=Role.ORGANISER, display_name="Organiser Daniyar", locale="en")


@pytest.fixture
def resident() -> User:
    return make_user(display_name="Resident Asel", locale="en")


@pytest.fixture
def recommendation() -> Recommendation:
    return make_recommendation(
        title_en="Focus on a specific place", title_ru="Сосредоточьтесь на конкретном месте",
        title_kk="Нақты орынға назар аударыңыз",
    )


@pytest.fixture
def as_moderator(client: FlaskClient, auth: AuthActions, moderator: User) -> FlaskClient:
    """The test client signed in as the moderator (data committed first)."""
    db.session.commit()
    auth.as_user(moderator)
    return client


@pytest.fixture(autouse=True)
def english(app: Flask) -> Iterator[None]:
    """Messages raised outside a request read in English here (requests choose their own)."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield
