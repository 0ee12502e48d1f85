"""The numbers of the organisers' dashboard, each read in one query.

The page runs the same dozen queries whatever the number of ideas. The counts of published
ideas (by quarter, category and stage, and by week) are kept up to date on write
(`domain.published_counts`): a few small rows, read whatever else changed. The other statuses
and the backlog are counted by aggregates answered from an index on (status, column) alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.domain import published_counts as kept_counts
from myalmaty.domain.ideas import Idea, IdeaStage, IdeaStatus
from myalmaty.domain.reference import Category, Forum, Quarter, Recommendation
from myalmaty.domain.rules import idea_recommendation_pairs
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.extensions import db
from myalmaty.ideas.similarity.synthesis import (
    RECOMMENDATION,
    THEME,
    Synthesis,
    recommendation_members,
    synthesise,
    theme_members,
)

WEEKS_SHOWN = 12
TOP_IDEAS = 10
THEMES_SYNTHESISED = 6


@dataclass(frozen=True)
class PendingBacklog:
    count: int
    oldest: dt.datetime | None
    median: dt.datetime | None


@dataclass
class Coverage:
    """How far a recommendation is taken up: links, and the ideas it covers in each quarter.

    An idea is covered when it takes up the recommendation, directly or through its active
    theme (`domain.rules.idea_recommendation_pairs`).
    """

    recommendation: Recommendation
    linked_ideas: int = 0
    linked_groups: int = 0
    by_quarter: dict[int | None, int] = field(default_factory=dict)
    synthesis: Synthesis = field(default_factory=Synthesis)

    @property
    def covered_ideas(self) -> int:
        return sum(self.by_quarter.values())


@dataclass
class Dashboard:
    by_status: dict[IdeaStatus, int]
    by_quarter: dict[int | None, int]
    quarters: list[Quarter]
    by_category: list[tuple[Category, int]]
    by_stage: dict[IdeaStage, int]
    weeks: list[tuple[dt.date, int]]
    pending: PendingBacklog
    top_ideas: list[Idea]
    coverage: list[Coverage]
    # The active themes with the most published ideas, each with its synthesis.
    themes: list[tuple[IdeaGroup, Synthesis]]

    @property
    def published(self) -> int:
        return self.by_status.get(IdeaStatus.PUBLISHED, 0)

    @property
    def unassigned(self) -> int:
        return self.by_quarter.get(None, 0)


_published = Idea.status == IdeaStatus.PUBLISHED
_NOT_PUBLISHED = [status for status in IdeaStatus if status is not IdeaStatus.PUBLISHED]


@dataclass(frozen=True)
class PublishedCounts:
    """What the dashboard counts of published ideas."""

    by_quarter: dict[int | None, int]
    by_category: dict[int, int]
    by_stage: dict[IdeaStage, int]
    weeks: list[tuple[dt.date, int]]

    @property
    def total(self) -> int:
        return sum(self.by_stage.values())


def week_starts(now: dt.datetime, timezone: ZoneInfo, weeks: int = WEEKS_SHOWN) -> list[dt.datetime]:
    """Mondays at midnight in the city's time (as UTC), the last being this week's, plus the end."""
    today = now.astimezone(timezone).date()
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=weeks - 1)
    return [
        dt.datetime.combine(first + dt.timedelta(weeks=n), dt.time(0), timezone).astimezone(dt.UTC)
        for n in range(weeks + 1)
    ]


def _counts(column: so.QueryableAttribute[Any], *conditions: sa.ColumnElement[bool]) -> dict:
    rows = db.session.execute(
        sa.select(column, sa.func.count(Idea.id)).where(*conditions).group_by(column)
    )
    return dict(rows.all())


def _weeks(now: dt.datetime, timezone: ZoneInfo) -> list[tuple[dt.date, int]]:
    starts = week_starts(now, timezone)
    numbers = kept_counts.published_between(db.session, starts)
    # N+1 bounds give N weeks: each week is named by the day it starts.
    return [(start.astimezone(timezone).date(), number)
            for start, number in zip(starts, numbers, strict=False)]


def _pending() -> PendingBacklog:
    pending = Idea.status == IdeaStatus.PENDING
    number, oldest = db.session.execute(
        sa.select(sa.func.count(Idea.id), sa.func.min(Idea.created_at)).where(pending)
    ).one()
    # The median without a percentile function (SQLite has none): the middle one or two rows.
    middle = db.session.scalars(
        sa.select(Idea.created_at)
        .where(pending)
        .order_by(Idea.created_at)
        .offset(max(number - 1, 0) // 2)
        .limit(1 if number % 2 else 2)
    ).all()
    median = None
    if middle:
        median = middle[0] + (middle[-1] - middle[0]) / 2
    return PendingBacklog(count=number, oldest=oldest, median=median)


def _by_category(counts: dict[int, int]) -> list[tuple[Category, int]]:
    categories = db.session.scalars(
        sa.select(Category).order_by(Category.archived, Category.position, Category.id))
    return [(category, counts.get(category.id, 0)) for category in categories]


def published_counts(now: dt.datetime, timezone: ZoneInfo) -> PublishedCounts:
    """The counts of published ideas, from the rows kept on write (pending changes of this
    session are flushed first, and so counted)."""
    kept = kept_counts.counts(db.session)
    return PublishedCounts(
        by_quarter={None if key == kept_counts.NO_QUARTER else int(key): number
                    for key, number in kept[kept_counts.QUARTER].items()},
        by_category={int(key): number for key, number in kept[kept_counts.CATEGORY].items()},
        by_stage={IdeaStage(key): number for key, number in kept[kept_counts.STAGE].items()},
        weeks=_weeks(now, timezone),
    )


def _top_ideas() -> list[Idea]:
    return list(
        db.session.scalars(
            sa.select(Idea)
            .where(_published)
            .options(so.joinedload(Idea.quarter), so.joinedload(Idea.category))
            .order_by(Idea.support_count.desc(), Idea.published_at.desc(), Idea.id.desc())
            .limit(TOP_IDEAS)
        )
    )


def _coverage() -> list[Coverage]:
    recommendations = db.session.scalars(
        sa.select(Recommendation)
        .join(Forum)
        .options(so.contains_eager(Recommendation.forum))
        .order_by(Forum.held_on.desc(), Forum.id.desc(), Recommendation.position)
    ).all()
    coverage = {r.id: Coverage(r) for r in recommendations}

    link_counts = db.session.execute(
        sa.select(
            RecommendationLink.recommendation_id,
            sa.func.count(RecommendationLink.idea_id).filter(_published),
            sa.func.count(RecommendationLink.group_id).filter(IdeaGroup.is_active),
        )
        .outerjoin(Idea, Idea.id == RecommendationLink.idea_id)
        .outerjoin(IdeaGroup, IdeaGroup.id == RecommendationLink.group_id)
        .group_by(RecommendationLink.recommendation_id)
    )
    for recommendation_id, ideas, groups in link_counts:
        coverage[recommendation_id].linked_ideas = ideas
        coverage[recommendation_id].linked_groups = groups

    covered = idea_recommendation_pairs()
    per_quarter = db.session.execute(
        sa.select(covered.c.recommendation_id, Idea.quarter_id, sa.func.count(sa.distinct(Idea.id)))
        .join(Idea, Idea.id == covered.c.idea_id)
        .where(_published)
        .group_by(covered.c.recommendation_id, Idea.quarter_id)
    )
    for recommendation_id, quarter_id, number in per_quarter:
        coverage[recommendation_id].by_quarter[quarter_id] = number
    return list(coverage.values())


def _largest_themes() -> list[IdeaGroup]:
    # Counted theme by theme (a lookup in the index of their ideas each), never by grouping
    # every published idea: the ideas in a theme are few beside all of them.
    published_ideas = (sa.select(sa.func.count(Idea.id))
                       .where(Idea.group_id == IdeaGroup.id, _published)
                       .correlate(IdeaGroup).scalar_subquery())
    return list(db.session.scalars(
        sa.select(IdeaGroup)
        .where(IdeaGroup.is_active, published_ideas > 0)
        .order_by(published_ideas.desc(), IdeaGroup.id)
        .limit(THEMES_SYNTHESISED)
    ))


def _syntheses(coverage: list[Coverage]) -> list[tuple[IdeaGroup, Synthesis]]:
    """Each recommendation's synthesis (set on its coverage) and the largest themes', all
    from one pass over the index (`ideas.similarity.synthesis`)."""
    themes = _largest_themes()
    scopes = [(RECOMMENDATION, c.recommendation.id) for c in coverage] + [
        (THEME, g.id) for g in themes]
    # No themes, no theme half: an empty IN () lets SQLite's planner read every idea.
    members = (sa.union_all(recommendation_members(), theme_members([g.id for g in themes]))
               if themes else recommendation_members())
    found = synthesise(members, scopes)
    for row in coverage:
        row.synthesis = found[(RECOMMENDATION, row.recommendation.id)]
    return [(g, found[(THEME, g.id)]) for g in themes]


def dashboard(now: dt.datetime, timezone: ZoneInfo) -> Dashboard:
    coverage = _coverage()
    published = published_counts(now, timezone)
    by_status = _counts(Idea.status, Idea.status.in_(_NOT_PUBLISHED))
    if published.total:
        by_status[IdeaStatus.PUBLISHED] = published.total
    return Dashboard(
        by_status=by_status,
        by_quarter=published.by_quarter,
        quarters=list(db.session.scalars(sa.select(Quarter).order_by(Quarter.archived, Quarter.name_ru))),
        by_category=_by_category(published.by_category),
        by_stage=published.by_stage,
        weeks=published.weeks,
        pending=_pending(),
        top_ideas=_top_ideas(),
        coverage=coverage,
        themes=_syntheses(coverage),
    )
