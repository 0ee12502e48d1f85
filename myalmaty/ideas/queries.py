"""Every `select` of the ideas pages. Each page loads what it shows in a fixed number of
queries, whatever the number of ideas, comments or events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import orm as so

from myalmaty.core.errors import InvalidParameter
from myalmaty.core.pagination import count_of, paginate_ids
from myalmaty.domain import lookups
from myalmaty.domain.accounts import User
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.changes import content_version
from myalmaty.domain.ideas import (
    Comment,
    CommentStatus,
    Idea,
    IdeaStatus,
    Report,
    Support,
)
from myalmaty.domain.reference import Category, Forum, Quarter, Recommendation
from myalmaty.domain.rules import idea_agenda_items, idea_recommendation_links
from myalmaty.domain.search import TextMatch, search_words
from myalmaty.domain.themes import RecommendationLink
from myalmaty.extensions import db
from myalmaty.ideas import policy
from myalmaty.ideas.filters import NO_QUARTER, IdeaFilters, Sort

# --- filters -------------------------------------------------------------------------------

def check_filters(filters: IdeaFilters) -> None:
    """Refuse a category or quarter that does not exist (archived ones still count)."""
    if filters.category and not db.session.scalar(
        sa.select(sa.exists().where(Category.slug == filters.category))
    ):
        raise InvalidParameter("category", _l("There is no category “%(slug)s”."),
                               slug=filters.category)
    if filters.quarter and filters.quarter != NO_QUARTER and not db.session.scalar(
        sa.select(sa.exists().where(Quarter.slug == filters.quarter))
    ):
        raise InvalidParameter("quarter", _l("There is no quarter “%(slug)s”."),
                               slug=filters.quarter)


def category_id_of(slug: str) -> sa.ScalarSelect[int]:
    return sa.select(Category.id).where(Category.slug == slug).scalar_subquery()


def filter_conditions(filters: IdeaFilters) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions for published ideas matching the filters (ideas table only)."""
    conditions: list[sa.ColumnElement[bool]] = [Idea.status == IdeaStatus.PUBLISHED]
    if filters.category:
        conditions.append(Idea.category_id == category_id_of(filters.category))
    if filters.quarter == NO_QUARTER:
        conditions.append(Idea.quarter_id.is_(None))
    elif filters.quarter:
        conditions.append(
            Idea.quarter_id
            == sa.select(Quarter.id).where(Quarter.slug == filters.quarter).scalar_subquery()
        )
    if filters.stage is not None:
        conditions.append(Idea.stage == filters.stage)
    text = matching_text(filters.q)
    if text is not None:
        conditions.append(text)
    return conditions


def matching_text(q: str) -> sa.ColumnElement[bool] | None:
    """The one text search, for every page that has one (list, map, API, moderation): ideas
    holding, for each word of `q`, a word that starts with it, read from the full-text index
    (`domain.search`). None when `q` has no word (only spaces or punctuation): nothing to
    narrow by."""
    words = search_words(q)
    return TextMatch(Idea.id, Idea.search_text, words) if words else None


def filter_choices() -> tuple[list[Category], list[Quarter]]:
    return lookups.active_categories(), lookups.active_quarters()


# --- the list -------------------------------------------------------------------------------

# Each order is served by an index on (status, column, id): see domain.ideas.
_ORDER: dict[Sort, tuple[sa.ColumnElement[Any], ...]] = {
    Sort.NEWEST: (Idea.published_at.desc(), Idea.id.desc()),
    Sort.SUPPORTED: (Idea.support_count.desc(), Idea.id.desc()),
    Sort.DISCUSSED: (Idea.comment_count.desc(), Idea.id.desc()),
}


def ideas_for_cards(page: sa.Subquery, order: tuple[sa.ColumnElement[Any], ...]) -> list[Idea]:
    """The ideas of a page of ids, with what their cards show, in `order` (the page's)."""
    return list(db.session.scalars(
        sa.select(Idea)
        .join(page, page.c.id == Idea.id)
        .options(
            so.joinedload(Idea.category),
            so.joinedload(Idea.quarter),
            so.joinedload(Idea.author),
        )
        .order_by(*order)
    ))


