"""Reading the decisions waiting to be told (`domain.jobs.PendingNotification`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.ideas import Idea
from myalmaty.domain.jobs import PendingNotification
from myalmaty.extensions import db


def open_windows(recipient_ids: Iterable[int], now: dt.datetime) -> dict[int, dt.datetime]:
    """{recipient: when their waiting decisions go out}, for those with a window still open."""
    ids = list(set(recipient_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(PendingNotification.recipient_id, sa.func.max(PendingNotification.due_at))
        .where(PendingNotification.recipient_id.in_(ids), PendingNotification.sent_at.is_(None),
               PendingNotification.due_at > now)
        .group_by(PendingNotification.recipient_id)
    )
    return {row[0]: row[1] for row in rows}


def due_notifications(now: dt.datetime) -> list[PendingNotification]:
    """Unsent notifications whose window has closed, each person's together, oldest decision
    first; rows another worker is sending right now are skipped (PostgreSQL's SKIP LOCKED)."""
    return list(db.session.scalars(
        sa.select(PendingNotification)
        .where(PendingNotification.sent_at.is_(None), PendingNotification.due_at <= now)
        .order_by(PendingNotification.recipient_id, PendingNotification.event_id)
        .options(so.joinedload(PendingNotification.recipient),
                 so.joinedload(PendingNotification.event).joinedload(ModerationEvent.idea)
                 .joinedload(Idea.duplicate_of))
        .with_for_update(skip_locked=True, of=PendingNotification)
    ).unique())
