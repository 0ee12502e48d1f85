"""Which ideas take up which recommendation."""

from __future__ import annotations

import sqlalchemy as sa

from myalmaty.domain.ideas import Idea
from myalmaty.domain.themes import IdeaGroup, RecommendationLink


def idea_recommendation_pairs() -> sa.Subquery:
    """(recommendation_id, idea_id) for every idea linked to a recommendation, directly or
    through its active theme: what "an idea takes up a recommendation" means everywhere
    (exports, the organisers' coverage figures)."""
    direct = sa.select(
        RecommendationLink.recommendation_id.label("recommendation_id"),
        RecommendationLink.idea_id.label("idea_id"),
    ).where(RecommendationLink.idea_id.is_not(None))
    through_group = (
        sa.select(RecommendationLink.recommendation_id, Idea.id)
        .join(IdeaGroup, IdeaGroup.id == RecommendationLink.group_id)
        .join(Idea, Idea.group_id == IdeaGroup.id)
        .where(IdeaGroup.dissolved_at.is_(None))
    )
    return sa.union(direct, through_group).subquery()
