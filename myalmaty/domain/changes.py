"""One number that goes up whenever what the public API shows may have changed.

The API's ETags come from it, so a client's revalidation reads one row instead of an
aggregate over every idea. It is bumped inside the very transaction that makes the change
(ORM flushes and bulk statements alike), so a new marker is never seen before the change is.

A second row of the same table (`REFERENCE_ID`) is the marker of reference data: it goes up
whenever a category or a quarter is added, changed or removed, so every process can keep the
categories and quarters (and their prepared shapes) in memory and read one row to know they
are still current (`domain.lookups`). The row is made by its first bump.
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
REFERENCE_ID = 2
# Tables whose rows the public API shows (ideas, and the names of their categories/quarters).
_SHOWN_TABLES = frozenset({"ideas", "categories", "quarters"})
_REFERENCE_TABLES = frozenset({"categories", "quarters"})
# In `Session.info` from a reference change until the transaction ends: the process's copy of
# reference data is not what this transaction sees.
REFERENCE_CHANGED = "reference_changed"
# In `Session.info` from a bump of the change marker until the transaction ends: what a process
# keeps by marker is not what this transaction sees.
CONTENT_CHANGED = "content_changed"
# In `Session.info` until the transaction ends or bumps the change marker: the marker as read
# with the reference marker (`read_markers`).
CONTENT_VERSION_READ = "content_version_read"


class ContentVersion(Model):
    """A single row: `version` is the change marker."""

    __tablename__ = "content_version"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    version: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=1, server_default="1")


# A mapped class's table is a Table; SQLAlchemy types `__table__` as any FromClause.
_marker = cast(sa.Table, ContentVersion.__table__)


def _first_version() -> int:
    # A database made afresh starts from a number no earlier one is likely to have reached:
    # what a process keeps by version (its caches, and ETags in browsers) cannot be taken for it.
    return secrets.randbelow(1 << 40)


@sa.event.listens_for(_marker, "after_create")
def _insert_the_row(target: Any, connection: sa.Connection, **_kw: Any) -> None:
    connection.execute(sa.insert(_marker).values(id=MARKER_ID, version=_first_version()))


def current_version(session: so.Session | so.scoped_session[Any],
                    marker_id: int = MARKER_ID) -> int:
    return session.scalar(sa.select(_marker.c.version).where(_marker.c.id == marker_id)) or 0


# Built once: the API reads it on every request, a revalidation reads nothing else.
_READ_MARKER = sa.select(_marker.c.version).where(_marker.c.id == sa.bindparam("marker_id"))


def version_on(connection: sa.Connection, marker_id: int = MARKER_ID) -> int:
    """The marker read on `connection` itself: no flush and no ORM, for a request that has
    changed nothing (`current_version` flushes the session's pending changes first)."""
    return connection.scalar(_READ_MARKER, {"marker_id": marker_id}) or 0


_READ_BOTH = sa.select(_marker.c.id, _marker.c.version).where(
    _marker.c.id.in_((MARKER_ID, REFERENCE_ID)))


def read_markers(session: so.Session | so.scoped_session[Any]) -> tuple[int, int]:
    """The change marker and the reference marker in one statement (a page that keeps
    reference data and counts by the change marker needs both: one round trip, not two).
    The change marker is kept for `content_version`."""
    found: dict[int, int] = dict(session.execute(_READ_BOTH).all())
    content = session.info[CONTENT_VERSION_READ] = found.get(MARKER_ID, 0)
    return content, found.get(REFERENCE_ID, 0)


def content_version(session: so.Session | so.scoped_session[Any]) -> int:
    """The change marker as this transaction already read it (`read_markers`); read now if it
    has not, or while changes wait to be flushed (their flush may bump it)."""
    version = session.info.get(CONTENT_VERSION_READ)
    if version is None or session.new or session.dirty or session.deleted:
        return current_version(session)
    return cast(int, version)


def _bump(connection: sa.Connection, marker_id: int = MARKER_ID) -> None:
    result = connection.execute(
        sa.update(_marker).where(_marker.c.id == marker_id).values(version=_marker.c.version + 1)
    )
    if not result.rowcount:
        # The row is made with the table (the reference row by its first bump); a database
        # emptied table by table has lost it.
        connection.execute(sa.insert(_marker).values(id=marker_id, version=_first_version()))


def _bump_reference(session: so.Session) -> None:
    session.info[REFERENCE_CHANGED] = True
    _bump(session.connection(), REFERENCE_ID)


def was_or_is_published(idea: Idea) -> bool:
    """Published before this flush or after it. A status expired by an earlier commit has no
    history: what the database holds is then what it was, so it is loaded."""
    history = sa.inspect(idea).attrs.status.history
    seen = (*history.added, *history.unchanged, *history.deleted)
    if not seen:
        return idea.status is IdeaStatus.PUBLISHED
    return IdeaStatus.PUBLISHED in seen


def _shows(session: so.Session, obj: object, new: bool) -> bool:
    if isinstance(obj, Idea):
        published = obj.status is IdeaStatus.PUBLISHED if new else was_or_is_published(obj)
        return published and (new or session.is_modified(obj))
    # A new category or quarter shows nowhere until an idea is in it; renaming one shows.
    return isinstance(obj, (Category, Quarter)) and not new and session.is_modified(obj)


@sa.event.listens_for(so.Session, "before_flush")
def _bump_on_flush(session: so.Session, _context: Any, _instances: Any) -> None:
    changed = any(_shows(session, obj, new=True) for obj in session.new) or any(
        _shows(session, obj, new=False) for obj in (*session.dirty, *session.deleted)
    )
    if changed:
        session.info[CONTENT_CHANGED] = True
        session.info.pop(CONTENT_VERSION_READ, None)
        _bump(session.connection())
    if any(isinstance(obj, (Category, Quarter))
           for obj in (*session.new, *session.dirty, *session.deleted)):
        _bump_reference(session)


@sa.event.listens_for(so.Session, "after_transaction_end")
def _transaction_ended(session: so.Session, transaction: so.SessionTransaction) -> None:
    if transaction.parent is None:
        for key in (REFERENCE_CHANGED, CONTENT_CHANGED, CONTENT_VERSION_READ):
            session.info.pop(key, None)


@sa.event.listens_for(so.Session, "do_orm_execute")
def _bump_on_bulk_statement(state: so.ORMExecuteState) -> None:
    # Bulk UPDATE/INSERT/DELETE statements skip the flush (support counters, reassignments):
    # which rows they touch is not known without a query, so any of them counts as a change.
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _SHOWN_TABLES:
        state.session.info[CONTENT_CHANGED] = True
        state.session.info.pop(CONTENT_VERSION_READ, None)
        _bump(state.session.connection())
    if getattr(table, "name", None) in _REFERENCE_TABLES:
        _bump_reference(state.session)