# Counting the matching ideas reads every entry of an index; the count can only change when
# the change marker does (`domain.changes`), so each process keeps the latest counts by it.
_counts: dict[tuple[int, IdeaFilters], int] = {}
_KEPT_COUNTS = 256


def _published_count(filters: IdeaFilters) -> Callable[[sa.Select[Any]], int]:
    def count(ids: sa.Select[Any]) -> int:
        key = (content_version(db.session), filters)
        if key not in _counts:
            if len(_counts) >= _KEPT_COUNTS:
                _counts.clear()
            _counts[key] = count_of(ids)
        return _counts[key]

    return count


def published_page(filters: IdeaFilters, sort: Sort, page: int, per_page: int) -> Pagination:
    """One page of published ideas in a few queries whatever its size or depth: the page's
    ids (from an index, in order) with their rows, and the count (unless known for this
    version)."""
    order = _ORDER[sort]
    ids = sa.select(Idea.id).where(*filter_conditions(filters)).order_by(*order)
    return paginate_ids(ids, lambda page_ids: ideas_for_cards(page_ids, order), page, per_page,
                        count=_published_count(filters))


# --- one idea -------------------------------------------------------------------------------

# The statements of an idea's page are built once per process and run with each page's
# values as bind parameters: building them (joined loads, the union of `domain.rules`) cost
# more than running them.
_IDEA_ID = "idea_id"
_IDEA_IDS = "idea_ids"


@cache
def _idea_with_details() -> sa.Select[Idea]:
    return (
        sa.select(Idea)
        .where(Idea.id == sa.bindparam(_IDEA_ID))
        .options(
            so.joinedload(Idea.author),
            so.joinedload(Idea.category),
            so.joinedload(Idea.quarter),
            so.joinedload(Idea.group),
            so.joinedload(Idea.duplicate_of),
        )
    )


def idea_with_details(idea_id: int) -> Idea | None:
    return db.session.scalar(_idea_with_details(), {_IDEA_ID: idea_id})


def visible_idea(idea_id: int, viewer: User | None) -> Idea | None:
    """The idea with what its page shows, when `viewer` may see it; None as if it did not exist
    otherwise (an idea not public is nobody else's business, not even that it exists)."""
    idea = idea_with_details(idea_id)
    return idea if idea is not None and policy.can_view(viewer, idea) else None


@cache
def _recommendation_links() -> sa.Select[int, RecommendationLink]:
    reached = idea_recommendation_links(idea_ids=sa.bindparam(_IDEA_IDS, expanding=True))
    return (
        sa.select(reached.c.idea_id, RecommendationLink)
        .join(RecommendationLink, RecommendationLink.id == reached.c.link_id)
        .options(so.joinedload(RecommendationLink.recommendation).joinedload(Recommendation.forum))
        .order_by(RecommendationLink.id)
    )


