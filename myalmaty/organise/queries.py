"""Queries over reference data: quarters, categories, forums, recommendations, agenda, users."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import orm as so

from myalmaty.core.numbers import MAX_ID, bounded_number
from myalmaty.core.pagination import paginate
from myalmaty.core.permissions import Role
from myalmaty.core.text import name_variants
from myalmaty.domain import lookups
from myalmaty.domain.accounts import User
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.reference import (
    AgendaItem,
    Category,
    Forum,
    Quarter,
    Recommendation,
)
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.extensions import db

USERS_PER_PAGE = 25
AGENDA_SUGGESTIONS = 20

T = TypeVar("T")


def _by_id(model: type[T], row_id: int) -> T | None:
    # Ids from a form may be anything; past MAX_ID they name nothing (core.numbers).
    return db.session.get(model, row_id) if 0 < row_id <= MAX_ID else None


def forum_by_id(forum_id: int) -> Forum | None:
    return _by_id(Forum, forum_id)


def recommendation_by_id(recommendation_id: int) -> Recommendation | None:
    return _by_id(Recommendation, recommendation_id)


def agenda_item_by_id(item_id: int) -> AgendaItem | None:
    return _by_id(AgendaItem, item_id)


def group_by_id(group_id: int) -> IdeaGroup | None:
    return _by_id(IdeaGroup, group_id)


def quarter_by_id(quarter_id: int) -> Quarter | None:
    return _by_id(Quarter, quarter_id)


def category_by_id(category_id: int) -> Category | None:
    return _by_id(Category, category_id)


def user_by_id(user_id: int) -> User | None:
    return _by_id(User, user_id)


def quarters_for_assignment() -> list[Quarter]:
    """The quarters `quarter_containing` would consider, in its order (for many points at once)."""
    return list(
        db.session.scalars(sa.select(Quarter).where(Quarter.archived.is_(False)).order_by(Quarter.id))
    )


def idea_points_for_reassignment(quarter: Quarter) -> list[tuple[int, float, float, int | None]]:
    """(id, lat, lon, quarter_id) of the ideas a new boundary may concern: those of this quarter,
    and those without a quarter inside its bounding box."""
    rows = db.session.execute(
        sa.select(Idea.id, Idea.lat, Idea.lon, Idea.quarter_id).where(
            sa.or_(
                Idea.quarter_id == quarter.id,
                sa.and_(
                    Idea.quarter_id.is_(None),
                    Idea.lat.between(quarter.min_lat, quarter.max_lat),
                    Idea.lon.between(quarter.min_lon, quarter.max_lon),
                ),
            )
        )
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


# --- Reference data lists -------------------------------------------------------------------


def all_categories() -> list[Category]:
    """Active first, then archived; each in the organisers' chosen order."""
    return list(
        db.session.scalars(
            sa.select(Category).order_by(Category.archived, Category.position, Category.id)
        )
    )


def all_quarters() -> list[Quarter]:
    return list(
        db.session.scalars(sa.select(Quarter).order_by(Quarter.archived, Quarter.name_ru, Quarter.id))
    )


def idea_counts_by_quarter_id() -> dict[int | None, int]:
    """How many ideas (of any status) each quarter holds: shown beside the quarters list."""
    rows = db.session.execute(
        sa.select(Idea.quarter_id, sa.func.count(Idea.id)).group_by(Idea.quarter_id)
    )
    return dict(rows.all())


def idea_counts_by_category_id() -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Idea.category_id, sa.func.count(Idea.id)).group_by(Idea.category_id)
    )
    return dict(rows.all())


def slug_taken(model: type[Category] | type[Quarter], slug: str, except_id: int | None) -> bool:
    query = sa.select(model.id).where(model.slug == slug)
    if except_id is not None:
        query = query.where(model.id != except_id)
    return db.session.scalar(query.limit(1)) is not None


# --- Forums, recommendations, agenda -------------------------------------------------------


def forums_with_counts() -> list[tuple[Forum, int, int]]:
    """Every forum, newest first, with how many recommendations and agenda items it has."""
    recommendations = (
        sa.select(sa.func.count(Recommendation.id))
        .where(Recommendation.forum_id == Forum.id)
        .scalar_subquery()
    )
    agenda = (
        sa.select(sa.func.count(AgendaItem.id))
        .where(AgendaItem.forum_id == Forum.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Forum, recommendations, agenda).order_by(Forum.held_on.desc(), Forum.id.desc())
    )
    return [(forum, n_recommendations, n_agenda) for forum, n_recommendations, n_agenda in rows]


