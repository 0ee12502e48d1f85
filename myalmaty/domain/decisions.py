"""Moderation events in words: for the audit log, the author's "My ideas" page and e-mails.

`action_label(action)` names an action (for the log's filter), `event_label(event)` names one
entry, with the author's own steps labelled as theirs; `describe_decision(event)` says what it
meant for the idea, in the current language (inside `force_locale` for e-mails). The audit
log's changed fields, with names for ids, are `audit_text`'s job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from myalmaty.core.i18n import current_locale
from myalmaty.domain.ideas import CommentStatus, IdeaStage, IdeaStatus, RejectionReason

if TYPE_CHECKING:
    from myalmaty.domain.audit import ModerationEvent


# Every action `record_event` may write, named for the log's filter; `record_event` refuses
# any other, so an action cannot reach the log without words for it.
ACTION_LABELS = {
    "idea.submit": _l("Idea submitted"),
    "idea.withdraw": _l("Idea withdrawn by the author"),
    "idea.publish": _l("Published"),
    "idea.reject": _l("Rejected"),
    "idea.edit": _l("Idea edited"),
    "idea.duplicate": _l("Marked as a duplicate"),
    "idea.unduplicate": _l("No longer marked as a duplicate"),
    "idea.stage": _l("Stage changed"),
    "idea.answer": _l("Public answer"),
    "idea.group_add": _l("Added to a theme"),
    "idea.group_move": _l("Moved to another theme"),
    "idea.group_remove": _l("Removed from a theme"),
    "idea.link": _l("Linked to a forum recommendation"),
    "idea.unlink": _l("Unlinked from a forum recommendation"),
    "idea.hide": _l("Hidden"),
    "idea.restore": _l("Restored"),
    "idea.auto_hide": _l("Hidden after reports, until a moderator reviews it"),
    "idea.resubmit": _l("Sent back for review by its author"),
    "comment.hide": _l("Comment hidden"),
    "comment.restore": _l("Comment restored"),
    "report.dismiss": _l("Reports dismissed"),
    "group.create": _l("Theme created"),
    "group.update": _l("Theme edited"),
    "group.stage": _l("Theme stage changed"),
    "group.answer": _l("Theme public answer"),
    "group.link": _l("Theme linked to a forum recommendation"),
    "group.unlink": _l("Theme unlinked from a forum recommendation"),
    "group.dissolve": _l("Theme dissolved"),
    "group.restore": _l("Theme restored"),
    "suggestion.dismiss": _l("Suggested theme dismissed"),
    "user.role": _l("Role changed"),
    "user.active": _l("Account deactivated or activated"),
    "quarter.boundary": _l("Quarter boundary set"),
}

# The author's own steps, as others read them (the author reads "You …", see ideas.history).
BY_AUTHOR_LABELS = {
    "idea.submit": _l("The author submitted the idea"),
    "idea.edit": _l("The author edited the idea"),
    "idea.withdraw": _l("The author withdrew the idea"),
    "idea.resubmit": _l("The author sent the idea back for review"),
}
# The same actions taken by someone else.
BY_OTHERS_LABELS = {
    "idea.edit": _l("Corrected by a moderator"),
}

# Moderators' decisions proper, and their undoing: what a person who chose "decisions only"
# still hears about (stages, answers, themes and links are the rest of "everything").
DECISION_ACTIONS = frozenset({
    "idea.publish", "idea.reject", "idea.edit", "idea.duplicate", "idea.unduplicate",
    "idea.hide", "idea.restore", "idea.auto_hide",
})

FIELD_LABELS = {
    "status": _l("Status"),
    "stage": _l("Stage"),
    "rejection_reason": _l("Reason"),
    "title": _l("Title"),
    "summary": _l("Summary"),
    "description": _l("Description"),
    "first_step": _l("First small step"),
    "category_id": _l("Category"),
    "quarter_id": _l("Quarter"),
    "public_answer": _l("Public answer"),
    "duplicate_of_id": _l("Duplicate of idea"),
    "group_id": _l("Theme"),
    "group_title": _l("Theme title"),
    "recommendation_id": _l("Recommendation"),
    "rationale": _l("Rationale"),
    "idea_ids": _l("Ideas"),
    "key_words": _l("Key words of the suggested theme"),
    "skipped_idea_ids": _l("Ideas that could not return"),
    "reports_closed": _l("Reports closed"),
    "dissolved_at": _l("Dissolved"),
    "published_at": _l("Published on"),
    "original_support_count": _l("Supporters of the original"),
    "hidden_reason": _l("Reason for hiding"),
    "link_id": _l("Link to a recommendation"),
    "recommendation": _l("Recommendation"),
    "lat": _l("Place on the map"),
    "lon": _l("Place on the map"),
    "photo_key": _l("Photo"),
    "open_reports": _l("Open reports"),
    "role": _l("Role"),
    "active": _l("Can sign in"),
    "bbox": _l("Boundary"),
    "joined": _l("Ideas that joined the quarter"),
    "left": _l("Ideas that left the quarter"),
}

# Values stored in before/after that are enum members, shown by their translated label.
ENUM_FIELDS: dict[str, Any] = {
    "stage": IdeaStage,
    "rejection_reason": RejectionReason,
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else str(_l("Moderation decision"))


def by_author(event: ModerationEvent) -> bool:
    """Whether the idea's own author took this step (their idea is loaded with the event)."""
    idea = event.idea
    return idea is not None and event.actor_id is not None and event.actor_id == idea.author_id


