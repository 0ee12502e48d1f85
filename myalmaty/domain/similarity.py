"""Which published ideas changed, and when: what keeps every process's similarity index current.

Each process holds its own index of published ideas (`myalmaty.ideas.similarity`). A change
to an idea's text, point or status writes a mark here, in the same transaction, stamped with
the change marker (`domain.changes`) that the same flush has just bumped. The marker's row is
locked until commit, so marks are stamped in commit order: a process that has read marker N
brings its index up to date by reading the marks above the last marker it read.
"""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.dialects import postgresql, sqlite

from myalmaty.domain.changes import MARKER_ID, ContentVersion, was_or_is_published
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.extensions import Model

# What the index reads of an idea.
INDEXED = ("status", "title", "description", "lat", "lon")
_PENDING_KEY = "similarity_marks"


class IdeaIndexMark(Model):
    __tablename__ = "idea_index_marks"

    idea_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    version: so.Mapped[int] = so.mapped_column(sa.BigInteger, index=True)


_marks = cast(sa.Table, IdeaIndexMark.__table__)
_marker = cast(sa.Table, ContentVersion.__table__)


def _indexed_change(session: so.Session, idea: Idea, new: bool) -> bool:
    if new:
        return idea.status is IdeaStatus.PUBLISHED
    state = sa.inspect(idea)
    changed = [state.attrs[name].history for name in INDEXED
               if state.attrs[name].history.has_changes()]
    if not changed:
        return False
    return was_or_is_published(idea)


@sa.event.listens_for(so.Session, "before_flush")
def _note_changed_ideas(session: so.Session, _context: Any, _instances: Any) -> None:
    touched = [obj for obj in session.new if isinstance(obj, Idea)
               and _indexed_change(session, obj, new=True)]
    touched += [obj for obj in session.dirty if isinstance(obj, Idea)
                and _indexed_change(session, obj, new=False)]
    if touched:
        session.info.setdefault(_PENDING_KEY, []).extend(touched)


@sa.event.listens_for(so.Session, "after_flush")
def _write_marks(session: so.Session, _context: Any) -> None:
    touched = session.info.pop(_PENDING_KEY, None)
    if not touched:
        return
    connection = session.connection()
    version = connection.scalar(sa.select(_marker.c.version).where(_marker.c.id == MARKER_ID)) or 0
    rows = [{"idea_id": idea_id, "version": version}
            for idea_id in sorted({idea.id for idea in touched})]
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_marks)
    connection.execute(statement.on_conflict_do_update(
        index_elements=[_marks.c.idea_id], set_={"version": statement.excluded.version}), rows)
