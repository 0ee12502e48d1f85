"""What the public theme and recommendation pages show: only published ideas and active
themes, each page in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.reference import Quarter, Recommendation
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.extensions import db
from myalmaty.moderation.queries import group_with_links


@dataclass
class PublicGroup:
    group: IdeaGroup
    ideas: list[Idea]


def public_group(group_id: int) -> PublicGroup | None:
    """An active theme with its published ideas only."""
    group = group_with_links(group_id)
    if group is None or not group.is_active:
        return None
    ideas = list(db.session.scalars(
        sa.select(Idea)
        .where(Idea.group_id == group.id, Idea.status == IdeaStatus.PUBLISHED)
        .options(so.joinedload(Idea.quarter), so.joinedload(Idea.category))
        .order_by(Idea.support_count.desc(), Idea.id)
    ))
    return PublicGroup(group, ideas)


@dataclass
class QuarterUptake:
    """What is linked to a recommendation in one quarter (quarter None: outside any quarter)."""

    quarter: Quarter | None
    links: list[RecommendationLink] = field(default_factory=list)  # ideas linked directly
    groups: list[tuple[RecommendationLink, list[Idea]]] = field(default_factory=list)
    idea_ids: set[int] = field(default_factory=set)

    @property
    def idea_count(self) -> int:
        return len(self.idea_ids)


@dataclass
class RecommendationUptake:
    recommendation: Recommendation
    quarters: list[QuarterUptake]

    @property
    def idea_count(self) -> int:
        return len(set().union(*(q.idea_ids for q in self.quarters))) if self.quarters else 0

    @property
    def group_count(self) -> int:
        return len({link.group_id for q in self.quarters for link, _ in q.groups})


def recommendation_uptake(recommendation_id: int) -> RecommendationUptake | None:
    """Published ideas and active themes linked to the recommendation, quarter by quarter.

    A theme appears under every quarter its published ideas lie in, with those ideas.
    """
    recommendation = db.session.scalar(
        sa.select(Recommendation).where(Recommendation.id == recommendation_id)
        .options(so.joinedload(Recommendation.forum))
    )
    if recommendation is None:
        return None
    links = db.session.scalars(
        sa.select(RecommendationLink)
        .where(RecommendationLink.recommendation_id == recommendation.id)
        .options(
            so.joinedload(RecommendationLink.idea).joinedload(Idea.quarter),
            so.joinedload(RecommendationLink.group)
            .selectinload(IdeaGroup.ideas).joinedload(Idea.quarter),
        )
        .order_by(RecommendationLink.created_at, RecommendationLink.id)
    )
    by_quarter: dict[int | None, QuarterUptake] = {}

    def bucket(quarter: Quarter | None) -> QuarterUptake:
        key = quarter.id if quarter is not None else None
        return by_quarter.setdefault(key, QuarterUptake(quarter))

    for link in links:
        if link.idea is not None and link.idea.status is IdeaStatus.PUBLISHED:
            uptake = bucket(link.idea.quarter)
            uptake.links.append(link)
            uptake.idea_ids.add(link.idea.id)
        elif link.group is not None and link.group.is_active:
            ideas_by_quarter: dict[int | None, list[Idea]] = defaultdict(list)
            quarters: dict[int | None, Quarter | None] = {}
            for idea in sorted(link.group.ideas, key=lambda i: i.id):
                if idea.status is IdeaStatus.PUBLISHED:
                    ideas_by_quarter[idea.quarter_id].append(idea)
                    quarters[idea.quarter_id] = idea.quarter
            if not ideas_by_quarter:
                bucket(None).groups.append((link, []))
            for key, ideas in ideas_by_quarter.items():
                uptake = bucket(quarters[key])
                uptake.groups.append((link, ideas))
                uptake.idea_ids.update(i.id for i in ideas)
    ordered = sorted(
        by_quarter.values(),
        key=lambda q: (q.quarter is None, -q.idea_count, q.quarter.name if q.quarter else ""),
    )
    return RecommendationUptake(recommendation, ordered)