def event_label(event: ModerationEvent) -> str:
    """The action's name for this entry: the author's own steps are labelled as theirs."""
    if event.action == "user.active":
        active = (event.after or {}).get("active")
        return str(_l("Account activated") if active else _l("Account deactivated"))
    labels = BY_AUTHOR_LABELS if by_author(event) else BY_OTHERS_LABELS
    label = labels.get(event.action)
    return str(label) if label is not None else action_label(event.action)


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else str(_l("Other detail"))


def field_labels(names: Any) -> str:
    """Changed fields named once each, in order (latitude and longitude are one place)."""
    return ", ".join(dict.fromkeys(field_label(name) for name in names))


def in_current_language(value: Any) -> str:
    """Snapshots keep translated titles as {"ru": ..., "kk": ..., "en": ...}."""
    if isinstance(value, dict):
        given = [v for v in value.values() if v]
        return str(value.get(current_locale()) or value.get("ru") or (given[0] if given else "—"))
    return "—" if value is None else str(value)


def value_label(name: str, value: Any, action: str = "") -> str:
    """A before/after value for people: enum labels translated, lists joined, empty as a dash
    (ids are named by `audit_text`, which looks them up for a whole page at once)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, dict):
        return in_current_language(value)
    if name == "status":
        enum = CommentStatus if action.startswith("comment.") else IdeaStatus
        return _enum_label(enum, value)
    if name in ENUM_FIELDS:
        return _enum_label(ENUM_FIELDS[name], value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _enum_label(enum: Any, value: Any) -> str:
    try:
        return enum(value).label
    except ValueError:
        return str(value)


def describe_decision(event: ModerationEvent) -> str:
    """One sentence saying what a decision meant for the idea (the note is shown apart)."""
    after, before = event.after or {}, event.before or {}
    action = event.action
    if action == "idea.publish":
        return _("Your idea was published.")
    if action == "idea.reject":
        return _("Your idea was not published. Reason: %(reason)s.",
                 reason=value_label("rejection_reason", after.get("rejection_reason")))
    if action == "idea.edit" and by_author(event):
        return _("You edited: %(fields)s.", fields=field_labels(after))
    if action == "idea.edit":
        return _("A moderator corrected: %(fields)s.", fields=field_labels(after))
    if action == "idea.duplicate":
        # Named when the idea is still that one's duplicate (the original is loaded with it).
        original = event.idea.duplicate_of if event.idea is not None else None
        if original is not None and original.id == after.get("duplicate_of_id"):
            return _("Marked as a duplicate of the idea “%(title)s” (%(reference)s); its "
                     "supporters are counted there.", title=original.title,
                     reference=original.reference)
        return _("Marked as a duplicate of idea number %(number)s; its supporters are counted "
                 "there.", number=after.get("duplicate_of_id"))
    if action == "idea.unduplicate":
        return _("No longer marked as a duplicate.")
    if action == "idea.stage":
        return _("Stage: %(stage)s.", stage=value_label("stage", after.get("stage")))
    if action == "idea.answer":
        return (_("Moderators answered: %(answer)s", answer=after["public_answer"])
                if after.get("public_answer") else _("The public answer was removed."))
    if action in ("idea.group_add", "idea.group_move"):
        return _("Added to the theme “%(theme)s”.", theme=after.get("group_title", ""))
    if action == "idea.group_remove":
        return _("Removed from the theme “%(theme)s”.", theme=before.get("group_title", ""))
    if action == "idea.link":
        return _("Linked to the forum recommendation “%(recommendation)s”.",
                 recommendation=in_current_language(after.get("recommendation")))
    if action == "idea.unlink":
        return _("No longer linked to the forum recommendation “%(recommendation)s”.",
                 recommendation=in_current_language(before.get("recommendation")))
    if action == "idea.hide":
        return _("Your idea was hidden from the public pages.")
    if action == "idea.restore":
        return _("Your idea is shown on the public pages again.")
    if action == "idea.auto_hide":
        return _("Several residents reported your idea, so it is hidden until a moderator "
                 "reviews it.")
    if action == "idea.submit":
        return _("Your idea was sent for review.")
    if action == "idea.resubmit":
        return _("Your idea was sent back for review.")
    if action == "idea.withdraw":
        return _("Your idea was withdrawn from review.")
    # A decision added later without its own sentence still reads as one to the author.
    return str(ACTION_LABELS.get(action, _l("Moderation decision")))


def is_author_visible(action: str) -> bool:
    """Decisions on an idea are told to its author; housekeeping on themes and reports is not."""
    return action.startswith("idea.")
