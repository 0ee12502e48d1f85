"""Every moderation route × every role: anonymous visitors go to sign in, residents get 403,
moderators and organisers are let in. CSRF is checked on state changes."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import IdeaStatus
from myalmaty.domain.reference import Recommendation
from myalmaty.domain.themes import ThemeSuggestion, ThemeSuggestionRun
from myalmaty.extensions import db
from tests.factories import make_comment, make_group, make_idea, make_link, make_user

# (method, path with {idea}, {pending}, {group}, {link}, {comment}, {suggestion} placeholders)
ROUTES = [
    ("GET", "/moderation/"),
    ("GET", "/moderation/published"),
    ("POST", "/moderation/bulk/queue"),
    ("POST", "/moderation/bulk/published"),
    ("GET", "/moderation/ideas/{pending}"),
    ("POST", "/moderation/ideas/{pending}/publish"),
    ("POST", "/moderation/ideas/{pending}/reject"),
    ("POST", "/moderation/ideas/{idea}/edit"),
    ("POST", "/moderation/ideas/{pending}/duplicate"),
    ("POST", "/moderation/ideas/{idea}/undo-duplicate"),
    ("POST", "/moderation/ideas/{idea}/answer"),
    ("POST", "/moderation/ideas/{idea}/group"),
    ("POST", "/moderation/ideas/{idea}/link"),
    ("POST", "/moderation/ideas/{idea}/hide"),
    ("POST", "/moderation/ideas/{idea}/restore"),
    ("GET", "/moderation/groups"),
    ("POST", "/moderation/groups"),
    ("GET", "/moderation/groups/{group}"),
    ("POST", "/moderation/groups/{group}/edit"),
    ("POST", "/moderation/groups/{group}/answer"),
    ("POST", "/moderation/groups/{group}/link"),
    ("POST", "/moderation/groups/{group}/ideas"),
    ("POST", "/moderation/groups/{group}/ideas/{idea}/remove"),
    ("POST", "/moderation/groups/{group}/dissolve"),
    ("POST", "/moderation/groups/{group}/restore"),
    ("GET", "/moderation/groups/suggestions"),
    ("POST", "/moderation/groups/suggestions"),
    ("POST", "/moderation/groups/suggestions/{suggestion}/create"),
    ("POST", "/moderation/groups/suggestions/{suggestion}/add"),
    ("POST", "/moderation/groups/suggestions/{suggestion}/dismiss"),
    ("POST", "/moderation/links/{link}/delete"),
    ("GET", "/moderation/reports"),
    ("POST", "/moderation/reports/ideas/{idea}/dismiss"),
    ("POST", "/moderation/reports/comments/{comment}/dismiss"),
    ("POST", "/moderation/reports/comments/{comment}/hide"),
    ("POST", "/moderation/reports/comments/{comment}/restore"),
    ("GET", "/moderation/log"),
]


def test_the_matrix_covers_every_moderation_route(app):
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("moderation.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    def as_rule(path: str) -> str:
        return (path.replace("{pending}", "<int:idea_id>").replace("{idea}", "<int:idea_id>")
                .replace("{group}", "<int:group_id>").replace("{link}", "<int:link_id>")
                .replace("{comment}", "<int:comment_id>")
                .replace("{suggestion}", "<int:suggestion_id>")
                .replace("/bulk/queue", "/bulk/<any(queue, published):origin>")
                .replace("/bulk/published", "/bulk/<any(queue, published):origin>"))
    assert {(m, as_rule(p)) for m, p in ROUTES} == rules


@pytest.fixture
def world(app: Flask, recommendation: Recommendation) -> dict[str, int]:
    idea = make_idea()
    pending = make_idea(status=IdeaStatus.PENDING)
    group = make_group()
    link = make_link(recommendation, idea=idea)
    comment = make_comment(idea)
    run = ThemeSuggestionRun(status="done")
    suggestion = ThemeSuggestion(run=run, idea_ids=[idea.id, make_idea().id],
                                 key_words=["courtyard"], representative_id=idea.id)
    db.session.add_all([run, suggestion])
    db.session.commit()
    return {"idea": idea.id, "pending": pending.id, "group": group.id, "link": link.id,
            "comment": comment.id, "suggestion": suggestion.id}


def _request(client: FlaskClient, method: str, path: str, world: dict[str, int]) -> TestResponse:
    url = path.format(**world)
    return client.get(url) if method == "GET" else client.post(url, data={})


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, method, path):
    response = _request(client, method, path, world)
    assert response.status_code == 302
    assert "/account/login" in response.location


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_residents_are_refused(client, auth, world, method, path):
    auth.as_user(make_user(role=Role.RESIDENT))
    db.session.commit()
    assert _request(client, method, path, world).status_code == 403


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ORGANISER])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_moderators_and_organisers_are_let_in(client, auth, world, method, path, role):
    auth.as_user(make_user(role=role))
    db.session.commit()
    response = _request(client, method, path, world)
    if method == "GET":
        assert response.status_code == 200
    else:
        # An empty form is bad input (400) or a refusal (4xx), or acted on (302): never
        # refused access, never a server error.
        assert response.status_code not in (401, 403)
        assert response.status_code < 500


def test_a_deactivated_moderator_is_treated_as_signed_out(client, auth, world):
    auth.as_user(make_user(role=Role.MODERATOR, active=False))
    db.session.commit()
    assert client.get("/moderation/").status_code == 302
