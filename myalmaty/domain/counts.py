"""The counters stored on an idea: each is defined once, here, as SQL, and written only here.

* `support_count`: the distinct people supporting the idea or any idea marked as its duplicate
  (someone who supported both counts once). A duplicate has no duplicates of its own (chains are
  refused), so for a duplicate this reads as its own supporters.
* `comment_count`: the idea's own comments people can read (not hidden).

The counts are stored so that lists can sort on them; nothing adds or subtracts. Every path that
changes supports, comments or duplicate marks calls `recount`, which recomputes both counts of
the ideas concerned from the rows. The ideas are locked first (`FOR NO KEY UPDATE` on
PostgreSQL), so a recount that runs after another one's commit sees that one's rows: two people
supporting at once both count. It is a lock that inserting a Support or a Comment (whose foreign
key takes `KEY SHARE` on the idea) does not wait for, so the order of insert and lock cannot
deadlock. The UPDATE goes through the table, not the ORM: a support must not bump the idea's
optimistic-lock `version` and make a moderator's open form stale. It sets `updated_at`, which
the API's cache validators read, and only when a count really changes.
"""

from __future__ import annotations

from typing import NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.core.models import utcnow
from myalmaty.domain.ideas import Comment, CommentStatus, Idea, IdeaStatus, Support
from myalmaty.extensions import db

# A mapped class's table is a Table; SQLAlchemy types `__table__` as any FromClause.
ideas_table = cast(sa.Table, Idea.__table__)
COUNTS = ("support_count", "comment_count")


def supporters(idea_id: sa.ColumnElement[int]) -> sa.ScalarSelect[int]:
    """The definition of `support_count`, for the idea whose id is `idea_id` (a column)."""
    supported = so.aliased(Idea)
    return (
        sa.select(sa.func.count(sa.distinct(Support.user_id)))
        .join(supported, supported.id == Support.idea_id)
        .where(sa.or_(
            supported.id == idea_id,
            sa.and_(supported.duplicate_of_id == idea_id,
                    supported.status == IdeaStatus.DUPLICATE),
        ))
        .scalar_subquery()
    )


def visible_comments(idea_id: sa.ColumnElement[int]) -> sa.ScalarSelect[int]:
    """The definition of `comment_count`, for the idea whose id is `idea_id` (a column)."""
    return (
        sa.select(sa.func.count(Comment.id))
        .where(Comment.idea_id == idea_id, Comment.status == CommentStatus.VISIBLE)
        .scalar_subquery()
    )


def recount(*ideas: Idea) -> None:
    """Recompute the stored counts of these ideas and of the originals they duplicate.

    Pending ORM changes are flushed first (a new duplicate mark changes its original's count).
    """
    db.session.flush()
    ids = {idea.id for idea in ideas} | {
        idea.duplicate_of_id for idea in ideas if idea.duplicate_of_id is not None
    }
    if not ids:
        return
    db.session.execute(
        sa.select(ideas_table.c.id)
        .where(ideas_table.c.id.in_(ids))
        .order_by(ideas_table.c.id)
        .with_for_update(key_share=True)
    )
    row = ideas_table.c
    support, comments = supporters(row.id), visible_comments(row.id)
    db.session.execute(
        sa.update(ideas_table)
        .where(row.id.in_(ids), sa.or_(row.support_count != support,
                                       row.comment_count != comments))
        .values(support_count=support, comment_count=comments,
                updated_at=utcnow())
    )
    for idea_id in ids:
        loaded = db.session.identity_map.get(so.util.identity_key(Idea, idea_id))
        if loaded is not None:
            db.session.expire(loaded, [*COUNTS, "updated_at"])


class Drift(NamedTuple):
    """An idea whose stored count differs from its definition (there should be none)."""

    idea_id: int
    support_count: int
    supporters: int
    comment_count: int
    visible_comments: int


def drifts() -> list[Drift]:
    """Every idea whose stored counts are not what they are defined as."""
    row = ideas_table.c
    support, comments = supporters(row.id), visible_comments(row.id)
    found = db.session.execute(
        sa.select(row.id, row.support_count, support, row.comment_count, comments)
        .where(sa.or_(row.support_count != support, row.comment_count != comments))
        .order_by(row.id)
    )
    return [Drift(*values) for values in found]
