"""With CSRF protection on (as in production), a change needs the form's token."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from myalmaty.domain.reference import Category, Forum
from myalmaty.extensions import db
from tests import factories
from tests.organise.data import FORUM


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}




def test_a_post_without_the_token_is_refused(as_organiser):
    response = as_organiser.post("/organise/forums/new", data=FORUM)

    assert response.status_code == 400
    assert db.session.scalar(sa.select(Forum)) is None


def test_a_post_with_the_token_from_the_form_goes_through(as_organiser):
    page = as_organiser.get("/organise/forums/new").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    response = as_organiser.post("/organise/forums/new", data={**FORUM, "csrf_token": token})

    assert response.status_code == 302
    assert db.session.scalar(sa.select(Forum)) is not None


def test_button_forms_carry_the_token_too(as_organiser):
    category = factories.make_category()
    db.session.commit()
    page = as_organiser.get("/organise/categories").get_data(as_text=True)
    token = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)">', page).group(1)

    refused = as_organiser.post(f"/organise/categories/{category.id}/archive")
    accepted = as_organiser.post(f"/organise/categories/{category.id}/archive", data={"csrf_token": token})

    assert refused.status_code == 400
    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.get(Category, category.id).archived
