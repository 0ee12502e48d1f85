"""Look-ups of existing rows by their natural keys, so that seeding twice creates nothing twice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from myalmaty.domain.accounts import User
from myalmaty.domain.ideas import Comment, Idea, IdeaStatus, Report
from myalmaty.domain.reference import Category, Forum, Quarter, Recommendation
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.extensions import db


def forum_held_on(held_on: date) -> Forum | None:
    return db.session.scalar(sa.select(Forum).where(Forum.held_on == held_on).order_by(Forum.id))


def recommendations_of(forum: Forum) -> dict[int, Recommendation]:
    rows = db.session.scalars(sa.select(Recommendation).where(Recommendation.forum_id == forum.id))
    return {rec.position: rec for rec in rows}


def categories_by_slug(slugs: Iterable[str]) -> dict[str, Category]:
    rows = db.session.scalars(sa.select(Category).where(Category.slug.in_(list(slugs))))
    return {row.slug: row for row in rows}


def quarters_by_slug(slugs: Iterable[str]) -> dict[str, Quarter]:
    rows = db.session.scalars(sa.select(Quarter).where(Quarter.slug.in_(list(slugs))))
    return {row.slug: row for row in rows}


def users_by_email(emails: Iterable[str]) -> dict[str, User]:
    rows = db.session.scalars(sa.select(User).where(User.email.in_(list(emails))))
    return {row.email: row for row in rows}


def ideas_by_author_and_title(author_ids: Iterable[int]) -> dict[tuple[int, str], Idea]:
    rows = db.session.scalars(sa.select(Idea).where(Idea.author_id.in_(list(author_ids))))
    return {(row.author_id, row.title): row for row in rows}


def groups_by_title(titles: Iterable[str]) -> dict[str, IdeaGroup]:
    rows = db.session.scalars(
        sa.select(IdeaGroup).where(IdeaGroup.title.in_(list(titles))).order_by(IdeaGroup.id)
    )
    groups: dict[str, IdeaGroup] = {}
    for row in rows:
        groups.setdefault(row.title, row)
    return groups


def links_to(recommendations: Iterable[Recommendation]) -> set[tuple[int, str, int]]:
    """Existing links as (recommendation id, "idea"|"group", subject id)."""
    ids = [rec.id for rec in recommendations]
    rows = db.session.scalars(
        sa.select(RecommendationLink).where(RecommendationLink.recommendation_id.in_(ids))
    )
    links: set[tuple[int, str, int]] = set()
    for row in rows:  # each link has an idea or a group (a check constraint says so)
        if row.idea_id is not None:
            links.add((row.recommendation_id, "idea", row.idea_id))
        elif row.group_id is not None:
            links.add((row.recommendation_id, "group", row.group_id))
    return links


def first_comment_by(idea: Idea, author: User) -> Comment | None:
    return db.session.scalar(
        sa.select(Comment)
        .where(Comment.idea_id == idea.id, Comment.author_id == author.id)
        .order_by(Comment.id)
        .limit(1)
    )


def reports_by(reporter_ids: Iterable[int]) -> set[tuple[int, str, int]]:
    """Existing reports as (reporter id, "idea"|"comment", target id)."""
    rows = db.session.scalars(sa.select(Report).where(Report.reporter_id.in_(list(reporter_ids))))
    reports: set[tuple[int, str, int]] = set()
    for row in rows:  # each report is about an idea or a comment (a check constraint says so)
        if row.idea_id is not None:
            reports.add((row.reporter_id, "idea", row.idea_id))
        elif row.comment_id is not None:
            reports.add((row.reporter_id, "comment", row.comment_id))
    return reports


def idea_counts_by_status() -> dict[IdeaStatus, int]:
    rows = db.session.execute(sa.select(Idea.status, sa.func.count()).group_by(Idea.status))
    return dict(rows.all())


def row_count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
