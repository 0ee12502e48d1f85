"""Suggested themes: asking for them to be computed, and the three things a moderator does with
one: make it a theme, add its ideas to an existing theme, or dismiss it.

A dismissed suggestion is remembered with its ideas; a later computation leaves out any group
that is the same, judged by its ideas: a group is the same as a dismissed one when the ideas
they share are at least half of all the ideas in either (Jaccard index ≥ 0.5). So a group that
lost or gained an idea or two stays dismissed, and one that has since doubled comes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from myalmaty.core.errors import DomainError
from myalmaty.core.models import utcnow
from myalmaty.domain.audit import ModerationEvent, record_event
from myalmaty.domain.themes import IdeaGroup, ThemeSuggestion, ThemeSuggestionRun
from myalmaty.extensions import db
from myalmaty.moderation import suggestion_queries as queries
from myalmaty.moderation.services.common import flush, require_active_group, require_moderator
from myalmaty.moderation.services.groups import add_idea_to_group, create_group
from myalmaty.moderation.services.links import link_group

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User
    from myalmaty.domain.ideas import Idea
    from myalmaty.domain.reference import Recommendation

SAME_GROUP = 0.5
# A run unfinished after this long was lost (its worker stopped): it no longer blocks another.
RUN_GIVEN_UP_AFTER = dt.timedelta(minutes=15)
NOT_OPEN = _l("This suggested theme has been acted on already. Reload the page to see the "
              "suggestions as they are now.")
NONE_LEFT = _l("None of this suggestion's ideas can go into a theme any more: they are in "
               "themes already or no longer published.")


def same_ideas(a: Iterable[int], b: Iterable[int]) -> bool:
    """Whether two groups are the same, judged by their ideas (see the module's note)."""
    first, second = set(a), set(b)
    union = first | second
    return bool(union) and len(first & second) >= SAME_GROUP * len(union)


def request_run(actor: User, now: dt.datetime | None = None) -> ThemeSuggestionRun:
    """A new computation, queued (the caller starts it once committed). Refused while another
    is under way."""
    require_moderator(actor)
    now = now or utcnow()
    for lost in queries.stale_runs(now - RUN_GIVEN_UP_AFTER):
        lost.status, lost.finished_at = "failed", now
    if queries.unfinished_runs(now - RUN_GIVEN_UP_AFTER):
        raise DomainError(_l("Suggested themes are being computed already. This page shows "
                             "them once they are ready."))
    run = ThemeSuggestionRun(requested_by=actor, status="queued", created_at=now)
    db.session.add(run)
    flush()
    return run


def _open_ideas(suggestion: ThemeSuggestion) -> list[Idea]:
    if suggestion.status != "open":
        raise DomainError(NOT_OPEN)
    ideas = queries.eligible_ideas(suggestion.idea_ids)
    if not ideas:
        raise DomainError(NONE_LEFT)
    return ideas


def _decided(suggestion: ThemeSuggestion, actor: User, status: str,
             group: IdeaGroup | None = None) -> None:
    suggestion.status, suggestion.group = status, group
    suggestion.decided_by_id, suggestion.decided_at = actor.id, utcnow()


def create_theme(actor: User, suggestion: ThemeSuggestion, *, title: str, summary: str = "",
                 recommendation: Recommendation | None = None, rationale: str = "") -> IdeaGroup:
    """A theme from the suggestion, with its ideas that can still go into one (each logged as
    added), linked to the recommendation if one is given."""
    require_moderator(actor)
    ideas = _open_ideas(suggestion)
    group = create_group(actor, title=title, summary=summary, key_words=suggestion.key_words)
    for idea in ideas:
        add_idea_to_group(actor, group, idea, version=None)
    if recommendation is not None:
        link_group(actor, group, recommendation, version=None, rationale=rationale)
    _decided(suggestion, actor, "created", group)
    flush()
    return group


def add_to_theme(actor: User, suggestion: ThemeSuggestion, group: IdeaGroup) -> list[Idea]:
    """The suggestion's ideas that can still go into a theme, added to an existing theme."""
    require_moderator(actor)
    require_active_group(group)
    ideas = _open_ideas(suggestion)
    for idea in ideas:
        add_idea_to_group(actor, group, idea, version=None)
    _decided(suggestion, actor, "added", group)
    flush()
    return ideas


def dismiss(actor: User, suggestion: ThemeSuggestion, note: str = "") -> ModerationEvent:
    """Set the suggestion aside, for good: the same group does not come back."""
    require_moderator(actor)
    if suggestion.status != "open":
        raise DomainError(NOT_OPEN)
    event = record_event(actor, "suggestion.dismiss",
                         after={"idea_ids": list(suggestion.idea_ids),
                                "key_words": ", ".join(suggestion.key_words)},
                         note=note.strip())
    _decided(suggestion, actor, "dismissed")
    flush()
    return event
