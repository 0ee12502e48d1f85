"""The history of an idea as its author reads it: audit-log entries in plain words.

Actions are the dotted names given to `record_event`. Unknown ones (a moderation step added
later) still read sensibly: a generic label, plus the change of status or stage they record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from myalmaty.ideas.models import IdeaStage, IdeaStatus, RejectionReason
from myalmaty.moderation.models import ModerationEvent

ACTION_LABELS = {
    "idea.submit": _l("You submitted the idea"),
    "idea.edit": _l("You edited the idea"),
    "idea.withdraw": _l("You withdrew the idea"),
    "idea.publish": _l("Published by a moderator"),
    "idea.reject": _l("Rejected by a moderator"),
    "idea.hide": _l("Hidden by a moderator"),
    "idea.unhide": _l("Shown again by a moderator"),
    "idea.restore": _l("Shown again by a moderator"),
    "idea.auto_hide": _l("Hidden after several reports, until a moderator reviews it"),
    "idea.duplicate": _l("Marked as a duplicate of another idea"),
    "idea.mark_duplicate": _l("Marked as a duplicate of another idea"),
    "idea.unmark_duplicate": _l("No longer marked as a duplicate"),
    "idea.fix": _l("Corrected by a moderator"),
    "idea.correct": _l("Corrected by a moderator"),
    "idea.moderator_edit": _l("Corrected by a moderator"),
    "idea.answer": _l("Moderators answered"),
    "idea.stage": _l("Stage changed"),
    "idea.group": _l("Added to a theme"),
    "idea.ungroup": _l("Taken out of a theme"),
    "idea.link": _l("Linked to a forum recommendation"),
    "idea.unlink": _l("No longer linked to a forum recommendation"),
    "idea.agenda": _l("Put on a forum's agenda"),
    "group.add_idea": _l("Added to a theme"),
    "group.remove_idea": _l("Taken out of a theme"),
}
OTHER_ACTION = _l("Moderation decision")


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    label: str
    status_change: tuple[str, str] | None
    stage_change: tuple[str, str] | None
    reason: str
    new: bool


def _labelled(enum_cls: type, value: object) -> str:
    try:
        return enum_cls(value).label
    except ValueError:
        return str(value)


def _change(enum_cls: type, event: ModerationEvent, key: str) -> tuple[str, str] | None:
    before, after = (event.before or {}).get(key), (event.after or {}).get(key)
    if after is None or before == after or before is None:
        return None
    return _labelled(enum_cls, before), _labelled(enum_cls, after)


def history_entry(event: ModerationEvent) -> HistoryEntry:
    reason = (event.after or {}).get("rejection_reason")
    return HistoryEntry(
        when=event.created_at,
        label=str(ACTION_LABELS.get(event.action, OTHER_ACTION)),
        status_change=_change(IdeaStatus, event, "status"),
        stage_change=_change(IdeaStage, event, "stage"),
        reason=_labelled(RejectionReason, reason) if reason else "",
        new=event.author_seen_at is None,
    )
