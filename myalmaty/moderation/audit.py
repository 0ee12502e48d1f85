"""The audit log: every moderation decision is recorded through `record_event`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from myalmaty.extensions import db
from myalmaty.moderation.models import ModerationEvent

if TYPE_CHECKING:
    from myalmaty.auth.models import User
    from myalmaty.ideas.models import Comment, Idea, Report
    from myalmaty.moderation.models import IdeaGroup


def _plain(value: Any) -> Any:
    """JSON-friendly values for before/after snapshots (enums by value, dates as ISO)."""
    if hasattr(value, "value") and not isinstance(value, (int, float, str)):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record_event(
    actor: User | None,
    action: str,
    *,
    idea: Idea | None = None,
    group: IdeaGroup | None = None,
    comment: Comment | None = None,
    report: Report | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> ModerationEvent:
    """Add one audit entry (flushed with the rest of the unit of work, never committed here).

    `actor` None means the platform itself (e.g. an idea hidden after enough reports).
    Decisions on an idea (`idea.*` actions) are told to its author once committed
    (see notifications).
    """
    event = ModerationEvent(
        actor=actor,
        action=action,
        idea=idea,
        group=group,
        comment=comment,
        report=report,
        before={k: _plain(v) for k, v in (before or {}).items()},
        after={k: _plain(v) for k, v in (after or {}).items()},
        note=note,
    )
    db.session.add(event)
    from myalmaty.moderation.notifications import queue_author_notice  # imports the queries

    queue_author_notice(event)
    return event
