"""Every model, imported in one place so that the metadata (and Alembic) sees the whole schema
(and the flush hook that keeps the aggregates of ideas, `kept`, is always listening)."""

from myalmaty.domain import kept  # noqa: F401  (its flush hook keeps the aggregates of ideas)
from myalmaty.domain.accounts import User
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.changes import ContentVersion
from myalmaty.domain.ideas import Comment, Idea, Report, Support
from myalmaty.domain.jobs import ExportJob, PendingNotification
from myalmaty.domain.map_cells import MapCell
from myalmaty.domain.published_counts import PublishedCount
from myalmaty.domain.reference import (
    AgendaItem,
    Category,
    Forum,
    Quarter,
    Recommendation,
)
from myalmaty.domain.similarity import IdeaIndexMark
from myalmaty.domain.themes import (
    IdeaGroup,
    RecommendationLink,
    ThemeSuggestion,
    ThemeSuggestionRun,
)

__all__ = [
    "AgendaItem",
    "Category",
    "Comment",
    "ContentVersion",
    "ExportJob",
    "Forum",
    "Idea",
    "IdeaGroup",
    "IdeaIndexMark",
    "MapCell",
    "ModerationEvent",
    "PendingNotification",
    "PublishedCount",
    "Quarter",
    "Recommendation",
    "RecommendationLink",
    "Report",
    "Support",
    "ThemeSuggestion",
    "ThemeSuggestionRun",
    "User",
]
