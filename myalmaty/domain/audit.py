"""The audit log: its table, how an entry is written, and what authors read of it.

Every decision (a moderator's, an organiser's, an author's own step, or the platform's) is
recorded through `record_event`; the audit log page, "My ideas" and the decision e-mails all
read these rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.core.models import utcnow
from myalmaty.domain.decisions import ACTION_LABELS, is_author_visible
from myalmaty.domain.direct_insert import insert_now
from myalmaty.domain.ideas import Idea
from myalmaty.extensions import Model, db

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User
    from myalmaty.domain.ideas import Comment, Report
    from myalmaty.domain.themes import IdeaGroup

# The session.info key under which author-visible events wait for the commit.
AUTHOR_EVENTS = "audit.author_events"


class ModerationEvent(Model):
    """One entry of the audit log: who did what to which target, from what to what, and why.

    `action` is a dotted name such as `idea.publish`; `before` and `after` hold the changed
    fields. The author of the idea concerned sees the events on "My ideas"; `author_seen_at`
    records when that page first showed them.
    """

    __tablename__ = "moderation_events"
    __table_args__ = (sa.Index("ix_moderation_events_idea_created", "idea_id", "created_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    idea_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("ideas.id"))
    group_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("idea_groups.id"), index=True)
    comment_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("comments.id"), index=True)
    report_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("reports.id"), index=True)
    before: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    after: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, index=True)
    author_seen_at: so.Mapped[dt.datetime | None]

    actor: so.Mapped[User | None] = so.relationship()
    idea: so.Mapped[Idea | None] = so.relationship()
    group: so.Mapped[IdeaGroup | None] = so.relationship()
    comment: so.Mapped[Comment | None] = so.relationship()
    report: so.Mapped[Report | None] = so.relationship()


def _plain(value: Any) -> Any:
    """JSON-friendly values for before/after snapshots (enums by value, dates as ISO)."""
    if hasattr(value, "value") and not isinstance(value, (int, float, str)):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _new_event(
    actor: User | None,
    action: str,
    *,
    idea: Idea | None,
    group: IdeaGroup | None,
    comment: Comment | None,
    report: Report | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    note: str,
) -> ModerationEvent:
    if action not in ACTION_LABELS:
        raise ValueError(f"no label for the audit action {action!r}")
    return ModerationEvent(
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


def _queue_for_author(event: ModerationEvent) -> None:
    if event.idea is not None and is_author_visible(event.action):
        db.session.info.setdefault(AUTHOR_EVENTS, []).append(event)


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
    Decisions on an idea (`idea.*` actions) are queued on the session under `AUTHOR_EVENTS`;
    the notifications tell the author once the unit of work commits. An action without words
    in `decisions.ACTION_LABELS` is refused, so the log never shows a code.
    """
    event = _new_event(actor, action, idea=idea, group=group, comment=comment, report=report,
                       before=before, after=after, note=note)
    db.session.add(event)
    _queue_for_author(event)
    return event


def record_event_now(
    actor: User | None,
    action: str,
    *,
    idea: Idea,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> ModerationEvent:
    """`record_event` for an idea already stored with `direct_insert.insert_now` (a new
    submission): the entry is written at once the same way, and queued for the author alike."""
    event = _new_event(actor, action, idea=idea, group=None, comment=None, report=None,
                       before=before, after=after, note=note)
    insert_now(db.session, event)
    _queue_for_author(event)
    return event


# Authors hear back -----------------------------------------------------------


def _author_visible() -> sa.ColumnElement[bool]:
    return ModerationEvent.action.startswith("idea.")


def decisions_for_author(idea_ids: Iterable[int]) -> dict[int, list[ModerationEvent]]:
    """Decisions on each idea that its author sees, oldest first (one query for all ideas)."""
    ids = list(dict.fromkeys(idea_ids))
    found: dict[int, list[ModerationEvent]] = {idea_id: [] for idea_id in ids}
    if not ids:
        return found
    events = db.session.scalars(
        sa.select(ModerationEvent)
        .where(ModerationEvent.idea_id.in_(ids), _author_visible())
        .order_by(ModerationEvent.created_at, ModerationEvent.id)
    )
    for event in events:
        assert event.idea_id is not None  # selected by idea_id
        found[event.idea_id].append(event)
    return found


def unseen_decision_count(user_id: int) -> int:
    """How many decisions on the user's ideas, made by someone else, they have not yet seen
    (on "My ideas"): one aggregate query, for the navigation's badge."""
    return db.session.scalar(
        sa.select(sa.func.count(ModerationEvent.id))
        .join(ModerationEvent.idea)
        .where(
            Idea.author_id == user_id,
            ModerationEvent.author_seen_at.is_(None),
            _author_visible(),
            sa.or_(ModerationEvent.actor_id.is_(None), ModerationEvent.actor_id != user_id),
        )
    ) or 0
