"""One number that goes up whenever what the public API shows may have changed.

The API's ETags come from it, so a client's revalidation reads one row instead of an
aggregate over every idea. It is bumped inside the very transaction that makes the change
(ORM flushes and bulk statements alike), so a new marker is never seen before the change is.
"""

from __future__ import annotations

import secrets
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.reference import Category, Quarter
from myalmaty.extensions import Model

MARKER_ID = 1
# Tables whose rows the public API shows (ideas, and the names of their categories/quarters).
_SHOWN_TABLES = frozenset({"ideas", "categories", "quarters"})


class ContentVersion(Model):
    """A single row: `version` is the change marker."""

    __tablename__ = "content_version"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    version: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=1, server_default="1")


# A mapped class's table is a Table; SQLAlchemy types `__table__` as any FromClause.
_marker = cast(sa.Table, ContentVersion.__table__)


def _first_version() -> int:
    # A database made afresh starts from a number no earlier one is likely to have reached:
    # what a process keeps by version (counts, and ETags in browsers) cannot be taken for it.
    return secrets.randbelow(1 << 40)


@sa.event.listens_for(_marker, "after_create")
def _insert_the_row(target: Any, connection: sa.Connection, **_kw: Any) -> None:
    connection.execute(sa.insert(_marker).values(id=MARKER_ID, version=_first_version()))


def current_version(session: so.Session | so.scoped_session[Any]) -> int:
    return session.scalar(sa.select(_marker.c.version).where(_marker.c.id == MARKER_ID)) or 0


def _bump(connection: sa.Connection) -> None:
    result = connection.execute(
        sa.update(_marker).where(_marker.c.id == MARKER_ID).values(version=_marker.c.version + 1)
    )
    if not result.rowcount:
        # The row is made with the table; a database emptied table by table has lost it.
        connection.execute(sa.insert(_marker).values(id=MARKER_ID, version=_first_version()))


def _was_or_is_published(idea: Idea) -> bool:
    history = sa.inspect(idea).attrs.status.history
    return IdeaStatus.PUBLISHED in (*history.added, *history.unchanged, *history.deleted)


def _shows(session: so.Session, obj: object, new: bool) -> bool:
    if isinstance(obj, Idea):
        published = obj.status is IdeaStatus.PUBLISHED if new else _was_or_is_published(obj)
        return published and (new or session.is_modified(obj))
    # A new category or quarter shows nowhere until an idea is in it; renaming one shows.
    return isinstance(obj, (Category, Quarter)) and not new and session.is_modified(obj)


@sa.event.listens_for(so.Session, "before_flush")
def _bump_on_flush(session: so.Session, _context: Any, _instances: Any) -> None:
    changed = any(_shows(session, obj, new=True) for obj in session.new) or any(
        _shows(session, obj, new=False) for obj in (*session.dirty, *session.deleted)
    )
    if changed:
        _bump(session.connection())


@sa.event.listens_for(so.Session, "do_orm_execute")
def _bump_on_bulk_statement(state: so.ORMExecuteState) -> None:
    # Bulk UPDATE/INSERT/DELETE statements skip the flush (support counters, reassignments):
    # which rows they touch is not known without a query, so any of them counts as a change.
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _SHOWN_TABLES:
        _bump(state.session.connection())