def forum_page(forum_id: int) -> Forum | None:
    """A forum with its recommendations and its agenda (ideas and groups) loaded at once."""
    if not 0 < forum_id <= MAX_ID:
        return None
    return db.session.scalar(
        sa.select(Forum)
        .where(Forum.id == forum_id)
        .options(
            so.selectinload(Forum.recommendations),
            so.selectinload(Forum.agenda).options(
                so.joinedload(AgendaItem.idea).joinedload(Idea.quarter),
                so.joinedload(AgendaItem.group),
            ),
        )
    )


def agenda_group_choices(forum_id: int) -> list[IdeaGroup]:
    """Active groups not yet on this forum's agenda."""
    on_agenda = sa.select(AgendaItem.group_id).where(
        AgendaItem.forum_id == forum_id, AgendaItem.group_id.is_not(None)
    )
    return list(
        db.session.scalars(
            sa.select(IdeaGroup)
            .where(IdeaGroup.is_active, IdeaGroup.id.not_in(on_agenda))
            .order_by(IdeaGroup.title)
        )
    )


def agenda_idea_suggestions(forum_id: int) -> list[Idea]:
    """Published ideas linked to this forum's recommendations and not yet on its agenda.

    Moderators link ideas to the forum's recommendations; these are the natural candidates for
    its agenda, most supported first.
    """
    linked = (
        sa.select(RecommendationLink.idea_id)
        .join(Recommendation, Recommendation.id == RecommendationLink.recommendation_id)
        .where(Recommendation.forum_id == forum_id, RecommendationLink.idea_id.is_not(None))
    )
    on_agenda = sa.select(AgendaItem.idea_id).where(
        AgendaItem.forum_id == forum_id, AgendaItem.idea_id.is_not(None)
    )
    return list(
        db.session.scalars(
            sa.select(Idea)
            .where(
                Idea.status == IdeaStatus.PUBLISHED,
                Idea.id.in_(linked),
                Idea.id.not_in(on_agenda),
            )
            .order_by(Idea.support_count.desc(), Idea.id)
            .limit(AGENDA_SUGGESTIONS)
        )
    )


def on_agenda(forum_id: int, *, group_id: int | None = None, idea_id: int | None = None) -> bool:
    """Whether this group (or idea) is already on the forum's agenda."""
    subject = AgendaItem.group_id == group_id if group_id is not None else AgendaItem.idea_id == idea_id
    found = db.session.scalar(
        sa.select(AgendaItem.id).where(AgendaItem.forum_id == forum_id, subject).limit(1)
    )
    return found is not None


def agenda_items_of(forum_id: int) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            sa.select(AgendaItem)
            .where(AgendaItem.forum_id == forum_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def recommendations_of(forum_id: int) -> list[Recommendation]:
    return list(
        db.session.scalars(
            sa.select(Recommendation)
            .where(Recommendation.forum_id == forum_id)
            .order_by(Recommendation.position, Recommendation.id)
        )
    )


def next_position(column: Any, forum_id_column: Any, forum_id: int) -> int:
    """One past the highest position used in a forum (recommendations or agenda items)."""
    highest = db.session.scalar(sa.select(sa.func.max(column)).where(forum_id_column == forum_id))
    return (highest or 0) + 1


# --- Users ---------------------------------------------------------------------------------


def users_page(search: str = "", role: Role | None = None, page: int = 1) -> Pagination:
    """Accounts for organisers: search by name or e-mail, filter by role, paginated."""
    query = sa.select(User).order_by(User.display_name, User.id)
    search = search.strip()
    if search:
        query = query.where(
            sa.or_(
                *(User.display_name.icontains(v, autoescape=True) for v in name_variants(search)),
                User.email.contains(search.lower(), autoescape=True),
            )
        )
    if role is not None:
        query = query.where(User.role == role)
    return paginate(query, page, USERS_PER_PAGE)


def idea_by_reference(reference: str) -> Idea | None:
    """An idea by the number people read aloud (`2026-00042`) or by its plain id (`42`)."""
    number = bounded_number(reference.strip().rsplit("-", 1)[-1])
    return None if number is None else _by_id(Idea, number)


# --- ideas collected on paper ------------------------------------------------------------------

def active_categories() -> list[Category]:
    return lookups.active_categories()


def active_quarters() -> list[Quarter]:
    return lookups.active_quarters()


def active_quarter(quarter_id: int) -> Quarter | None:
    return db.session.scalar(
        sa.select(Quarter).where(Quarter.id == quarter_id, Quarter.archived.is_(False))
    )


def forums_for_import() -> list[Forum]:
    return list(db.session.scalars(sa.select(Forum).order_by(Forum.held_on.desc())))


def import_hash_taken(digest: str) -> bool:
    """Whether an idea was already imported from a row with this content."""
    return db.session.scalar(sa.select(Idea.id).where(Idea.import_hash == digest)) is not None
