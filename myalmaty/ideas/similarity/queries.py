"""What the similarity index reads from the database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.domain.changes import current_version
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.similarity import IdeaIndexMark
from myalmaty.extensions import db

_COLUMNS = (Idea.id, Idea.status, Idea.title, Idea.description, Idea.lat, Idea.lon)
IndexedRow = sa.Row[int, IdeaStatus, str, str, float, float]


def marker() -> int:
    return current_version(db.session)


def published_rows(batch: int = 5000) -> Iterator[IndexedRow]:
    """Every published idea's indexed columns, streamed."""
    query = sa.select(*_COLUMNS).where(Idea.status == IdeaStatus.PUBLISHED).order_by(Idea.id)
    yield from db.session.execute(query.execution_options(yield_per=batch))


def changed_since(version: int) -> Sequence[IndexedRow]:
    """The ideas marked after `version` (each with its status now)."""
    return db.session.execute(
        sa.select(*_COLUMNS).join(IdeaIndexMark, IdeaIndexMark.idea_id == Idea.id)
        .where(IdeaIndexMark.version > version)
    ).all()


def published_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Idea).where(Idea.status == IdeaStatus.PUBLISHED)
    ) or 0


def ideas_by_id(idea_ids: Sequence[int]) -> dict[int, Idea]:
    found = db.session.scalars(
        sa.select(Idea).where(Idea.id.in_(idea_ids)).options(so.selectinload(Idea.group))
    )
    return {idea.id: idea for idea in found}
