"""Bulk decisions: one request, each idea its own event, all or nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from myalmaty.core.errors import Conflict, DomainError
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.ideas import Idea, IdeaStage, IdeaStatus, RejectionReason
from myalmaty.domain.themes import RecommendationLink
from myalmaty.extensions import db
from myalmaty.moderation import services
from myalmaty.moderation.services import BulkAction, BulkParams, BulkRefused
from tests.factories import make_group, make_idea


def events_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ModerationEvent)) or 0


def items(ideas: list[Idea]) -> list[tuple[int, int]]:
    return [(idea.id, idea.version) for idea in ideas]


def test_bulk_publish_gives_each_idea_its_own_event(app, moderator):
    ideas = [make_idea(status=IdeaStatus.PENDING) for _ in range(3)]
    outcome = services.apply_bulk(moderator, BulkAction.PUBLISH, items(ideas), BulkParams())
    db.session.commit()
    assert all(idea.status is IdeaStatus.PUBLISHED for idea in ideas)
    assert sorted(e.idea_id for e in outcome.events) == sorted(i.id for i in ideas)
    assert events_count() == 3


def test_one_bad_idea_means_nothing_changes_and_no_event_stays(app, moderator):
    good = [make_idea(status=IdeaStatus.PENDING) for _ in range(2)]
    already_rejected = make_idea(status=IdeaStatus.REJECTED, title="Rejected before")
    db.session.commit()
    with pytest.raises(BulkRefused) as refused:
        services.apply_bulk(moderator, BulkAction.PUBLISH, items([*good, already_rejected]),
                            BulkParams())
    db.session.rollback()
    assert refused.value.status_code == 400
    assert len(refused.value.problems) == 1 and "Rejected before" in refused.value.problems[0]
    assert all(db.session.get(type(i), i.id).status is IdeaStatus.PENDING for i in good)
    assert events_count() == 0


def test_a_changed_idea_in_the_batch_is_a_conflict(app, moderator):
    ideas = [make_idea(status=IdeaStatus.PENDING) for _ in range(2)]
    stale = items(ideas)
    ideas[1].title = "Edited by the author meanwhile"
    db.session.commit()
    with pytest.raises(BulkRefused) as refused:
        services.apply_bulk(moderator, BulkAction.REJECT, stale,
                            BulkParams(reason=RejectionReason.OFF_TOPIC))
    db.session.rollback()
    assert refused.value.status_code == 409
    assert ideas[0].status is IdeaStatus.PENDING
    assert events_count() == 0


def test_bulk_reject_needs_a_reason(app, moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    with pytest.raises(DomainError, match="Choose a reason"):
        services.apply_bulk(moderator, BulkAction.REJECT, items([idea]), BulkParams())


def test_bulk_group_refuses_pending_ideas_in_the_batch(app, moderator):
    group = make_group()
    published, pending = make_idea(), make_idea(status=IdeaStatus.PENDING)
    db.session.commit()
    with pytest.raises(BulkRefused):
        services.apply_bulk(moderator, BulkAction.GROUP, items([published, pending]),
                            BulkParams(group=group))
    db.session.rollback()
    assert published.group_id is None


def test_bulk_link_stage_and_group(app, moderator, recommendation):
    group = make_group()
    ideas = [make_idea() for _ in range(2)]
    services.link_idea(moderator, ideas[0], recommendation, version=ideas[0].version)
    linked = services.apply_bulk(moderator, BulkAction.LINK, items(ideas),
                                 BulkParams(recommendation=recommendation, rationale="Small steps"))
    assert (len(linked.events), linked.unchanged) == (1, 1)  # the first was linked already
    staged = services.apply_bulk(moderator, BulkAction.STAGE, items(ideas),
                                 BulkParams(stage=IdeaStage.UNDER_REVIEW))
    grouped = services.apply_bulk(moderator, BulkAction.GROUP, items(ideas), BulkParams(group=group))
    db.session.commit()
    assert len(staged.events) == len(grouped.events) == 2
    assert all(i.stage is IdeaStage.UNDER_REVIEW and i.group == group for i in ideas)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecommendationLink)) == 2


def test_bulk_is_refused_to_residents(app, resident):
    from myalmaty.core.permissions import PermissionDenied

    idea = make_idea(status=IdeaStatus.PENDING)
    with pytest.raises(PermissionDenied):
        services.apply_bulk(resident, BulkAction.PUBLISH, items([idea]), BulkParams())


def test_bulk_through_the_queue_form(app, as_moderator, outbox):
    ideas = [make_idea(status=IdeaStatus.PENDING) for _ in range(2)]
    db.session.commit()
    response = as_moderator.post("/moderation/bulk/queue", data={
        "ideas": [f"{i.id}:{i.version}" for i in ideas], "action": "publish"})
    assert response.status_code == 302
    for idea in ideas:
        db.session.refresh(idea)
        assert idea.status is IdeaStatus.PUBLISHED
    assert len(outbox) == 2  # each author is told


def test_refused_bulk_keeps_the_selection_and_the_typed_note(app, as_moderator, outbox):
    pending = make_idea(status=IdeaStatus.PENDING)
    published = make_idea(title="Already out")
    db.session.commit()
    response = as_moderator.post("/moderation/bulk/queue", data={
        "ideas": [f"{pending.id}:{pending.version}", f"{published.id}:{published.version}"],
        "action": "reject", "reason": "off_topic", "note": "my careful note"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "my careful note" in page
    assert "Already out" in page
    assert f'value="{pending.id}:{pending.version}" id="choose-{pending.id}" checked>' in page
    db.session.refresh(pending)
    assert pending.status is IdeaStatus.PENDING
    assert outbox == []


def test_a_decision_not_offered_on_the_page_is_refused(app, as_moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    db.session.commit()
    response = as_moderator.post("/moderation/bulk/queue", data={
        "ideas": [f"{idea.id}:{idea.version}"], "action": "stage", "stage": "done"})
    assert response.status_code == 400


def test_conflict_class_is_a_409():
    assert Conflict.status_code == 409
