"""Two moderators at once: a decision on something changed since the page loaded is a 409 with
a clear message, and what the moderator typed stays in the form."""

from __future__ import annotations

from typing import NoReturn

import pytest
import sqlalchemy as sa

from myalmaty.core.errors import Conflict
from myalmaty.domain.ideas import Idea, IdeaStatus, RejectionReason
from myalmaty.domain.themes import IdeaGroup
from myalmaty.extensions import db
from myalmaty.moderation import services
from tests.factories import make_group, make_idea


def test_a_stale_version_is_a_conflict_and_nothing_changes(app, moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    seen = idea.version
    idea.title = "Changed by another moderator"
    db.session.commit()
    with pytest.raises(Conflict, match="was changed by someone else"):
        services.reject_idea(moderator, idea, version=seen, reason=RejectionReason.OTHER)
    assert idea.status is IdeaStatus.PENDING


def test_a_change_between_loading_and_writing_is_a_conflict_too(app, moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    db.session.commit()
    version = idea.version
    # Another request commits after this one loaded the row (the form's version still matches).
    db.session.execute(
        sa.update(Idea).where(Idea.id == idea.id).values(version=Idea.version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Conflict, match="in the meantime"):
        services.publish_idea(moderator, idea, version=version)
    db.session.rollback()


def test_a_stale_theme_version_is_a_conflict(app, moderator):
    group = make_group()
    seen = group.version
    group.summary = "Changed meanwhile"
    db.session.commit()
    with pytest.raises(Conflict):
        services.update_group(moderator, group, version=seen, title="New title", summary="")
    db.session.refresh(group)
    assert group.title != "New title"


def test_the_review_page_answers_409_and_keeps_the_typed_note(app, as_moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    db.session.commit()
    seen = idea.version
    idea.description = "The author edited it while it waited"
    db.session.commit()
    response = as_moderator.post(f"/moderation/ideas/{idea.id}/reject", data={
        "reject-version": seen, "reject-reason": "off_topic",
        "reject-note": "Please describe a place in the city"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "was changed by someone else since you opened the page" in page
    assert "Please describe a place in the city" in page
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.PENDING


def test_the_theme_page_answers_409(app, as_moderator):
    group = make_group()
    db.session.commit()
    seen = group.version
    group.title = "Renamed by a colleague"
    db.session.commit()
    response = as_moderator.post(f"/moderation/groups/{group.id}/edit", data={
        "edit-version": seen, "edit-title": "My title", "edit-summary": "my summary"})
    assert response.status_code == 409
    assert "my summary" in response.get_data(as_text=True)
    assert db.session.get(IdeaGroup, group.id).title == "Renamed by a colleague"


def test_a_form_without_its_version_is_refused_with_a_message(app, as_moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    db.session.commit()
    response = as_moderator.post(f"/moderation/ideas/{idea.id}/publish", data={})
    assert response.status_code == 400
    assert "This form is out of date" in response.get_data(as_text=True)


def test_a_lost_race_at_commit_is_a_409_not_a_500(app, as_moderator, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from myalmaty.moderation import services as moderation_services

    idea = make_idea(status=IdeaStatus.PENDING)
    db.session.commit()

    def lose_the_race(*args: object, **kwargs: object) -> NoReturn:
        raise StaleDataError("UPDATE statement on table 'ideas' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(moderation_services, "publish_idea", lose_the_race)
    response = as_moderator.post(f"/moderation/ideas/{idea.id}/publish",
                                 data={"publish-version": idea.version})
    assert response.status_code == 409
