"""What a resident does with their own idea: submit it, edit or withdraw it while it waits,
and send a withdrawn one back for review.

Plain functions: the acting user comes as an argument, rules are checked here (not only in the
routes), changes are flushed and never committed (the route commits once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from myalmaty.core.errors import Conflict, FieldError
from myalmaty.core.models import utcnow
from myalmaty.core.numbers import bounded_number
from myalmaty.core.permissions import PermissionDenied
from myalmaty.core.text import clean_line, clean_text
from myalmaty.domain.accounts import User
from myalmaty.domain.audit import ModerationEvent, record_event, record_event_now
from myalmaty.domain.direct_insert import insert_now
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.extensions import db
from myalmaty.ideas import policy, queries
from myalmaty.ideas.location import QUARTER_AUTO, resolve_location
from myalmaty.ideas.photos import PhotoStore, store_photo
from myalmaty.ideas.text import search_text

# Lengths shared with the forms (the forms say it first, these make sure).
TITLE_LENGTH = (5, 140)
DESCRIPTION_LENGTH = (20, 5000)
FIRST_STEP_LENGTH = (5, 1000)
# The fields an author may change and the audit log records.
EDITABLE = ("title", "description", "first_step", "category_id", "lat", "lon", "quarter_id",
            "photo_key")


@dataclass(frozen=True)
class IdeaDetails:
    """What the resident typed, as the form read it (coordinates already numbers)."""

    title: str
    description: str
    first_step: str
    category_id: int
    lat: float | None
    lon: float | None
    quarter_choice: str = QUARTER_AUTO


def _checked_text(field: str, text: str, length: tuple[int, int], line: bool = False) -> str:
    text = clean_line(text) if line else clean_text(text)
    low, high = length
    if not low <= len(text) <= high:
        raise FieldError(field, _l("Write between %(low)s and %(high)s characters."),
                         low=low, high=high)
    return text


def _checked(details: IdeaDetails, keep_category_id: int | None = None) -> dict:
    """Every field checked; the values to set. Nothing is changed if anything is refused."""
    title = _checked_text("title", details.title, TITLE_LENGTH, line=True)
    description = _checked_text("description", details.description, DESCRIPTION_LENGTH)
    first_step = _checked_text("first_step", details.first_step, FIRST_STEP_LENGTH)
    # An idea may keep a category archived since; new choices must be active ones.
    if details.category_id != keep_category_id and queries.active_category(
        details.category_id
    ) is None:
        raise FieldError("category", _l("Choose a category from the list."))
    quarter_id = bounded_number(details.quarter_choice)
    chosen = queries.quarter_by_id(quarter_id) if quarter_id is not None else None
    location = resolve_location(details.lat, details.lon, details.quarter_choice, chosen)
    return {
        "title": title,
        "description": description,
        "first_step": first_step,
        "category_id": details.category_id,
        "lat": location.lat,
        "lon": location.lon,
        "quarter": location.quarter,
        "search_text": search_text(title, description, first_step),
    }


def check_details(details: IdeaDetails) -> dict:
    """The idea form's rules (cleaning, lengths, an active category, a point in Almaty, the
    quarter), for ideas that reach the platform some other way (a filled paper template):
    the values to store, or a FieldError naming the field."""
    return _checked(details)


def _set(idea: Idea, values: dict) -> None:
    for name, value in values.items():
        setattr(idea, name, value)


def _snapshot(idea: Idea) -> dict:
    return {name: getattr(idea, name) for name in EDITABLE}


def submit_idea(
    author: User,
    details: IdeaDetails,
    *,
    locale: str,
    photo: IO[bytes] | None = None,
    store: PhotoStore | None = None,
) -> Idea:
    """A new idea, pending moderation. The photo is stored last, once all else is accepted."""
    if not author.is_authenticated or not author.is_active:
        raise PermissionDenied("resident")
    values = _checked(details)
    photo_key = store_photo(photo, store) if photo is not None and store is not None else None
    idea = Idea(author=author, status=IdeaStatus.PENDING, locale=locale, photo_key=photo_key)
    _set(idea, values)
    # The quarter's column too: the relationship would set it only when the row is written,
    # and the audit entry's snapshot, taken before, shows it.
    quarter = values["quarter"]
    idea.quarter_id = quarter.id if quarter is not None else None
    # One INSERT each, past the unit of work (whose bookkeeping cost more than the two
    # statements): a pending idea concerns none of the flush hooks (`domain.direct_insert`).
    snapshot = _snapshot(idea) | {"status": idea.status}
    insert_now(db.session, idea)
    record_event_now(author, "idea.submit", idea=idea, after=snapshot)
    return idea


def _require_changeable(author: User, idea: Idea, version: int | None) -> None:
    if not policy.is_author(author, idea):
        raise PermissionDenied("author")
    if idea.status is not IdeaStatus.PENDING:
        raise Conflict(_l("Only an idea that awaits moderation can be changed or withdrawn. "
                          "This one has been reviewed in the meantime."))
    if version is not None and version != idea.version:
        raise Conflict(_l("The idea was changed in the meantime (perhaps a moderator fixed a "
                          "typo). Reload the page to see the latest version."))


def edit_idea(
    author: User,
    idea: Idea,
    details: IdeaDetails,
    *,
    version: int | None,
    photo: IO[bytes] | None = None,
    remove_photo: bool = False,
    store: PhotoStore | None = None,
) -> Idea:
    """The author's changes to a pending idea, checked like a new one and logged.

    A replaced or removed photo's files stay on disk: nothing a resident sent is destroyed
    (the photo is simply no longer shown).
    """
    _require_changeable(author, idea, version)
    values = _checked(details, keep_category_id=idea.category_id)
    if photo is not None and store is not None:
        values["photo_key"] = store_photo(photo, store)
    elif remove_photo:
        values["photo_key"] = None
    before = _snapshot(idea)
    _set(idea, values)
    db.session.flush()
    after = _snapshot(idea)
    changed = [name for name in EDITABLE if before[name] != after[name]]
    if changed:
        record_event(author, "idea.edit", idea=idea,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return idea


def withdraw_idea(author: User, idea: Idea, *, version: int | None = None) -> Idea:
    """The author takes back a pending idea; it is kept (never deleted), just not reviewed."""
    _require_changeable(author, idea, version)
    idea.status = IdeaStatus.WITHDRAWN
    db.session.flush()
    record_event(author, "idea.withdraw", idea=idea,
                 before={"status": IdeaStatus.PENDING}, after={"status": IdeaStatus.WITHDRAWN})
    return idea


def resubmit_idea(author: User, idea: Idea, *, version: int | None = None) -> Idea:
    """The author sends a withdrawn idea back to the moderation queue, where it waits (and may
    be changed) as when it was first submitted. Only withdrawn ideas: a rejected or hidden
    one was a moderator's decision, not the author's to undo."""
    if not policy.is_author(author, idea):
        raise PermissionDenied("author")
    if not policy.can_resubmit(author, idea):
        raise Conflict(_l("Only a withdrawn idea can be sent back for review."))
    if version is not None and version != idea.version:
        raise Conflict(_l("The idea was changed in the meantime. Reload the page to see the "
                          "latest version."))
    idea.status = IdeaStatus.PENDING
    db.session.flush()
    record_event(author, "idea.resubmit", idea=idea,
                 before={"status": IdeaStatus.WITHDRAWN}, after={"status": IdeaStatus.PENDING})
    return idea


def mark_history_seen(author: User, ideas: list[Idea]) -> None:
    """The author has now seen every decision on these ideas."""
    ids = [idea.id for idea in ideas if idea.author_id == author.id]
    if not ids:
        return
    db.session.execute(
        sa.update(ModerationEvent)
        .where(ModerationEvent.idea_id.in_(ids), ModerationEvent.author_seen_at.is_(None))
        .values(author_seen_at=utcnow())
    )
