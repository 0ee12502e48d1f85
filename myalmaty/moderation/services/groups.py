"""Themes (groups): create, edit, add and remove published ideas, stage and answer, dissolve and
restore. An idea sits in at most one theme (Idea.group_id); moving it is explicit and logged.
Dissolving keeps the theme row and logs which ideas it held, so that it can be undone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from myalmaty.core.errors import DomainError, FieldError
from myalmaty.core.models import utcnow
from myalmaty.domain.audit import ModerationEvent, record_event
from myalmaty.domain.ideas import Idea, IdeaStage, IdeaStatus
from myalmaty.domain.themes import IdeaGroup
from myalmaty.extensions import db
from myalmaty.moderation.services.common import (
    NOTHING_CHANGED,
    check_group_version,
    check_idea_version,
    flush,
    require_active_group,
    require_moderator,
    require_status,
)

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User

ONLY_PUBLISHED_IN_THEMES = _l("Only published ideas go into themes; “%(title)s” is: %(status)s.")


def _clean_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise FieldError("title", _l("A theme needs a title."))
    return title


def create_group(actor: User, *, title: str, summary: str = "",
                 key_words: list[str] | None = None) -> IdeaGroup:
    """`key_words`: those of the suggested theme it is made from, kept in the log."""
    require_moderator(actor)
    group = IdeaGroup(title=_clean_title(title), summary=summary.strip(), created_by=actor)
    db.session.add(group)
    flush()
    after = {"title": group.title, "summary": group.summary}
    if key_words:
        after["key_words"] = ", ".join(key_words)
    record_event(actor, "group.create", group=group, after=after)
    flush()
    return group


def update_group(
    actor: User, group: IdeaGroup, *, version: int | None, title: str, summary: str
) -> ModerationEvent:
    """Rename or summarise; the event keeps the old title and summary."""
    require_moderator(actor)
    check_group_version(group, version)
    require_active_group(group)
    wanted = {"title": _clean_title(title), "summary": summary.strip()}
    before = {k: getattr(group, k) for k, v in wanted.items() if getattr(group, k) != v}
    if not before:
        raise DomainError(NOTHING_CHANGED)
    group.title, group.summary = wanted["title"], wanted["summary"]
    event = record_event(actor, "group.update", group=group, before=before,
                         after={k: wanted[k] for k in before})
    flush()
    return event


def add_idea_to_group(
    actor: User, group: IdeaGroup, idea: Idea, *, version: int | None, move: bool = False
) -> ModerationEvent | None:
    """Put a published idea into the theme. Nothing happens if it is there already; an idea in
    another theme moves only when `move` is given (the move is logged with both themes)."""
    require_moderator(actor)
    check_idea_version(idea, version)
    require_active_group(group)
    require_status(idea, [IdeaStatus.PUBLISHED], ONLY_PUBLISHED_IN_THEMES)
    if idea.group_id == group.id:
        return None
    previous = idea.group
    if previous is not None and not move:
        raise DomainError(
            _l("“%(title)s” is already in the theme “%(theme)s”. Choose “move it from its "
               "current theme” to move it."),
            title=idea.title, theme=previous.title,
        )
    action = "idea.group_move" if previous is not None else "idea.group_add"
    event = record_event(
        actor, action, idea=idea, group=group,
        before={"group_id": previous.id if previous else None,
                **({"group_title": previous.title} if previous else {})},
        after={"group_id": group.id, "group_title": group.title},
    )
    idea.group = group
    flush()
    return event


def remove_idea_from_group(
    actor: User, group: IdeaGroup, idea: Idea, *, version: int | None
) -> ModerationEvent:
    require_moderator(actor)
    check_idea_version(idea, version)
    if idea.group_id != group.id:
        raise DomainError(_l("“%(title)s” is not in the theme “%(theme)s”."),
                          title=idea.title, theme=group.title)
    event = record_event(actor, "idea.group_remove", idea=idea, group=group,
                         before={"group_id": group.id, "group_title": group.title},
                         after={"group_id": None})
    idea.group = None
    flush()
    return event


def answer_group(
    actor: User, group: IdeaGroup, *, version: int | None, stage: IdeaStage, answer: str
) -> list[ModerationEvent]:
    require_moderator(actor)
    check_group_version(group, version)
    require_active_group(group)
    answer = answer.strip()
    events = []
    if stage is not group.stage:
        events.append(record_event(actor, "group.stage", group=group,
                                   before={"stage": group.stage}, after={"stage": stage}))
        group.stage = stage
    if answer != group.public_answer:
        events.append(record_event(actor, "group.answer", group=group,
                                   before={"public_answer": group.public_answer},
                                   after={"public_answer": answer}))
        group.public_answer = answer
        group.answered_at = utcnow() if answer else None
    if not events:
        raise DomainError(NOTHING_CHANGED)
    flush()
    return events


def dissolve_group(actor: User, group: IdeaGroup, *, version: int | None, note: str = "") -> ModerationEvent:
    """Ideas leave the theme and stay as they are; the event keeps their ids for the undo."""
    require_moderator(actor)
    check_group_version(group, version)
    require_active_group(group)
    members = list(db.session.scalars(
        sa.select(Idea).where(Idea.group_id == group.id).order_by(Idea.id)
    ))
    for idea in members:
        idea.group = None
    group.dissolved_at = utcnow()
    event = record_event(
        actor, "group.dissolve", group=group,
        before={"idea_ids": [idea.id for idea in members], "dissolved_at": None},
        after={"idea_ids": [], "dissolved_at": group.dissolved_at},
        note=note.strip(),
    )
    flush()
    return event


@dataclass
class Restored:
    event: ModerationEvent
    restored: list[int] = field(default_factory=list)
    # Ideas that could not come back: no longer published, or now in another theme.
    skipped: list[int] = field(default_factory=list)


def restore_group(actor: User, group: IdeaGroup, *, version: int | None) -> Restored:
    """Undo a dissolution: the theme is active again with the ideas it held, where they can be."""
    require_moderator(actor)
    check_group_version(group, version)
    if group.is_active:
        raise DomainError(_l("The theme “%(title)s” is not dissolved."), title=group.title)
    dissolved = db.session.scalar(
        sa.select(ModerationEvent)
        .where(ModerationEvent.group_id == group.id, ModerationEvent.action == "group.dissolve")
        .order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
        .limit(1)
    )
    held = list(dissolved.before.get("idea_ids", [])) if dissolved is not None else []
    ideas = (list(db.session.scalars(sa.select(Idea).where(Idea.id.in_(held)).order_by(Idea.id)))
             if held else [])
    restored: list[int] = []
    skipped: list[int] = []
    for idea in ideas:
        if idea.status is IdeaStatus.PUBLISHED and idea.group_id is None:
            idea.group = group
            restored.append(idea.id)
        else:
            skipped.append(idea.id)
    skipped += sorted(set(held) - set(restored) - set(skipped))
    previous = group.dissolved_at
    group.dissolved_at = None
    event = record_event(
        actor, "group.restore", group=group,
        before={"dissolved_at": previous, "idea_ids": []},
        after={"dissolved_at": None, "idea_ids": restored, "skipped_idea_ids": skipped},
    )
    flush()
    return Restored(event, restored, skipped)
