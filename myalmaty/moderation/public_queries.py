"""What the public theme and recommendation pages show: only published ideas and active
themes, each page in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.reference import Quarter, Recommendation
from myalmaty.domain.rules import idea_recommendation_links
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.extensions import db
from myalmaty.ideas.similarity.synthesis import (
    Synthesis,
    recommendation_synthesis,
    theme_synthesis,
)
from myalmaty.moderation.queries import group_with_links


@dataclass
class PublicGroup:
    group: IdeaGroup
    ideas: list[Idea]
    synthesis: Synthesis


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
    return PublicGroup(group, ideas, theme_synthesis(group.id))


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
    synthesis: Synthesis

    @property
    def idea_count(self) -> int:
        return len(set().union(*(q.idea_ids for q in self.quarters))) if self.quarters else 0

    @property
    def group_count(self) -> int:
        return len({link.group_id for q in self.quarters for link, _ in q.groups})


def recommendation_uptake(recommendation_id: int) -> RecommendationUptake | None:
    """Published ideas and active themes linked to the recommendation, quarter by quarter.

    Which ideas take it up is `domain.rules`' answer (directly or through an active theme), as
    on the dashboard and in exports. A theme appears under every quarter its published ideas
    lie in, with those ideas; an active theme with none yet, outside the quarters.
    """
    recommendation = db.session.scalar(
        sa.select(Recommendation).where(Recommendation.id == recommendation_id)
        .options(so.joinedload(Recommendation.forum))
    )
    if recommendation is None:
        return None
    reached = idea_recommendation_links(recommendation_id=recommendation.id)
    # Every link with each published idea it reaches (None when it reaches none).
    rows = db.session.execute(
        sa.select(RecommendationLink, Idea)
        .outerjoin(reached, reached.c.link_id == RecommendationLink.id)
        .outerjoin(Idea, sa.and_(Idea.id == reached.c.idea_id,
                                 Idea.status == IdeaStatus.PUBLISHED))
        .where(RecommendationLink.recommendation_id == recommendation.id)
        .options(
            so.joinedload(RecommendationLink.idea),  # the page names a directly linked idea
            so.joinedload(RecommendationLink.group),
            so.joinedload(Idea.quarter),
        )
        .order_by(RecommendationLink.created_at, RecommendationLink.id, Idea.id)
    ).all()
    ideas_of: dict[RecommendationLink, list[Idea]] = {}
    for link, idea in rows:
        ideas_of.setdefault(link, [])
        if idea is not None:
            ideas_of[link].append(idea)

    by_quarter: dict[int | None, QuarterUptake] = {}

    def bucket(quarter: Quarter | None) -> QuarterUptake:
        key = quarter.id if quarter is not None else None
        return by_quarter.setdefault(key, QuarterUptake(quarter))

    for link, ideas in ideas_of.items():
        if link.idea_id is not None:
            for idea in ideas:  # the linked idea itself, when it is published
                uptake = bucket(idea.quarter)
                uptake.links.append(link)
                uptake.idea_ids.add(idea.id)
            continue
        if not ideas:
            if link.group is not None and link.group.is_active:
                bucket(None).groups.append((link, []))
            continue
        ideas_by_quarter: dict[int | None, list[Idea]] = defaultdict(list)
        quarters: dict[int | None, Quarter | None] = {}
        for idea in ideas:
            ideas_by_quarter[idea.quarter_id].append(idea)
            quarters[idea.quarter_id] = idea.quarter
        for key, grouped in ideas_by_quarter.items():
            uptake = bucket(quarters[key])
            uptake.groups.append((link, grouped))
            uptake.idea_ids.update(i.id for i in grouped)
    ordered = sorted(
        by_quarter.values(),
        key=lambda q: (q.quarter is None, -q.idea_count, q.quarter.name if q.quarter else ""),
    )
    return RecommendationUptake(recommendation, ordered,
                                recommendation_synthesis(recommendation.id))
