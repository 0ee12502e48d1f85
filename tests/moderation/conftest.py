"""People and things most moderation tests need."""

from __future__ import annotations

import pytest

from myalmaty.core.permissions import Role
from myalmaty.extensions import db
from tests.factories import make_recommendation, make_user


@pytest.fixture
def moderator():  # noqa: ANN201
    return make_user(role=Role.MODERATOR, display_name="Moderator Aigerim", locale="en")


@pytest.fixture
def organiser():  # noqa: ANN201
    return make_user(role=Role.ORGANISER, display_name="Organiser Daniyar", locale="en")


@pytest.fixture
def resident():  # noqa: ANN201
    return make_user(display_name="Resident Asel", locale="en")


@pytest.fixture
def recommendation():  # noqa: ANN201
    return make_recommendation(
        title_en="Focus on a specific place", title_ru="Сосредоточьтесь на конкретном месте",
        title_kk="Нақты орынға назар аударыңыз",
    )


@pytest.fixture
def as_moderator(client, auth, moderator):  # noqa: ANN001, ANN201
    """The test client signed in as the moderator (data committed first)."""
    db.session.commit()
    auth.as_user(moderator)
    return client


@pytest.fixture(autouse=True)
def english(app):  # noqa: ANN001, ANN201
    """Messages raised outside a request read in English here (requests choose their own)."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield
