"""Decisions on one idea: each transition, its audit record, and refusals in the wrong state."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from myalmaty.core.errors import DomainError, FieldError
from myalmaty.core.permissions import PermissionDenied
from myalmaty.domain.ideas import IdeaStage, IdeaStatus, RejectionReason
from myalmaty.extensions import db
from myalmaty.moderation import services
from tests.factories import make_category, make_idea, make_quarter


def test_publishing_a_pending_idea_records_who_and_the_transition(app, moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    event = services.publish_idea(moderator, idea, version=idea.version)
    db.session.commit()
    assert idea.status is IdeaStatus.PUBLISHED
    assert idea.published_at is not None
    assert (event.action, event.actor, event.idea) == ("idea.publish", moderator, idea)
    assert event.before == {"status": "pending"}
    assert event.after == {"status": "published"}


def test_organisers_can_do_what_moderators_do(app, organiser):
    idea = make_idea(status=IdeaStatus.PENDING)
    services.publish_idea(organiser, idea, version=idea.version)
    assert idea.status is IdeaStatus.PUBLISHED


def test_a_resident_calling_a_service_is_refused(app, resident):
    idea = make_idea(status=IdeaStatus.PENDING)
    with pytest.raises(PermissionDenied):
        services.publish_idea(resident, idea, version=idea.version)
    assert idea.status is IdeaStatus.PENDING


@pytest.mark.parametrize("status", [IdeaStatus.PUBLISHED, IdeaStatus.REJECTED, IdeaStatus.HIDDEN,
                                    IdeaStatus.WITHDRAWN])
def test_only_pending_ideas_can_be_published_or_rejected(app, moderator, status):
    idea = make_idea(status=status)
    with pytest.raises(DomainError, match="not awaiting moderation"):
        services.publish_idea(moderator, idea, version=idea.version)
    with pytest.raises(DomainError, match="not awaiting moderation"):
        services.reject_idea(moderator, idea, version=idea.version, reason=RejectionReason.OTHER)
    assert idea.status is status


def test_publishing_twice_is_refused_clearly(app, moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    services.publish_idea(moderator, idea, version=idea.version)
    with pytest.raises(DomainError) as refused:
        services.publish_idea(moderator, idea, version=idea.version)
    with force_locale("en"):
        assert "is not awaiting moderation (it is: Published)" in str(refused.value)
    with force_locale("ru"):
        assert "(сейчас: Опубликована)" in str(refused.value)


def test_rejecting_keeps_the_reason_and_the_note_for_the_author(app, moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    event = services.reject_idea(moderator, idea, version=idea.version,
                                 reason=RejectionReason.OUTSIDE_ALMATY, note="  The point is in Talgar. ")
    db.session.commit()
    assert idea.status is IdeaStatus.REJECTED
    assert idea.rejection_reason is RejectionReason.OUTSIDE_ALMATY
    assert idea.rejection_note == "The point is in Talgar."
    assert event.after == {"status": "rejected", "rejection_reason": "outside_almaty"}
    assert event.note == "The point is in Talgar."


def test_editing_keeps_the_original_text_in_the_event(app, moderator):
    category, other_category = make_category(), make_category()
    quarter = make_quarter()
    idea = make_idea(status=IdeaStatus.PENDING, title="Cinema in teh courtyard", category=category)
    event = services.edit_idea(
        moderator, idea, version=idea.version, title="Cinema in the courtyard",
        description=idea.description, first_step=idea.first_step,
        category=other_category, quarter=quarter, note="Fixed a typo",
    )
    db.session.commit()
    assert idea.title == "Cinema in the courtyard"
    assert "cinema in the courtyard" in idea.search_text
    assert event.action == "idea.edit"
    assert event.before == {"title": "Cinema in teh courtyard", "category_id": category.id,
                            "quarter_id": None}
    assert event.after == {"title": "Cinema in the courtyard", "category_id": other_category.id,
                           "quarter_id": quarter.id}
    assert idea.status is IdeaStatus.PENDING  # correcting is not deciding


def test_an_edit_that_changes_nothing_is_refused(app, moderator):
    idea = make_idea()
    with pytest.raises(DomainError, match="Nothing was changed"):
        services.edit_idea(moderator, idea, version=idea.version, title=idea.title,
                           description=idea.description, first_step=idea.first_step,
                           category=idea.category, quarter=None)


def test_an_edit_without_a_category_is_refused_at_the_category(app, moderator):
    idea = make_idea()
    with pytest.raises(FieldError, match="Choose a category") as refused:
        services.edit_idea(moderator, idea, version=idea.version, title=idea.title,
                           description=idea.description, first_step=idea.first_step,
                           category=None, quarter=None)
    assert refused.value.field == "category"


def test_stage_and_answer_on_a_published_idea_are_logged_apart(app, moderator):
    idea = make_idea()
    events = services.answer_idea(moderator, idea, version=idea.version,
                                  stage=IdeaStage.SELECTED_FOR_FORUM, answer="On the agenda in May.")
    db.session.commit()
    assert [e.action for e in events] == ["idea.stage", "idea.answer"]
    assert events[0].before == {"stage": "new"}
    assert events[0].after == {"stage": "selected_for_forum"}
    assert events[1].after == {"public_answer": "On the agenda in May."}
    assert idea.answered_at is not None


def test_stage_on_a_pending_idea_is_refused(app, moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    with pytest.raises(DomainError, match="is not published"):
        services.answer_idea(moderator, idea, version=idea.version, stage=IdeaStage.DONE, answer="")


def test_hiding_and_restoring_a_published_idea(app, moderator):
    idea = make_idea()
    hidden = services.hide_idea(moderator, idea, version=idea.version, reason="Personal data")
    assert idea.status is IdeaStatus.HIDDEN
    assert (hidden.before, hidden.note) == ({"status": "published"}, "Personal data")
    restored = services.restore_idea(moderator, idea, version=idea.version)
    db.session.commit()
    assert idea.status is IdeaStatus.PUBLISHED
    assert restored.after["status"] == "published"


def test_hiding_needs_a_reason_and_restoring_needs_a_hidden_idea(app, moderator):
    idea = make_idea()
    with pytest.raises(DomainError, match="Say why"):
        services.hide_idea(moderator, idea, version=idea.version, reason="  ")
    with pytest.raises(DomainError, match="is not hidden"):
        services.restore_idea(moderator, idea, version=idea.version)
