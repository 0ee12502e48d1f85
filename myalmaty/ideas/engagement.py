"""What residents do with published ideas: support them, comment, report abuse.

The counters on Idea (support_count, comment_count) are recomputed by domain.counts after each
change, never added to: a supporter of a duplicate who then supports its original is one person.
"""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from myalmaty.core.errors import DomainError, FieldError
from myalmaty.core.permissions import PermissionDenied
from myalmaty.core.text import clean_text
from myalmaty.domain.accounts import User
from myalmaty.domain.audit import record_event
from myalmaty.domain.counts import recount
from myalmaty.domain.ideas import (
    Comment,
    CommentStatus,
    Idea,
    IdeaStatus,
    Report,
    ReportReason,
    ReportStatus,
    Support,
)
from myalmaty.extensions import db
from myalmaty.ideas import policy

COMMENT_LENGTH = (2, 2000)
REPORT_NOTE_LENGTH = 1000

ALREADY_REPORTED = _l("You have already reported this; moderators will look at it.")


class AlreadyReported(DomainError):
    """Each resident reports a thing once; a second report changes nothing."""

    status_code = 409


def _supports(user: User, idea: Idea) -> bool:
    return bool(db.session.scalar(
        sa.select(sa.exists().where(Support.idea_id == idea.id, Support.user_id == user.id))
    ))


def supporters_text(count: int) -> str:
    """"12 residents support this idea", as the idea's page says it."""
    return ngettext("%(count)s resident supports this idea",
                    "%(count)s residents support this idea", count, count=count)


def set_support(user: User, idea: Idea, support: bool) -> bool:
    """Support (or withdraw the support of) a published idea; repeating is harmless.

    Returns whether the user supports the idea afterwards. A second, simultaneous request
    meets the unique constraint inside a savepoint and is treated as already done.
    """
    if not support:
        result = db.session.execute(
            sa.delete(Support).where(Support.idea_id == idea.id, Support.user_id == user.id)
        )
        if cast("sa.CursorResult[Any]", result).rowcount:  # a DELETE's result counts rows
            recount(idea)
        return False
    if policy.is_author(user, idea):
        raise DomainError(_l("You cannot support your own idea: supports show who else wants "
                             "it. Ask your neighbours instead."))
    if not policy.can_support(user, idea):
        raise DomainError(_l("Only published ideas can be supported."))
    if _supports(user, idea):
        return True
    try:
        with db.session.begin_nested():
            db.session.add(Support(idea_id=idea.id, user_id=user.id))
    except sa.exc.IntegrityError:
        return True  # another request of the same resident got there first
    recount(idea)
    return True


def add_comment(author: User, idea: Idea, body: str) -> Comment:
    if not policy.can_take_part(author, idea):
        raise DomainError(_l("Only published ideas can be commented on."))
    body = clean_text(body)
    low, high = COMMENT_LENGTH
    if not low <= len(body) <= high:
        raise FieldError("body", _l("Write between %(low)s and %(high)s characters."),
                         low=low, high=high)
    comment = Comment(idea_id=idea.id, author_id=author.id, body=body)
    db.session.add(comment)
    recount(idea)
    return comment


def _checked_note(note: str) -> str:
    note = clean_text(note)
    if len(note) > REPORT_NOTE_LENGTH:
        raise FieldError("note", _l("Write at most %(high)s characters."),
                         high=REPORT_NOTE_LENGTH)
    return note


def _add_report(report: Report) -> Report:
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except sa.exc.IntegrityError as error:  # the unique (reporter, target) constraint
        raise AlreadyReported(ALREADY_REPORTED) from error
    return report


def report_idea(
    reporter: User, idea: Idea, reason: ReportReason, note: str, *, reports_to_hide: int
) -> Report:
    """A resident flags a public idea. Enough open reports from different residents hide it
    until a moderator reviews it (logged as done by the platform itself)."""
    if not reporter.is_authenticated or not reporter.is_active:
        raise PermissionDenied("resident")
    if not idea.is_public:
        raise DomainError(_l("Only published ideas can be reported."))
    if policy.is_author(reporter, idea):
        raise DomainError(_l("You cannot report your own idea."))
    note = _checked_note(note)
    if db.session.scalar(sa.select(sa.exists().where(
        Report.idea_id == idea.id, Report.reporter_id == reporter.id
    ))):
        raise AlreadyReported(ALREADY_REPORTED)
    report = _add_report(Report(reporter_id=reporter.id, idea_id=idea.id, reason=reason,
                                note=note))
    open_reports = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Report.reporter_id))).where(
            Report.idea_id == idea.id, Report.status == ReportStatus.OPEN
        )
    ) or 0
    if idea.status is IdeaStatus.PUBLISHED and open_reports >= reports_to_hide:
        idea.status = IdeaStatus.HIDDEN
        db.session.flush()
        record_event(None, "idea.auto_hide", idea=idea, report=report,
                     before={"status": IdeaStatus.PUBLISHED},
                     after={"status": IdeaStatus.HIDDEN, "open_reports": open_reports})
    return report


def report_comment(reporter: User, comment: Comment, reason: ReportReason, note: str) -> Report:
    if not reporter.is_authenticated or not reporter.is_active:
        raise PermissionDenied("resident")
    if comment.status is not CommentStatus.VISIBLE or not comment.idea.is_public:
        raise DomainError(_l("This comment can no longer be reported."))
    if comment.author_id == reporter.id:
        raise DomainError(_l("You cannot report your own comment."))
    note = _checked_note(note)
    if db.session.scalar(sa.select(sa.exists().where(
        Report.comment_id == comment.id, Report.reporter_id == reporter.id
    ))):
        raise AlreadyReported(ALREADY_REPORTED)
    return _add_report(Report(reporter_id=reporter.id, comment_id=comment.id, reason=reason,
                              note=note))
