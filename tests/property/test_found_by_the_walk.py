"""What the route walk found, each pinned by a test of its own (the walk's examples change
as routes are added; these do not)."""

from __future__ import annotations

import pytest

from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import Idea
from myalmaty.extensions import db
from tests.factories import make_idea, make_user

NOT_A_FORM_EN = "This form can only be sent from its page: what arrived was not a form."


@pytest.mark.parametrize("body", ["-237291", "false", "[1, 2]", '{"title": ["a", {"b": 1}]}',
                                  '{"email": "a@b.kz", "password": "x"}'])
def test_json_sent_to_a_form_is_refused_with_a_message(client, body):
    # Flask-WTF read a JSON body as the form: a number or a list there was a 500.
    response = client.post("/account/login?lang=en", data=body, content_type="application/json")
    assert response.status_code == 400
    assert NOT_A_FORM_EN in response.get_data(as_text=True)


def test_json_sent_to_a_deciding_form_changes_nothing(client, auth):
    author = make_user()
    idea = make_idea(author=author)
    db.session.commit()
    auth.as_user(author)

    response = client.post(f"/ideas/{idea.id}/withdraw?lang=en", json={"version": idea.version},
                           content_type="application/json")

    assert response.status_code == 400
    assert NOT_A_FORM_EN in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).status.value == "published"


def test_the_json_refusal_is_translated(client):
    response = client.post("/account/login?lang=ru", data="1", content_type="application/json")
    assert response.status_code == 400
    assert NOT_A_FORM_EN not in response.get_data(as_text=True)
    assert "Эту форму можно отправить только с её страницы" in response.get_data(as_text=True)


def test_a_page_asked_for_with_a_json_content_type_still_opens(client, auth):
    assert client.get("/account/login", content_type="application/json").status_code == 200
    auth.as_user(make_user(role=Role.RESIDENT))
    db.session.commit()
    assert client.get("/ideas/new", content_type="application/json").status_code == 200


def test_a_form_sent_as_a_form_is_still_read(client):
    make_user(email="aidos@example.kz")
    db.session.commit()
    response = client.post("/account/login", data={"email": "aidos@example.kz",
                                                   "password": "correct horse battery"})
    assert response.status_code == 302
