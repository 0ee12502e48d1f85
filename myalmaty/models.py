"""Every model, imported in one place so that the metadata (and Alembic) sees the whole schema."""

from myalmaty.auth.models import User
from myalmaty.ideas.models import Comment, Idea, Report, Support
from myalmaty.moderation.models import IdeaGroup, ModerationEvent, RecommendationLink
from myalmaty.organise.models import AgendaItem, Category, Forum, Quarter, Recommendation

__all__ = [
    "AgendaItem",
    "Category",
    "Comment",
    "Forum",
    "Idea",
    "IdeaGroup",
    "ModerationEvent",
    "Quarter",
    "Recommendation",
    "RecommendationLink",
    "Report",
    "Support",
    "User",
]
