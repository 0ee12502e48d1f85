"""Small helpers that turn model data into what people see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User
    from myalmaty.domain.ideas import Idea


def author_name(user: User | None) -> str:
    """The name shown for an author: never an e-mail; "Former resident" once the account is gone."""
    if user is None or user.is_deleted:
        return _("Former resident")
    return user.display_name


def idea_byline(idea: Idea) -> str:
    """Who an idea is shown as coming from. An idea written on paper at a forum is filed under
    the organiser who imported it, but it is the resident's, not theirs: say where it came from."""
    if idea.collected_at_forum_id is not None:
        return _("Written on paper at a forum")
    return _("Suggested by %(name)s", name=author_name(idea.author))
