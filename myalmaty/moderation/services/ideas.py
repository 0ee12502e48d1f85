"""Decisions on one idea: publish, reject, correct, stage and answer, hide and restore."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from myalmaty.core.errors import DomainError, FieldError
from myalmaty.core.models import utcnow
from myalmaty.domain.audit import ModerationEvent, record_event
from myalmaty.domain.ideas import Idea, IdeaStage, IdeaStatus, RejectionReason
from myalmaty.domain.reference import Category, Quarter
from myalmaty.ideas.text import search_text
from myalmaty.moderation.services.common import (
    NOTHING_CHANGED,
    check_idea_version,
    flush,
    require_moderator,
    require_status,
)
from myalmaty.moderation.services.reports import resolve_open_reports

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User

ONLY_PENDING = _l("“%(title)s” is not awaiting moderation (it is: %(status)s).")
ONLY_PUBLISHED = _l("“%(title)s” is not published (it is: %(status)s).")


def publish_idea(actor: User, idea: Idea, *, version: int | None) -> ModerationEvent:
    require_moderator(actor)
    check_idea_version(idea, version)
    require_status(idea, [IdeaStatus.PENDING], ONLY_PENDING)
    idea.status = IdeaStatus.PUBLISHED
    idea.published_at = idea.published_at or utcnow()
    event = record_event(
        actor, "idea.publish", idea=idea,
        before={"status": IdeaStatus.PENDING}, after={"status": IdeaStatus.PUBLISHED},
    )
    flush()
    return event


def reject_idea(
    actor: User, idea: Idea, *, version: int | None, reason: RejectionReason, note: str = ""
) -> ModerationEvent:
    """The author sees the reason (translated into their language) and the note as written."""
    require_moderator(actor)
    check_idea_version(idea, version)
    require_status(idea, [IdeaStatus.PENDING], ONLY_PENDING)
    note = note.strip()
    idea.status = IdeaStatus.REJECTED
    idea.rejection_reason = reason
    idea.rejection_note = note
    event = record_event(
        actor, "idea.reject", idea=idea,
        before={"status": IdeaStatus.PENDING},
        after={"status": IdeaStatus.REJECTED, "rejection_reason": reason},
        note=note,
    )
    flush()
    return event


EDITABLE_TEXT = ("title", "description", "first_step")


def edit_idea(
    actor: User,
    idea: Idea,
    *,
    version: int | None,
    title: str,
    description: str,
    first_step: str,
    category: Category | None,
    quarter: Quarter | None,
    note: str = "",
) -> ModerationEvent:
    """Fix typos or a wrong category/quarter; the event keeps the original text in `before`."""
    require_moderator(actor)
    check_idea_version(idea, version)
    if category is None:
        raise FieldError("category", _l("Choose a category."))
    if idea.status is IdeaStatus.WITHDRAWN:
        raise DomainError(_l("“%(title)s” was withdrawn by its author and cannot be edited."),
                          title=idea.title)
    wanted: dict[str, Any] = {
        "title": title.strip(),
        "description": description.strip(),
        "first_step": first_step.strip(),
        "category_id": category.id,
        "quarter_id": quarter.id if quarter else None,
    }
    before = {k: getattr(idea, k) for k, v in wanted.items() if getattr(idea, k) != v}
    if not before:
        raise DomainError(NOTHING_CHANGED)
    after = {k: wanted[k] for k in before}
    idea.title, idea.description, idea.first_step = (wanted[k] for k in EDITABLE_TEXT)
    idea.category = category
    idea.quarter = quarter
    idea.search_text = search_text(idea.title, idea.description, idea.first_step)
    event = record_event(actor, "idea.edit", idea=idea, before=before, after=after, note=note.strip())
    flush()
    return event


def set_idea_stage(
    actor: User, idea: Idea, *, version: int | None, stage: IdeaStage
) -> ModerationEvent | None:
    """Move a published idea to a stage; nothing (and no event) if it is already there."""
    require_moderator(actor)
    check_idea_version(idea, version)
    require_status(idea, [IdeaStatus.PUBLISHED], ONLY_PUBLISHED)
    if idea.stage is stage:
        return None
    event = record_event(actor, "idea.stage", idea=idea,
                         before={"stage": idea.stage}, after={"stage": stage})
    idea.stage = stage
    flush()
    return event


def answer_idea(
    actor: User, idea: Idea, *, version: int | None, stage: IdeaStage, answer: str
) -> list[ModerationEvent]:
    """The public answer and stage form: one event per thing that changed."""
    require_moderator(actor)
    check_idea_version(idea, version)
    require_status(idea, [IdeaStatus.PUBLISHED], ONLY_PUBLISHED)
    answer = answer.strip()
    events = []
    stage_event = set_idea_stage(actor, idea, version=None, stage=stage)
    if stage_event:
        events.append(stage_event)
    if answer != idea.public_answer:
        events.append(record_event(actor, "idea.answer", idea=idea,
                                   before={"public_answer": idea.public_answer},
                                   after={"public_answer": answer}))
        idea.public_answer = answer
        idea.answered_at = utcnow() if answer else None
    if not events:
        raise DomainError(NOTHING_CHANGED)
    flush()
    return events


def hide_idea(actor: User, idea: Idea, *, version: int | None, reason: str) -> ModerationEvent:
    """Take a published idea off the public pages (nothing is deleted); closes its reports.

    An idea hidden automatically after reports can be "hidden" again: that confirms it.
    """
    require_moderator(actor)
    check_idea_version(idea, version)
    require_status(idea, [IdeaStatus.PUBLISHED, IdeaStatus.HIDDEN], ONLY_PUBLISHED)
    reason = reason.strip()
    if not reason:
        raise FieldError("reason", _l("Say why the idea is hidden: its author will read it."))
    before_status = idea.status
    idea.status = IdeaStatus.HIDDEN
    report_ids = resolve_open_reports(actor, idea=idea, actioned=True)
    event = record_event(
        actor, "idea.hide", idea=idea,
        before={"status": before_status},
        after={"status": IdeaStatus.HIDDEN, "reports_closed": report_ids},
        note=reason,
    )
    flush()
    return event


def restore_idea(actor: User, idea: Idea, *, version: int | None, note: str = "") -> ModerationEvent:
    """Publish a hidden idea again (e.g. one hidden automatically by reports); its reports close."""
    require_moderator(actor)
    check_idea_version(idea, version)
    require_status(idea, [IdeaStatus.HIDDEN], _l("“%(title)s” is not hidden (it is: %(status)s)."))
    idea.status = IdeaStatus.PUBLISHED
    idea.published_at = idea.published_at or utcnow()
    report_ids = resolve_open_reports(actor, idea=idea, actioned=False)
    event = record_event(
        actor, "idea.restore", idea=idea,
        before={"status": IdeaStatus.HIDDEN},
        after={"status": IdeaStatus.PUBLISHED, "reports_closed": report_ids},
        note=note.strip(),
    )
    flush()
    return event

