"""Reference data every feature looks up: the quarters and categories in use, and the quarter
that covers a point.

Each process keeps the active categories and quarters in memory (per app, in
`app.extensions`), with the quarters' prepared shapes (`core.geo.point_in_boundary`), and
reads one row per transaction to know they are current: the reference marker of
`domain.changes`, which every change to a category or quarter bumps in its own transaction.
So a change made through one worker is seen by every other at its next transaction's first
lookup. Later lookups of the same transaction (a submission asks four) trust the number it
read, unless changes wait to be flushed: then the marker is read again, which flushes them
first, so a transaction that has itself changed reference data knows it and reads the tables
instead (the copy in memory is not what it sees).

What a lookup returns belongs to the caller's session like any loaded row
(`Session.merge(load=False)` of the copies: no query), so it can be compared and assigned to
an idea as usual.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm as so

from myalmaty.core.geo import point_in_boundary
from myalmaty.domain.changes import REFERENCE_CHANGED, read_markers
from myalmaty.domain.reference import Category, Quarter
from myalmaty.extensions import db

_EXTENSION = "myalmaty.reference_data"
# In `Session.info` until the transaction ends: the reference marker it read.
_VERSION_READ = "reference_version_read"
_lock = threading.Lock()


@dataclass(frozen=True)
class _Copies:
    """The active categories and quarters as of `version`, detached from any session."""

    version: int
    categories: tuple[Category, ...]
    quarters: tuple[Quarter, ...]


def _active_categories() -> sa.Select[Category]:
    return (sa.select(Category).where(Category.archived.is_(False))
            .order_by(Category.position, Category.id))


def _active_quarters() -> sa.Select[Quarter]:
    return sa.select(Quarter).where(Quarter.archived.is_(False)).order_by(Quarter.name_ru,
                                                                          Quarter.id)


def _load(version: int) -> _Copies:
    # A session of its own: the copies must not be the request's objects.
    with so.Session(db.engine, expire_on_commit=False) as session:
        categories = tuple(session.scalars(_active_categories()))
        quarters = tuple(session.scalars(_active_quarters()))
        session.expunge_all()
    return _Copies(version, categories, quarters)


def _version(session: so.Session) -> int:
    """The reference marker as this transaction read it first (with the change marker, which
    pages that count by it then need not read apart: `changes.content_version`). Read again
    (which flushes pending changes first: autoflush) while any change waits to be flushed."""
    version = session.info.get(_VERSION_READ)
    if version is None or session.new or session.deleted or session.dirty:
        _content, version = read_markers(session)
        session.info[_VERSION_READ] = version
    return version


@sa.event.listens_for(so.Session, "after_transaction_end")
def _forget_version(session: so.Session, transaction: so.SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_VERSION_READ, None)


def _copies() -> _Copies | None:
    """The process's copies, reloaded if the marker moved; None inside a transaction that
    changed reference data itself."""
    session = db.session()
    version = _version(session)
    if session.info.get(REFERENCE_CHANGED):
        return None
    store: dict[str, Any] = current_app.extensions.setdefault(_EXTENSION, {})
    copies = store.get("copies")
    if copies is None or copies.version != version:
        with _lock:
            copies = store.get("copies")
            if copies is None or copies.version != version:
                copies = store["copies"] = _load(version)
    return copies


def _mine(objects: Iterable[Any]) -> list[Any]:
    return [db.session.merge(obj, load=False) for obj in objects]


def active_categories() -> list[Category]:
    copies = _copies()
    if copies is None:
        return list(db.session.scalars(_active_categories()))
    return _mine(copies.categories)


def active_quarters() -> list[Quarter]:
    copies = _copies()
    if copies is None:
        return list(db.session.scalars(_active_quarters()))
    return _mine(copies.quarters)


def active_category(category_id: int) -> Category | None:
    """The category with this id if it is in use (not archived)."""
    copies = _copies()
    if copies is None:
        return db.session.scalar(_active_categories().where(Category.id == category_id))
    found = [c for c in copies.categories if c.id == category_id]
    return _mine(found)[0] if found else None


def quarter_containing(lat: float, lon: float) -> Quarter | None:
    """The active quarter whose boundary covers the point, if any (the first by id)."""
    copies = _copies()
    if copies is None:
        candidates: Iterable[Quarter] = db.session.scalars(
            sa.select(Quarter)
            .where(
                Quarter.archived.is_(False),
                Quarter.min_lat <= lat,
                Quarter.max_lat >= lat,
                Quarter.min_lon <= lon,
                Quarter.max_lon >= lon,
            )
            .order_by(Quarter.id)
        )
        return first_quarter_covering(candidates, lat, lon)
    found = first_quarter_covering(sorted(copies.quarters, key=lambda q: q.id), lat, lon)
    return _mine([found])[0] if found is not None else None


def first_quarter_covering(quarters: Iterable[Quarter], lat: float, lon: float) -> Quarter | None:
    """The first of `quarters` (in the order given) whose boundary covers the point."""
    for quarter in quarters:
        if not (quarter.min_lat <= lat <= quarter.max_lat and quarter.min_lon <= lon <= quarter.max_lon):
            continue
        if point_in_boundary(quarter.boundary_geojson, lat, lon):
            return quarter
    return None
