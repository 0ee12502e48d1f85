"""Residents' reports: hide the comment, dismiss the reports; every open report on a target is
resolved together (status, who, when). Hiding and restoring ideas lives in services.ideas."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from myalmaty.core.errors import DomainError, FieldError
from myalmaty.core.models import utcnow
from myalmaty.domain.audit import ModerationEvent, record_event
from myalmaty.domain.counts import recount
from myalmaty.domain.ideas import (
    Comment,
    CommentStatus,
    Idea,
    IdeaStatus,
    Report,
    ReportStatus,
)
from myalmaty.extensions import db
from myalmaty.moderation.services.common import flush, require_moderator

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User


def resolve_open_reports(
    actor: User, *, idea: Idea | None = None, comment: Comment | None = None, actioned: bool
) -> list[int]:
    """Close every open report on the idea or the comment; returns their ids (for the log)."""
    if idea is not None:
        target = Report.idea_id == idea.id
    elif comment is not None:
        target = Report.comment_id == comment.id
    else:
        raise TypeError("resolve_open_reports needs an idea or a comment")
    reports = list(db.session.scalars(
        sa.select(Report).where(target, Report.status == ReportStatus.OPEN).order_by(Report.id)
    ))
    now = utcnow()
    for report in reports:
        report.status = ReportStatus.ACTIONED if actioned else ReportStatus.DISMISSED
        report.resolved_by = actor
        report.resolved_at = now
    return [report.id for report in reports]


def hide_comment(actor: User, comment: Comment, *, reason: str) -> ModerationEvent:
    require_moderator(actor)
    reason = reason.strip()
    if not reason:
        raise FieldError("reason",
                         _l("Say why the comment is hidden: its author will read it."))
    if comment.status is CommentStatus.HIDDEN:
        raise DomainError(_l("This comment is already hidden."))
    comment.status = CommentStatus.HIDDEN
    comment.hidden_reason = reason
    flush()
    recount(comment.idea)
    report_ids = resolve_open_reports(actor, comment=comment, actioned=True)
    event = record_event(
        actor, "comment.hide", idea=comment.idea, comment=comment,
        before={"status": CommentStatus.VISIBLE},
        after={"status": CommentStatus.HIDDEN, "reports_closed": report_ids},
        note=reason,
    )
    flush()
    return event


def restore_comment(actor: User, comment: Comment) -> ModerationEvent:
    require_moderator(actor)
    if comment.status is CommentStatus.VISIBLE:
        raise DomainError(_l("This comment is not hidden."))
    previous_reason = comment.hidden_reason
    comment.status = CommentStatus.VISIBLE
    comment.hidden_reason = ""
    flush()
    recount(comment.idea)
    event = record_event(
        actor, "comment.restore", idea=comment.idea, comment=comment,
        before={"status": CommentStatus.HIDDEN, "hidden_reason": previous_reason},
        after={"status": CommentStatus.VISIBLE},
    )
    flush()
    return event


def dismiss_reports(
    actor: User, *, idea: Idea | None = None, comment: Comment | None = None, note: str = ""
) -> ModerationEvent:
    """The reports were unfounded: close them and leave the idea or comment as it is.

    An idea already hidden (automatically, after reports) is restored with services.ideas
    .restore_idea instead, so that dismissing never leaves it hidden without a decision.
    """
    require_moderator(actor)
    if idea is not None:
        reported_idea = idea
    elif comment is not None:
        reported_idea = comment.idea
    else:
        raise TypeError("dismiss_reports needs an idea or a comment")
    if idea is not None and idea.status is IdeaStatus.HIDDEN:
        raise DomainError(_l("“%(title)s” is hidden: restore it, or keep it hidden with a reason."),
                          title=idea.title)
    report_ids = resolve_open_reports(actor, idea=idea, comment=comment, actioned=False)
    if not report_ids:
        raise DomainError(_l("There are no open reports on this."))
    event = record_event(
        actor, "report.dismiss", idea=reported_idea, comment=comment,
        after={"reports_closed": report_ids}, note=note.strip(),
    )
    flush()
    return event