def recommendation_links(ideas: list[Idea]) -> dict[int, list[RecommendationLink]]:
    """The recommendations each idea takes up, directly or through its active theme
    (`domain.rules`): one link per recommendation, the earliest, in one query."""
    idea_ids = [i.id for i in ideas]
    if not idea_ids:
        return {}
    rows = db.session.execute(_recommendation_links(), {_IDEA_IDS: idea_ids})
    by_idea: dict[int, list[RecommendationLink]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for idea_id, link in rows:
        if (idea_id, link.recommendation_id) not in seen:
            seen.add((idea_id, link.recommendation_id))
            by_idea[idea_id].append(link)
    return by_idea


@cache
def _agenda_forums() -> sa.Select[int, Forum]:
    reached = idea_agenda_items(idea_ids=sa.bindparam(_IDEA_IDS, expanding=True))
    return sa.select(reached.c.idea_id, Forum).join(Forum, Forum.id == reached.c.forum_id)


def agenda_forums(ideas: list[Idea]) -> dict[int, list[Forum]]:
    """The forums whose agenda holds each idea, directly or through its active theme
    (`domain.rules`), earliest first, in one query."""
    idea_ids = [i.id for i in ideas]
    if not idea_ids:
        return {}
    forums: dict[int, set[Forum]] = defaultdict(set)
    for idea_id, forum in db.session.execute(_agenda_forums(), {_IDEA_IDS: idea_ids}):
        forums[idea_id].add(forum)
    return {idea_id: sorted(forums[idea_id], key=lambda f: f.held_on) for idea_id in idea_ids}


@cache
def _comments_of(include_hidden: bool) -> sa.Select[Comment]:
    query = (
        sa.select(Comment)
        .where(Comment.idea_id == sa.bindparam(_IDEA_ID))
        .options(so.joinedload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    )
    if not include_hidden:
        query = query.where(Comment.status == CommentStatus.VISIBLE)
    return query


def comments_of(idea: Idea, include_hidden: bool) -> list[Comment]:
    return list(db.session.scalars(_comments_of(include_hidden), {_IDEA_ID: idea.id}))


@dataclass
class ViewerState:
    """What the person looking at an idea has already done to it."""

    supported: bool = False
    reported_idea: bool = False
    reported_comment_ids: set[int] = field(default_factory=set)


def viewer_state(idea: Idea, viewer: User | None, comment_ids: list[int]) -> ViewerState:
    if viewer is None or not viewer.is_authenticated:
        return ViewerState()
    supported = db.session.scalar(
        sa.select(sa.exists().where(Support.idea_id == idea.id, Support.user_id == viewer.id))
    )
    reports = db.session.execute(
        sa.select(Report.idea_id, Report.comment_id).where(
            Report.reporter_id == viewer.id,
            sa.or_(Report.idea_id == idea.id, Report.comment_id.in_(comment_ids)),
        )
    ).all()
    return ViewerState(
        supported=bool(supported),
        reported_idea=any(idea_id == idea.id for idea_id, _ in reports),
        reported_comment_ids={comment_id for _, comment_id in reports if comment_id},
    )


def supported_among(viewer: User | None, idea_ids: list[int]) -> set[int]:
    """Which of these ideas the viewer supports (none for a visitor), in one query."""
    if viewer is None or not viewer.is_authenticated or not idea_ids:
        return set()
    return set(db.session.scalars(
        sa.select(Support.idea_id).where(Support.user_id == viewer.id,
                                         Support.idea_id.in_(idea_ids))
    ))


def comment_with_idea(comment_id: int) -> Comment | None:
    return db.session.scalar(
        sa.select(Comment).where(Comment.id == comment_id).options(so.joinedload(Comment.idea))
    )


def visible_idea_with_photo(key: str, viewer: User | None) -> Idea | None:
    """The idea showing the photo `key`, when `viewer` may see it."""
    idea = db.session.scalar(sa.select(Idea).where(Idea.photo_key == key))
    return idea if idea is not None and policy.can_view(viewer, idea) else None


# --- the author's own ideas -------------------------------------------------------------------

def ideas_of_author(author: User) -> list[Idea]:
    return list(
        db.session.scalars(
            sa.select(Idea)
            .where(Idea.author_id == author.id)
            .options(
                so.joinedload(Idea.category),
                so.joinedload(Idea.quarter),
                so.joinedload(Idea.group),
                so.joinedload(Idea.duplicate_of),
            )
            .order_by(Idea.created_at.desc(), Idea.id.desc())
        )
    )


def events_of_ideas(ideas: list[Idea]) -> dict[int, list[ModerationEvent]]:
    """The audit log of each idea, oldest first."""
    if not ideas:
        return {}
    events = db.session.scalars(
        sa.select(ModerationEvent)
        .where(ModerationEvent.idea_id.in_([i.id for i in ideas]))
        .order_by(ModerationEvent.created_at, ModerationEvent.id)
    )
    by_idea: dict[int, list[ModerationEvent]] = defaultdict(list)
    for event in events:
        by_idea[event.idea_id].append(event)  # type: ignore[index]
    return by_idea


def active_category(category_id: int) -> Category | None:
    return lookups.active_category(category_id)


def quarter_by_id(quarter_id: int) -> Quarter | None:
    return db.session.get(Quarter, quarter_id)
