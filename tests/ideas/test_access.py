"""Who may open what: every ideas route for anonymous visitors, residents, the author,
moderators and organisers; and CSRF on every state change."""

from __future__ import annotations

import pytest

from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests.factories import make_comment, make_idea, make_user

ROLES = ["anonymous", "resident", "author", "moderator", "organiser"]
LOGIN = "login"  # a redirect to the sign-in page


@pytest.fixture
def people(app):
    author = make_user(display_name="Author")
    found = {
        "anonymous": None,
        "resident": make_user(),
        "author": author,
        "moderator": make_user(role=Role.MODERATOR),
        "organiser": make_user(role=Role.ORGANISER),
    }
    db.session.commit()
    return found


def sign_in(auth, client, people, role):
    if people[role] is not None:
        auth.as_user(people[role])


def outcome(response) -> object:
    if response.status_code == 302 and "/account/login" in response.headers["Location"]:
        return LOGIN
    return response.status_code


# Pages that read: (path template, idea status or None, expected per role in ROLES order).
READS = [
    ("/ideas/", None, [200, 200, 200, 200, 200]),
    ("/ideas/map", None, [200, 200, 200, 200, 200]),
    ("/ideas/new", None, [LOGIN, 200, 200, 200, 200]),
    ("/ideas/mine", None, [LOGIN, 200, 200, 200, 200]),
    ("/ideas/{id}", IdeaStatus.PUBLISHED, [200, 200, 200, 200, 200]),
    ("/ideas/{id}", IdeaStatus.DUPLICATE, [200, 200, 200, 200, 200]),
    ("/ideas/{id}", IdeaStatus.PENDING, [404, 404, 200, 200, 200]),
    ("/ideas/{id}", IdeaStatus.REJECTED, [404, 404, 200, 200, 200]),
    ("/ideas/{id}", IdeaStatus.WITHDRAWN, [404, 404, 200, 200, 200]),
    ("/ideas/{id}", IdeaStatus.HIDDEN, [404, 404, 200, 200, 200]),
    ("/ideas/{id}/edit", IdeaStatus.PENDING, [LOGIN, 404, 200, 403, 403]),
    ("/ideas/{id}/edit", IdeaStatus.PUBLISHED, [LOGIN, 403, 302, 403, 403]),
    ("/ideas/{id}/report", IdeaStatus.PUBLISHED, [LOGIN, 200, 200, 200, 200]),
    ("/ideas/{id}/report", IdeaStatus.PENDING, [LOGIN, 404, 200, 200, 200]),
    ("/api/ideas/{id}", IdeaStatus.PUBLISHED, [200, 200, 200, 200, 200]),
    ("/api/ideas/{id}", IdeaStatus.PENDING, [404, 404, 404, 404, 404]),
]


@pytest.mark.parametrize(("path", "status", "expected"), READS)
@pytest.mark.parametrize("role", ROLES)
def test_reading(client, auth, people, path, status, expected, role):
    idea = None
    if status is not None:
        idea = make_idea(status=status, author=people["author"],
                         duplicate_of=make_idea() if status is IdeaStatus.DUPLICATE else None)
        db.session.commit()
    sign_in(auth, client, people, role)
    response = client.get(path.format(id=idea.id if idea else 0))
    assert outcome(response) == expected[ROLES.index(role)]


# State changes: (path, form, idea status, expected per role).
WRITES = [
    ("/ideas/{id}/withdraw", {}, IdeaStatus.PENDING, [LOGIN, 404, 302, 403, 403]),
    ("/ideas/{id}/support", {"action": "support"}, IdeaStatus.PUBLISHED,
     [LOGIN, 302, 400, 302, 302]),
    ("/ideas/{id}/support", {"action": "support"}, IdeaStatus.PENDING,
     [LOGIN, 404, 400, 400, 400]),
    ("/ideas/{id}/comments", {"body": "A kind word"}, IdeaStatus.PUBLISHED,
     [LOGIN, 302, 302, 302, 302]),
    ("/ideas/{id}/comments", {"body": "A kind word"}, IdeaStatus.HIDDEN,
     [LOGIN, 404, 400, 400, 400]),
    ("/ideas/{id}/report", {"reason": "spam"}, IdeaStatus.PUBLISHED,
     [LOGIN, 302, 400, 302, 302]),
]


@pytest.mark.parametrize(("path", "form", "status", "expected"), WRITES)
@pytest.mark.parametrize("role", ROLES)
def test_changing(client, auth, people, path, form, status, expected, role):
    idea = make_idea(status=status, author=people["author"])
    db.session.commit()
    sign_in(auth, client, people, role)
    response = client.post(path.format(id=idea.id), data=form)
    assert outcome(response) == expected[ROLES.index(role)]


@pytest.mark.parametrize("role", ROLES)
def test_reporting_a_comment(client, auth, people, role):
    idea = make_idea(author=people["author"])
    comment = make_comment(idea, author=people["author"])
    db.session.commit()
    sign_in(auth, client, people, role)
    response = client.post(f"/ideas/comments/{comment.id}/report", data={"reason": "spam"})
    assert outcome(response) == [LOGIN, 302, 400, 302, 302][ROLES.index(role)]


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    @pytest.mark.parametrize(
        ("path", "form"),
        [
            ("/ideas/new", {"title": "A title"}),
            ("/ideas/{id}/edit", {"title": "A title"}),
            ("/ideas/{id}/withdraw", {}),
            ("/ideas/{published}/support", {"action": "support"}),
            ("/ideas/{published}/comments", {"body": "Hello there"}),
            ("/ideas/{published}/report", {"reason": "spam"}),
        ],
    )
    def test_a_post_without_the_token_is_refused(self, client, auth, people, path, form):
        pending = make_idea(status=IdeaStatus.PENDING, author=people["resident"])
        published = make_idea()
        db.session.commit()
        auth.as_user(people["resident"])
        response = client.post(path.format(id=pending.id, published=published.id), data=form)
        assert response.status_code == 400
        db.session.refresh(pending)
        assert pending.status is IdeaStatus.PENDING

    def test_the_forms_carry_the_token(self, client, auth, people):
        idea = make_idea()
        db.session.commit()
        auth.as_user(people["resident"])
        assert 'name="csrf_token"' in client.get("/ideas/new").get_data(as_text=True)
        html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
        assert html.count('name="csrf_token"') >= 2  # support and comment forms
