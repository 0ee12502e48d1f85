"""Every read of the moderation pages and the public theme pages, each in a constant number of
queries (eager loading, no N+1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import orm as so

from myalmaty.core.pagination import paginate
from myalmaty.core.permissions import Role
from myalmaty.core.text import name_variants
from myalmaty.domain.accounts import User
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.audit_text import Names, names_wanted
from myalmaty.domain.ideas import (
    Comment,
    Idea,
    IdeaStage,
    IdeaStatus,
    Report,
    ReportStatus,
)
from myalmaty.domain.reference import Category, Forum, Quarter, Recommendation
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.extensions import db
from myalmaty.ideas.queries import matching_text
from myalmaty.ideas.similarity.synthesis import Synthesis, theme_synthesis

QUEUE_PAGE_SIZE = 30
LOG_PAGE_SIZE = 50


def _idea_list_options() -> list:
    return [
        so.joinedload(Idea.author),
        so.joinedload(Idea.category),
        so.joinedload(Idea.quarter),
        so.joinedload(Idea.group),
        so.joinedload(Idea.collected_at_forum),
    ]


@dataclass(frozen=True)
class IdeaFilters:
    quarter_id: int | None = None
    category_id: int | None = None
    text: str = ""
    stage: IdeaStage | None = None
    group_id: int | None = None

    def apply(self, query: sa.Select) -> sa.Select:
        if self.quarter_id:
            query = query.where(Idea.quarter_id == self.quarter_id)
        if self.category_id:
            query = query.where(Idea.category_id == self.category_id)
        text = matching_text(self.text)
        if text is not None:
            query = query.where(text)
        if self.stage is not None:
            query = query.where(Idea.stage == self.stage)
        if self.group_id:
            query = query.where(Idea.group_id == self.group_id)
        return query


def pending_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Idea).where(Idea.status == IdeaStatus.PENDING)
    ) or 0


def pending_ideas(filters: IdeaFilters, page: int = 1) -> Pagination:
    """The queue: oldest first, so nobody waits for ever."""
    query = filters.apply(
        sa.select(Idea).where(Idea.status == IdeaStatus.PENDING).options(*_idea_list_options())
    ).order_by(Idea.created_at, Idea.id)
    return paginate(query, page, QUEUE_PAGE_SIZE)


def published_ideas(filters: IdeaFilters, page: int = 1) -> Pagination:
    query = filters.apply(
        sa.select(Idea).where(Idea.status == IdeaStatus.PUBLISHED).options(*_idea_list_options())
    ).order_by(Idea.published_at.desc(), Idea.id.desc())
    return paginate(query, page, QUEUE_PAGE_SIZE)


@dataclass
class IdeaReview:
    """What the review page of one idea shows."""

    idea: Idea
    duplicates: list[Idea]
    history: list[ModerationEvent]
    open_reports: int
    names: Names = field(default_factory=Names)  # for the history's changed fields


def idea_for_review(idea_id: int) -> IdeaReview | None:
    idea = db.session.scalar(
        sa.select(Idea).where(Idea.id == idea_id).options(
            so.joinedload(Idea.author),
            so.joinedload(Idea.category),
            so.joinedload(Idea.quarter),
            so.joinedload(Idea.group),
            so.joinedload(Idea.duplicate_of),
            so.selectinload(Idea.recommendation_links)
            .joinedload(RecommendationLink.recommendation)
            .joinedload(Recommendation.forum),
        )
    )
    if idea is None:
        return None
    duplicates = list(db.session.scalars(
        sa.select(Idea).where(Idea.duplicate_of_id == idea.id, Idea.status == IdeaStatus.DUPLICATE)
        .order_by(Idea.id)
    ))
    history = list(db.session.scalars(
        sa.select(ModerationEvent).where(ModerationEvent.idea_id == idea.id)
        .options(so.joinedload(ModerationEvent.actor))
        .order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
    ))
    open_reports = db.session.scalar(
        sa.select(sa.func.count()).select_from(Report)
        .where(Report.idea_id == idea.id, Report.status == ReportStatus.OPEN)
    ) or 0
    return IdeaReview(idea, duplicates, history, open_reports, log_names(history))


def idea_by_id(idea_id: int) -> Idea | None:
    return db.session.get(Idea, idea_id)


def active_groups() -> list[IdeaGroup]:
    return list(db.session.scalars(
        sa.select(IdeaGroup).where(IdeaGroup.is_active).order_by(IdeaGroup.title)
    ))


@dataclass(frozen=True)
class GroupRow:
    group: IdeaGroup
    idea_count: int


def groups_overview() -> tuple[list[GroupRow], list[GroupRow]]:
    """(active, dissolved) themes with how many ideas each holds now."""
    counts = (
        sa.select(Idea.group_id, sa.func.count().label("n"))
        .where(Idea.group_id.is_not(None))
        .group_by(Idea.group_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(IdeaGroup, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.group_id == IdeaGroup.id)
        .order_by(IdeaGroup.title, IdeaGroup.id)
    ).all()
    active = [GroupRow(g, n) for g, n in rows if g.is_active]
    dissolved = [GroupRow(g, n) for g, n in rows if not g.is_active]
    return active, dissolved


@dataclass
class GroupPage:
    group: IdeaGroup
    ideas: list[Idea]
    history: list[ModerationEvent] = field(default_factory=list)
    names: Names = field(default_factory=Names)
    synthesis: Synthesis = field(default_factory=Synthesis)


def group_with_links(group_id: int) -> IdeaGroup | None:
    return db.session.scalar(
        sa.select(IdeaGroup).where(IdeaGroup.id == group_id).options(
            so.selectinload(IdeaGroup.recommendation_links)
            .joinedload(RecommendationLink.recommendation)
            .joinedload(Recommendation.forum),
        )
    )


def group_for_moderation(group_id: int) -> GroupPage | None:
    group = group_with_links(group_id)
    if group is None:
        return None
    ideas = list(db.session.scalars(
        sa.select(Idea).where(Idea.group_id == group.id).options(*_idea_list_options())
        .order_by(Idea.id)
    ))
    history = list(db.session.scalars(
        sa.select(ModerationEvent).where(ModerationEvent.group_id == group.id)
        .options(so.joinedload(ModerationEvent.actor), so.joinedload(ModerationEvent.idea))
        .order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
        .limit(50)
    ))
    synthesis = theme_synthesis(group.id) if group.is_active else Synthesis()
    return GroupPage(group, ideas, history, log_names(history), synthesis)


def group_by_id(group_id: int) -> IdeaGroup | None:
    return db.session.get(IdeaGroup, group_id)


def recommendations_for_choice() -> list[Recommendation]:
    """Every recommendation, latest forum first, for the "link to" selects."""
    return list(db.session.scalars(
        sa.select(Recommendation).join(Recommendation.forum)
        .options(so.contains_eager(Recommendation.forum))
        .order_by(Forum.held_on.desc(), Recommendation.position)
    ))


def recommendation_by_id(recommendation_id: int) -> Recommendation | None:
    return db.session.get(Recommendation, recommendation_id)


def link_by_id(link_id: int) -> RecommendationLink | None:
    return db.session.get(RecommendationLink, link_id)


def comment_by_id(comment_id: int) -> Comment | None:
    return db.session.get(Comment, comment_id)


def category_by_id(category_id: int | None) -> Category | None:
    return db.session.get(Category, category_id) if category_id else None


def quarter_by_id(quarter_id: int | None) -> Quarter | None:
    return db.session.get(Quarter, quarter_id) if quarter_id else None


# Reports ---------------------------------------------------------------------------------


@dataclass
class ReportedThing:
    """An idea or a comment with its open reports."""

    idea: Idea | None
    comment: Comment | None
    reports: list[Report] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.reports)

    @property
    def kind(self) -> str:
        return "idea" if self.idea is not None else "comment"


def open_reports() -> list[ReportedThing]:
    """Open reports gathered per reported thing, the most reported first."""
    reports = db.session.scalars(
        sa.select(Report).where(Report.status == ReportStatus.OPEN)
        .options(
            so.joinedload(Report.reporter),
            so.joinedload(Report.idea).joinedload(Idea.author),
            so.joinedload(Report.comment).joinedload(Comment.author),
            so.joinedload(Report.comment).joinedload(Comment.idea),
        )
        .order_by(Report.created_at, Report.id)
    )
    things: dict[tuple[str, int | None], ReportedThing] = {}
    for report in reports:
        key = ("idea", report.idea_id) if report.idea_id else ("comment", report.comment_id)
        thing = things.setdefault(key, ReportedThing(report.idea, report.comment))
        thing.reports.append(report)
    return sorted(things.values(), key=lambda t: (-t.count, t.reports[0].created_at))


# Audit log -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilters:
    action: str = ""
    actor_id: int | None = None
    person: str = ""  # part of the actor's display name
    idea_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def audit_log(filters: LogFilters, page: int = 1) -> Pagination:
    query = sa.select(ModerationEvent).options(
        so.joinedload(ModerationEvent.actor),
        so.joinedload(ModerationEvent.idea),
        so.joinedload(ModerationEvent.group),
        so.joinedload(ModerationEvent.comment),
    )
    if filters.action:
        query = query.where(ModerationEvent.action == filters.action)
    if filters.actor_id:
        query = query.where(ModerationEvent.actor_id == filters.actor_id)
    if filters.person.strip():
        actors = sa.select(User.id).where(sa.or_(*(
            User.display_name.icontains(v, autoescape=True)
            for v in name_variants(filters.person.strip())
        )))
        query = query.where(ModerationEvent.actor_id.in_(actors))
    if filters.idea_id:
        query = query.where(ModerationEvent.idea_id == filters.idea_id)
    if filters.since:
        query = query.where(ModerationEvent.created_at >= filters.since)
    if filters.until:
        query = query.where(ModerationEvent.created_at < filters.until)
    query = query.order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
    return paginate(query, page, LOG_PAGE_SIZE)


def log_names(events: list[ModerationEvent]) -> Names:
    """Names for the ids the entries mention: one query per kind, whatever the page holds."""
    wanted = names_wanted(events)
    users = db.session.execute(
        sa.select(User.id, User.display_name).where(User.id.in_(wanted["users"]))
    )
    ideas = db.session.scalars(sa.select(Idea).where(Idea.id.in_(wanted["ideas"])))
    themes = db.session.execute(
        sa.select(IdeaGroup.id, IdeaGroup.title).where(IdeaGroup.id.in_(wanted["themes"]))
    )
    categories = db.session.scalars(sa.select(Category).where(Category.id.in_(wanted["categories"])))
    quarters = db.session.scalars(sa.select(Quarter).where(Quarter.id.in_(wanted["quarters"])))
    return Names(
        users=dict(users.all()),
        ideas={i.id: f"{i.reference} {i.title}" for i in ideas},
        themes=dict(themes.all()),
        categories={c.id: c.name for c in categories},
        quarters={q.id: q.name for q in quarters},
    )


def staff() -> list[User]:
    """Moderators and organisers, for the log's "who" filter."""
    return list(db.session.scalars(
        sa.select(User).where(User.role.in_([Role.MODERATOR, Role.ORGANISER]))
        .order_by(User.display_name, User.id)
    ))
