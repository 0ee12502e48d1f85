"""What the similarity index reads from the database."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.domain.changes import current_version
from myalmaty.domain.ideas import Idea, IdeaStatus, Support
from myalmaty.domain.reference import Quarter
from myalmaty.domain.rules import idea_recommendation_links
from myalmaty.domain.similarity import IdeaIndexMark
from myalmaty.domain.themes import IdeaGroup
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
    """The ideas marked after `version` (each with its status now).

    The marks are found first, from their index on version, then their ideas by id: as a join,
    SQLite's planner may read every idea to find the few marked (the marks' table is small or
    empty when its statistics were gathered), and the first view after any write pays for it.
    """
    marked = sa.select(IdeaIndexMark.idea_id).where(IdeaIndexMark.version > version)
    return db.session.execute(sa.select(*_COLUMNS).where(Idea.id.in_(marked))).all()


def published_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Idea).where(Idea.status == IdeaStatus.PUBLISHED)
    ) or 0


def published_fingerprint() -> tuple[int, int]:
    """The number of published ideas and the sum of their ids."""
    row = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Idea.id), 0))
        .where(Idea.status == IdeaStatus.PUBLISHED)).one()
    return int(row[0]), int(row[1])


def ideas_by_id(idea_ids: Sequence[int]) -> dict[int, Idea]:
    found = db.session.scalars(
        sa.select(Idea).where(Idea.id.in_(idea_ids)).options(so.selectinload(Idea.group))
    )
    return {idea.id: idea for idea in found}


# --- Syntheses (`synthesis`) -----------------------------------------------------------------
# A synthesis reads its ideas through "members": a select of (kind, key, idea_id,
# support_count, quarter_id), one row per published idea of each recommendation or theme.

RECOMMENDATION = "recommendation"
THEME = "theme"
_published = Idea.status == IdeaStatus.PUBLISHED
_FACTS = (Idea.id.label("idea_id"), Idea.support_count.label("support_count"),
          Idea.quarter_id.label("quarter_id"))


def recommendation_members(recommendation_ids: Collection[int] | None = None,
                           conditions: Sequence[sa.ColumnElement[bool]] = ()) -> sa.Select:
    """The published ideas taking up each recommendation (`domain.rules`), once each."""
    links = idea_recommendation_links(recommendation_id=_one(recommendation_ids))
    query = (sa.select(sa.literal(RECOMMENDATION).label("kind"),
                       links.c.recommendation_id.label("key"), *_FACTS)
             .join(Idea, Idea.id == links.c.idea_id).where(_published, *conditions).distinct())
    if recommendation_ids is not None:
        query = query.where(links.c.recommendation_id.in_(list(recommendation_ids)))
    return query


def theme_members(group_ids: Collection[int] | None = None,
                  conditions: Sequence[sa.ColumnElement[bool]] = ()) -> sa.Select:
    """The published ideas of each active theme."""
    query = (sa.select(sa.literal(THEME).label("kind"), Idea.group_id.label("key"), *_FACTS)
             .join(IdeaGroup, IdeaGroup.id == Idea.group_id)
             .where(IdeaGroup.is_active, _published, *conditions))
    if group_ids is not None:
        query = query.where(Idea.group_id.in_(list(group_ids)))
    return query


def _one(ids: Collection[int] | None) -> int | None:
    """One id narrows the links' subquery itself (`domain.rules`)."""
    return next(iter(ids)) if ids is not None and len(ids) == 1 else None


def member_facts(members: sa.CTE) -> Sequence[sa.Row[str, int, int, int, int | None]]:
    """(kind, key, idea_id, support_count, quarter_id) for every member."""
    return db.session.execute(
        sa.select(members.c.kind, members.c.key, members.c.idea_id, members.c.support_count,
                  members.c.quarter_id)
    ).all()


def member_supporters(members: sa.CTE) -> dict[tuple[str, int], int]:
    """The distinct people supporting the members' ideas or their duplicates, per scope (as
    `domain.counts` counts one idea's supporters: someone supporting two counts once)."""
    duplicate = so.aliased(Idea)
    own = sa.select(members.c.kind, members.c.key, Support.user_id).join(
        Support, Support.idea_id == members.c.idea_id)
    of_duplicates = (
        sa.select(members.c.kind, members.c.key, Support.user_id)
        .join(duplicate, sa.and_(duplicate.duplicate_of_id == members.c.idea_id,
                                 duplicate.status == IdeaStatus.DUPLICATE))
        .join(Support, Support.idea_id == duplicate.id)
    )
    both = sa.union_all(own, of_duplicates).subquery()
    rows = db.session.execute(
        sa.select(both.c.kind, both.c.key, sa.func.count(sa.distinct(both.c.user_id)))
        .group_by(both.c.kind, both.c.key)
    )
    return {(kind, key): number for kind, key, number in rows}


def quarters_by_id(quarter_ids: Collection[int]) -> dict[int, Quarter]:
    return {q.id: q for q in db.session.scalars(
        sa.select(Quarter).where(Quarter.id.in_(list(quarter_ids))))}


def shown_ideas(idea_ids: Collection[int]) -> dict[int, Idea]:
    """Ideas a synthesis names (published: the members are)."""
    return {idea.id: idea for idea in db.session.scalars(
        sa.select(Idea).where(Idea.id.in_(list(idea_ids)), _published)
        .options(so.joinedload(Idea.quarter)))}
