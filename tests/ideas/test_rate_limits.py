"""Submitting is rate-limited per resident; going over keeps what was typed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from myalmaty.domain.ideas import Idea
from myalmaty.extensions import db
from tests.factories import make_user


@pytest.fixture
def app_config():
    return {"RATELIMIT_SUBMIT": "2 per hour"}


def test_too_many_ideas_in_an_hour_get_429_and_keep_the_text(client, auth, resident, idea_form):
    auth.as_user(resident)
    for _ in range(2):
        assert client.post("/ideas/new", data=idea_form()).status_code == 302
    response = client.post("/ideas/new?lang=en", data=idea_form(title="My third idea today"))
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert 'value="My third idea today"' in html
    assert "Please wait a little" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 2
    # Reading the form is not limited, and other residents have their own allowance.
    assert client.get("/ideas/new").status_code == 200
    auth.as_user(make_user())
    db.session.commit()
    assert client.post("/ideas/new", data=idea_form()).status_code == 302
