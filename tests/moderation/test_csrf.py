"""With CSRF protection on (as in production), a decision without the token is refused."""

from __future__ import annotations

import re

import pytest

from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests.factories import make_idea


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"WTF_CSRF_ENABLED": True}


def test_publishing_without_the_token_is_refused(app, as_moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    db.session.commit()
    response = as_moderator.post(f"/moderation/ideas/{idea.id}/publish",
                                 data={"publish-version": idea.version})
    assert response.status_code == 400
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.PENDING


def test_publishing_with_the_pages_token_works(app, as_moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    db.session.commit()
    page = as_moderator.get(f"/moderation/ideas/{idea.id}").get_data(as_text=True)
    token = re.search(r'name="publish-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = as_moderator.post(f"/moderation/ideas/{idea.id}/publish",
                                 data={"publish-version": idea.version, "publish-csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.PUBLISHED


def test_bulk_without_the_token_is_refused(app, as_moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    db.session.commit()
    response = as_moderator.post("/moderation/bulk/queue", data={
        "ideas": [f"{idea.id}:{idea.version}"], "action": "publish"})
    assert response.status_code == 400


def test_suggested_theme_decisions_without_the_token_are_refused(app, as_moderator):
    from myalmaty.domain.themes import ThemeSuggestion, ThemeSuggestionRun

    ideas = [make_idea(), make_idea()]
    run = ThemeSuggestionRun(status="done")
    suggestion = ThemeSuggestion(run=run, idea_ids=[i.id for i in ideas], key_words=["yard"])
    db.session.add_all([run, suggestion])
    db.session.commit()
    sid = suggestion.id
    for action, data in (("create", {f"s{sid}-create-title": "Yards"}), ("dismiss", {}),
                         ("add", {f"s{sid}-add-group": 1})):
        response = as_moderator.post(f"/moderation/groups/suggestions/{sid}/{action}", data=data)
        assert response.status_code == 400
    assert as_moderator.post("/moderation/groups/suggestions", data={}).status_code == 400
    db.session.expire_all()
    assert db.session.get(ThemeSuggestion, sid).status == "open"
    assert db.session.query(ThemeSuggestionRun).count() == 1
