"""Audit-log entries in words: who did what to what, and each changed field as people say it.

Entries keep ids (of people, ideas, themes, categories, quarters) in their before/after
snapshots; `names_wanted` lists them for a page of entries, the caller looks them all up at once
(see moderation.queries.log_names), and `log_entry` turns each entry into names and sentences.
Values no reader needs (coordinates, a boundary's box, link ids) are summed up, never dumped.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_date, ngettext
from flask_babel import lazy_gettext as _l

from myalmaty.core.permissions import Role
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.decisions import event_label, field_label, value_label

# Free text is cut to about this many characters in the log (the idea's page has it whole).
SHORT_TEXT = 100
# Lists of ideas name this many and count the rest.
LISTED_IDEAS = 5

TEXT_FIELDS = frozenset({
    "title", "summary", "description", "first_step", "public_answer", "group_title",
    "rationale", "hidden_reason",
})
DATE_FIELDS = frozenset({"published_at", "dissolved_at"})
IDEA_LIST_FIELDS = frozenset({"idea_ids", "skipped_idea_ids"})
# Fields said elsewhere in the entry: the target it names, or another row standing for them.
UNSHOWN_FIELDS = frozenset({"user_id", "link_id", "lon"})
# The kind of name each id field refers to, for `Names`.
ID_FIELDS = {
    "user_id": "users",
    "duplicate_of_id": "ideas",
    "group_id": "themes",
    "category_id": "categories",
    "quarter_id": "quarters",
}


@dataclass
class Names:
    """Names by id for one page of entries, found with one query per kind."""

    users: dict[int, str] = field(default_factory=dict)
    ideas: dict[int, str] = field(default_factory=dict)
    themes: dict[int, str] = field(default_factory=dict)
    categories: dict[int, str] = field(default_factory=dict)
    quarters: dict[int, str] = field(default_factory=dict)

    def of(self, kind: str, key: Any) -> str:
        found: dict[int, str] = getattr(self, kind)
        return found.get(key) or str(_l("(no longer exists)"))


@dataclass(frozen=True)
class Change:
    name: str
    before: str  # empty when the field had no earlier value worth saying
    after: str


@dataclass(frozen=True)
class LogEntry:
    event: ModerationEvent
    action: str
    subject: str  # the person or quarter acted on, when that is not an idea or a theme
    changes: list[Change]


def _ids(value: Any) -> list[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, int)]
    return []


def names_wanted(events: Iterable[ModerationEvent]) -> dict[str, set[int]]:
    """The ids of each kind that the entries' snapshots mention."""
    wanted: dict[str, set[int]] = {kind: set() for kind in ("users", *ID_FIELDS.values())}
    for event in events:
        for snapshot in (event.before or {}, event.after or {}):
            for name, value in snapshot.items():
                if name in ID_FIELDS:
                    wanted[ID_FIELDS[name]].update(_ids(value))
                elif name in IDEA_LIST_FIELDS:
                    wanted["ideas"].update(_ids(value))
    return wanted


def shorten(text: str, width: int = SHORT_TEXT) -> str:
    """Free text cut at a word boundary, with an ellipsis when something was left out."""
    return textwrap.shorten(text, width=width, placeholder=" …") or text[:width] + "…"


def _idea_list(value: Any, names: Names) -> str:
    ids = _ids(value)
    if not ids:
        return "—"
    shown = ", ".join(names.of("ideas", i) for i in ids[:LISTED_IDEAS])
    rest = len(ids) - LISTED_IDEAS
    if rest > 0:
        shown += " " + ngettext("and %(num)d more", "and %(num)d more", rest)
    return shown


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _value(name: str, value: Any, event: ModerationEvent, names: Names) -> str:
    if _empty(value):
        return "—"
    if name in ID_FIELDS:
        return names.of(ID_FIELDS[name], value)
    if name in IDEA_LIST_FIELDS:
        return _idea_list(value, names)
    if name in ("reports_closed", "open_reports"):
        count = len(value) if isinstance(value, list) else int(value)
        return ngettext("%(num)d report", "%(num)d reports", count)
    if name in DATE_FIELDS and isinstance(value, str):
        try:
            return format_date(dt.datetime.fromisoformat(value))
        except ValueError:
            return "—"
    if name == "role":
        try:
            return Role(value).label
        except ValueError:
            return "—"
    if name == "active":
        return str(_l("Yes") if value else _l("No"))
    if name == "original_support_count":
        return ngettext("%(num)d supporter", "%(num)d supporters", int(value))
    if name in ("joined", "left"):
        return ngettext("%(num)d idea", "%(num)d ideas", int(value))
    text = value_label(name, value, event.action)
    return shorten(text) if name in TEXT_FIELDS else text


def _summed_up(name: str, before: Any, after: Any) -> Change:
    """Rows for fields whose values mean nothing to a reader: only that they changed."""
    if name == "bbox":
        said = _l("boundary changed") if before else _l("boundary drawn")
    elif name == "photo_key":
        said = _l("photo replaced") if before and after else (
            _l("photo added") if after else _l("photo removed"))
    else:  # lat (and lon, not shown apart)
        said = _l("moved") if before else _l("placed")
    return Change(field_label(name), "", str(said))


def changes(event: ModerationEvent, names: Names) -> list[Change]:
    """(field, before, after) in words, in the order the entry stored them."""
    before, after = event.before or {}, event.after or {}
    fields = [n for n in dict.fromkeys([*before, *after]) if n not in UNSHOWN_FIELDS]
    if event.action == "quarter.boundary":
        fields = [n for n in fields if n != "quarter_id"]
    if "group_title" in fields:  # the theme's title at the time says it better than its id
        fields = [n for n in fields if n != "group_id"]
    rows = []
    for name in fields:
        old, new = before.get(name), after.get(name)
        if name in ("bbox", "photo_key", "lat"):
            if old or new:
                rows.append(_summed_up(name, old, new))
            continue
        if name in ("joined", "left") and not new:
            continue
        rows.append(Change(
            field_label(name),
            "" if _empty(old) else _value(name, old, event, names),
            _value(name, new, event, names),
        ))
    return rows


def _subject(event: ModerationEvent, names: Names) -> str:
    snapshot = {**(event.before or {}), **(event.after or {})}
    if event.action.startswith("user.") and "user_id" in snapshot:
        return names.of("users", snapshot["user_id"])
    if event.action.startswith("quarter.") and "quarter_id" in snapshot:
        return names.of("quarters", snapshot["quarter_id"])
    return ""


def log_entry(event: ModerationEvent, names: Names) -> LogEntry:
    return LogEntry(event, event_label(event), _subject(event, names), changes(event, names))
