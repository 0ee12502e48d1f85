"""The history of an idea as its author reads it: audit-log entries in plain words.

The author's own steps (submit, edit, withdraw, resubmit) are named here; moderators' decisions are
described by the moderation feature's presenters, so the audit log, e-mails and this page say
the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.decisions import describe_decision

AUTHOR_ACTION_LABELS = {
    "idea.submit": _l("You submitted the idea"),
    "idea.edit": _l("You edited the idea"),
    "idea.withdraw": _l("You withdrew the idea"),
    "idea.resubmit": _l("You sent the idea back for review"),
}


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    label: str
    new: bool


def history_entry(event: ModerationEvent, author_id: int) -> HistoryEntry:
    by_author = event.actor_id == author_id and event.action in AUTHOR_ACTION_LABELS
    return HistoryEntry(
        when=event.created_at,
        label=str(AUTHOR_ACTION_LABELS[event.action]) if by_author else describe_decision(event),
        new=event.author_seen_at is None and not by_author,
    )
