"""Who may see and do what with an idea (used by services, routes and templates alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from myalmaty.core.permissions import is_moderator
from myalmaty.domain.ideas import Idea, IdeaStatus

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User


def is_author(user: User | None, idea: Idea) -> bool:
    return bool(user is not None and user.is_authenticated and user.id == idea.author_id)


def can_view(user: User | None, idea: Idea) -> bool:
    """Public ideas for everyone; pending, rejected, withdrawn and hidden ones only for their
    author and the moderators."""
    return idea.is_public or is_author(user, idea) or is_moderator(user)


def can_change(user: User | None, idea: Idea) -> bool:
    """The author edits or withdraws an idea only while it awaits moderation."""
    return is_author(user, idea) and idea.status is IdeaStatus.PENDING


def can_resubmit(user: User | None, idea: Idea) -> bool:
    """A withdrawn idea may go back to the moderation queue, by its author's own choice."""
    return bool(is_author(user, idea) and user is not None and user.is_active
                and idea.status is IdeaStatus.WITHDRAWN)


def can_take_part(user: User | None, idea: Idea) -> bool:
    """Supporting and commenting are for published ideas (a duplicate's go to its original)."""
    return bool(user is not None and user.is_authenticated and user.is_active
                and idea.status is IdeaStatus.PUBLISHED)


def can_support(user: User | None, idea: Idea) -> bool:
    """Authors do not support their own ideas: a support says "someone else wants this too"."""
    return can_take_part(user, idea) and not is_author(user, idea)
