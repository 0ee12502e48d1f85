"""Duplicates: an idea marked as a duplicate of a published one, and the undo.

Nothing moves and nothing is deleted: the duplicate keeps its supports, comments and author and
points at its original (`duplicate_of_id`). Support counts are recomputed from the Support rows
(domain.counts defines them):

* the original's `support_count` is the number of DISTINCT residents supporting the original or
  any of its duplicates (someone who supported both counts once);
* a duplicate's `support_count` stays the number of its own supporters, so its page reads
  truthfully and undo needs no arithmetic.

Chains are refused: an original must be published (so not itself a duplicate), and an idea that
has duplicates of its own cannot become one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from myalmaty.core.errors import DomainError, FieldError
from myalmaty.core.models import utcnow
from myalmaty.domain.audit import ModerationEvent, record_event
from myalmaty.domain.counts import recount
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.extensions import db
from myalmaty.moderation.services.common import (
    check_idea_version,
    flush,
    require_moderator,
    require_status,
)

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User


def has_duplicates(idea: Idea) -> bool:
    return db.session.scalar(
        sa.select(sa.exists().where(Idea.duplicate_of_id == idea.id,
                                    Idea.status == IdeaStatus.DUPLICATE))
    ) or False


def mark_duplicate(
    actor: User, idea: Idea, original: Idea, *, version: int | None, note: str = ""
) -> ModerationEvent:
    require_moderator(actor)
    check_idea_version(idea, version)
    require_status(idea, [IdeaStatus.PENDING, IdeaStatus.PUBLISHED],
                   _l("Only an idea awaiting moderation or published can be marked as a "
                      "duplicate; “%(title)s” is: %(status)s."))
    if original.id == idea.id:
        raise FieldError("original", _l("An idea cannot be a duplicate of itself."))
    if original.status is IdeaStatus.DUPLICATE:
        raise DomainError(
            _l("“%(title)s” is itself a duplicate; choose the idea it duplicates (number "
               "%(id)s) as the original."),
            title=original.title, id=original.duplicate_of_id,
        )
    require_status(original, [IdeaStatus.PUBLISHED],
                   _l("The original must be a published idea; “%(title)s” is: %(status)s."))
    if has_duplicates(idea):
        raise DomainError(
            _l("Other ideas are marked as duplicates of “%(title)s”. Mark them against the "
               "other idea first, so that no idea is a duplicate of a duplicate."),
            title=idea.title,
        )
    before = {"status": idea.status, "duplicate_of_id": None, "published_at": idea.published_at,
              "original_support_count": original.support_count}
    idea.status = IdeaStatus.DUPLICATE
    idea.duplicate_of = original
    # A duplicate stays reachable (it points to its original), so it counts as shown from now.
    idea.published_at = idea.published_at or utcnow()
    flush()
    recount(original)
    event = record_event(
        actor, "idea.duplicate", idea=idea,
        before=before,
        after={"status": IdeaStatus.DUPLICATE, "duplicate_of_id": original.id,
               "published_at": idea.published_at,
               "original_support_count": original.support_count},
        note=note.strip(),
    )
    flush()
    return event


def _last_duplicate_event(idea: Idea) -> ModerationEvent | None:
    return db.session.scalar(
        sa.select(ModerationEvent)
        .where(ModerationEvent.idea_id == idea.id, ModerationEvent.action == "idea.duplicate")
        .order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
        .limit(1)
    )


def undo_duplicate(actor: User, idea: Idea, *, version: int | None, note: str = "") -> ModerationEvent:
    """The idea goes back to the status it had (from the log), both counts recomputed."""
    require_moderator(actor)
    check_idea_version(idea, version)
    require_status(idea, [IdeaStatus.DUPLICATE],
                   _l("“%(title)s” is not marked as a duplicate (it is: %(status)s)."))
    original = idea.duplicate_of
    assert original is not None  # a duplicate always names its original (a check constraint)
    marked = _last_duplicate_event(idea)
    previous = dict(marked.before) if marked is not None else {}
    status = IdeaStatus(previous.get("status", IdeaStatus.PUBLISHED.value))
    idea.status = status
    idea.duplicate_of = None
    if status is IdeaStatus.PENDING and previous.get("published_at") is None:
        idea.published_at = None
    flush()
    recount(original, idea)
    event = record_event(
        actor, "idea.unduplicate", idea=idea,
        before={"status": IdeaStatus.DUPLICATE, "duplicate_of_id": original.id},
        after={"status": status, "duplicate_of_id": None,
               "original_support_count": original.support_count},
        note=note.strip(),
    )
    flush()
    return event
