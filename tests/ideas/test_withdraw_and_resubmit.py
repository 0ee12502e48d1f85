"""Withdrawing is confirmed on a page of its own, and a withdrawn idea can go back for review."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from myalmaty.core.errors import Conflict
from myalmaty.core.permissions import PermissionDenied
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from myalmaty.ideas import services
from tests.factories import make_idea, make_user


def events_of(idea) -> list[ModerationEvent]:
    return list(db.session.scalars(
        sa.select(ModerationEvent).where(ModerationEvent.idea_id == idea.id)
        .order_by(ModerationEvent.id)
    ))


def test_withdrawing_asks_first_on_a_page_that_needs_no_script(client, auth, resident):
    idea = make_idea(status=IdeaStatus.PENDING, author=resident, title="Yard cinema")
    db.session.commit()
    auth.as_user(resident)
    detail = client.get(f"/ideas/{idea.id}?lang=en").get_data(as_text=True)
    # The idea's page links to the question; it does not withdraw in one tap.
    assert f'href="/ideas/{idea.id}/withdraw"' in detail
    assert f'action="/ideas/{idea.id}/withdraw"' not in detail
    mine = client.get("/ideas/mine?lang=en").get_data(as_text=True)
    assert f'href="/ideas/{idea.id}/withdraw"' in mine
    assert f'action="/ideas/{idea.id}/withdraw"' not in mine

    question = client.get(f"/ideas/{idea.id}/withdraw?lang=en")
    assert question.status_code == 200
    html = question.get_data(as_text=True)
    assert "Withdraw the idea?" in html and "Yard cinema" in html
    assert f'<form method="post" action="/ideas/{idea.id}/withdraw"' in html
    assert f'value="{idea.version}"' in html
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.PENDING  # asking changes nothing

    response = client.post(f"/ideas/{idea.id}/withdraw", data={"version": str(idea.version)})
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.WITHDRAWN


def test_the_question_is_not_asked_of_an_idea_that_can_no_longer_be_withdrawn(client, auth,
                                                                              resident):
    idea = make_idea(status=IdeaStatus.PUBLISHED, author=resident)
    db.session.commit()
    auth.as_user(resident)
    response = client.get(f"/ideas/{idea.id}/withdraw?lang=en")
    assert response.status_code == 302 and response.location == f"/ideas/{idea.id}"
    assert "Only an idea that awaits moderation can be withdrawn." in client.get(
        response.location).get_data(as_text=True)
    auth.as_user(make_user())
    db.session.commit()
    assert client.get(f"/ideas/{idea.id}/withdraw").status_code == 403


def test_the_author_sends_a_withdrawn_idea_back_for_review(client, auth, resident):
    idea = make_idea(status=IdeaStatus.WITHDRAWN, author=resident, title="Yard cinema")
    db.session.commit()
    auth.as_user(resident)
    mine = client.get("/ideas/mine?lang=en").get_data(as_text=True)
    assert f'action="/ideas/{idea.id}/resubmit"' in mine and "Send back for review" in mine
    detail = client.get(f"/ideas/{idea.id}?lang=en").get_data(as_text=True)
    assert f'action="/ideas/{idea.id}/resubmit"' in detail

    response = client.post(f"/ideas/{idea.id}/resubmit?lang=en",
                           data={"version": str(idea.version)})
    assert response.status_code == 302
    assert "Your idea is back in the moderation queue" in client.get(
        response.location).get_data(as_text=True)
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.PENDING
    [event] = events_of(idea)
    assert (event.action, event.actor_id, event.before, event.after) == (
        "idea.resubmit", resident.id, {"status": "withdrawn"}, {"status": "pending"})
    # The author's history says it in words, as their own step.
    mine = client.get("/ideas/mine?lang=en").get_data(as_text=True)
    assert "You sent the idea back for review" in mine
    # Pending again: it may be changed or withdrawn once more.
    assert f'href="/ideas/{idea.id}/withdraw"' in mine


@pytest.mark.parametrize("status", [IdeaStatus.PENDING, IdeaStatus.PUBLISHED,
                                    IdeaStatus.REJECTED, IdeaStatus.HIDDEN])
def test_only_a_withdrawn_idea_goes_back_for_review(client, auth, resident, status):
    idea = make_idea(status=status, author=resident)
    db.session.commit()
    auth.as_user(resident)
    response = client.post(f"/ideas/{idea.id}/resubmit?lang=en")
    assert response.status_code == 409
    assert "Only a withdrawn idea can be sent back for review." in response.get_data(as_text=True)
    db.session.refresh(idea)
    assert idea.status is status
    assert events_of(idea) == []


def test_only_the_author_sends_it_back(app, client, auth, resident, moderator):
    idea = make_idea(status=IdeaStatus.WITHDRAWN, author=resident)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.resubmit_idea(moderator, idea)
    auth.as_user(moderator)
    assert client.post(f"/ideas/{idea.id}/resubmit").status_code == 403
    auth.as_user(make_user())
    db.session.commit()
    assert client.post(f"/ideas/{idea.id}/resubmit").status_code == 404
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.WITHDRAWN


def test_a_stale_version_is_refused(app, resident):
    idea = make_idea(status=IdeaStatus.WITHDRAWN, author=resident)
    db.session.commit()
    with pytest.raises(Conflict):
        services.resubmit_idea(resident, idea, version=idea.version + 1)
    assert idea.status is IdeaStatus.WITHDRAWN


class TestWithCsrf:
    @pytest.fixture
    def app_config(self) -> dict:
        return {"WTF_CSRF_ENABLED": True}

    def test_sending_back_needs_the_pages_token(self, client, auth, resident):
        idea = make_idea(status=IdeaStatus.WITHDRAWN, author=resident)
        db.session.commit()
        auth.as_user(resident)
        assert client.post(f"/ideas/{idea.id}/resubmit").status_code == 400
        db.session.refresh(idea)
        assert idea.status is IdeaStatus.WITHDRAWN
        page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token
        response = client.post(f"/ideas/{idea.id}/resubmit",
                               data={"csrf_token": token.group(1), "version": str(idea.version)})
        assert response.status_code == 302
        db.session.refresh(idea)
        assert idea.status is IdeaStatus.PENDING

    def test_the_confirmation_page_carries_the_token_that_withdraws(self, client, auth,
                                                                    resident):
        idea = make_idea(status=IdeaStatus.PENDING, author=resident)
        db.session.commit()
        auth.as_user(resident)
        assert client.post(f"/ideas/{idea.id}/withdraw",
                           data={"version": str(idea.version)}).status_code == 400
        page = client.get(f"/ideas/{idea.id}/withdraw").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token
        response = client.post(f"/ideas/{idea.id}/withdraw",
                               data={"csrf_token": token.group(1), "version": str(idea.version)})
        assert response.status_code == 302
        db.session.refresh(idea)
        assert idea.status is IdeaStatus.WITHDRAWN
