"""When simulated things happened, and the audit entries for the decisions taken then."""

from __future__ import annotations

import datetime as dt
from typing import Any

from myalmaty.domain.accounts import User
from myalmaty.domain.audit import ModerationEvent, record_event

# Authors have seen the notices of decisions older than this; newer ones wait for their next visit.
NOTICES_SEEN_AFTER = dt.timedelta(days=7)


def between(start: dt.datetime, end: dt.datetime, fraction: float) -> dt.datetime:
    return start + (end - start) * fraction


def implied(moment: dt.datetime | None, what: str) -> dt.datetime:
    """A date that a thing's state implies (a hidden idea was published first); demo data that
    asks for the state without giving the date is refused."""
    if moment is None:
        raise ValueError(f"demo data: {what}")
    return moment


def log_decision(
    now: dt.datetime, actor: User, action: str, at: dt.datetime, **fields: Any
) -> ModerationEvent:
    """`record_event`, dated when the simulated decision was taken."""
    event = record_event(actor, action, **fields)
    event.created_at = at
    if now - at > NOTICES_SEEN_AFTER:
        event.author_seen_at = at + dt.timedelta(days=1)
    return event
