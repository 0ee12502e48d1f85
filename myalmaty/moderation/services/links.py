"""Links between a published idea or an active theme and the forum's recommendations.

Unlinking deletes the link row (it is moderators' work, not residents' text); the audit event
keeps what it said."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from myalmaty.core.errors import DomainError
from myalmaty.core.i18n import LANGUAGES
from myalmaty.core.models import translated_in
from myalmaty.domain.audit import ModerationEvent, record_event
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.extensions import db
from myalmaty.moderation.services.common import (
    check_group_version,
    check_idea_version,
    flush,
    require_active_group,
    require_moderator,
    require_status,
)

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User
    from myalmaty.domain.reference import Recommendation

ALREADY_LINKED = _l("“%(title)s” is already linked to the recommendation “%(recommendation)s”.")


def _existing_link(recommendation: Recommendation, idea: Idea | None,
                   group: IdeaGroup | None) -> RecommendationLink | None:
    if idea is not None:
        subject = RecommendationLink.idea_id == idea.id
    elif group is not None:
        subject = RecommendationLink.group_id == group.id
    else:
        raise TypeError("a link's subject is an idea or a group")
    return db.session.scalar(
        sa.select(RecommendationLink).where(
            RecommendationLink.recommendation_id == recommendation.id, subject
        )
    )


def link_idea(
    actor: User, idea: Idea, recommendation: Recommendation, *, version: int | None,
    rationale: str = "", skip_existing: bool = False,
) -> ModerationEvent | None:
    """`skip_existing` (bulk linking) turns "already linked" into a quiet no-op."""
    require_moderator(actor)
    check_idea_version(idea, version)
    require_status(idea, [IdeaStatus.PUBLISHED],
                   _l("Only published ideas can be linked to recommendations; “%(title)s” is: "
                      "%(status)s."))
    if _existing_link(recommendation, idea, None) is not None:
        if skip_existing:
            return None
        raise DomainError(ALREADY_LINKED, title=idea.title, recommendation=recommendation.title)
    link = RecommendationLink(recommendation=recommendation, idea=idea,
                              rationale=rationale.strip(), linked_by=actor)
    db.session.add(link)
    flush()
    event = record_event(actor, "idea.link", idea=idea,
                         after=_link_snapshot(link))
    flush()
    return event


def link_group(
    actor: User, group: IdeaGroup, recommendation: Recommendation, *, version: int | None,
    rationale: str = "",
) -> ModerationEvent:
    require_moderator(actor)
    check_group_version(group, version)
    require_active_group(group)
    if _existing_link(recommendation, None, group) is not None:
        raise DomainError(ALREADY_LINKED, title=group.title, recommendation=recommendation.title)
    link = RecommendationLink(recommendation=recommendation, group=group,
                              rationale=rationale.strip(), linked_by=actor)
    db.session.add(link)
    flush()
    event = record_event(actor, "group.link", group=group, after=_link_snapshot(link))
    flush()
    return event


def _link_snapshot(link: RecommendationLink) -> dict:
    recommendation = link.recommendation
    return {
        "link_id": link.id,
        "recommendation_id": recommendation.id,
        # The title as it read then, in every language, for the log and the author's page.
        "recommendation": {lang: translated_in(recommendation, "title", lang) for lang in LANGUAGES},
        "rationale": link.rationale,
    }


def unlink(actor: User, link: RecommendationLink) -> ModerationEvent:
    require_moderator(actor)
    snapshot = _link_snapshot(link)
    if link.idea is not None:
        event = record_event(actor, "idea.unlink", idea=link.idea, before=snapshot)
    else:
        event = record_event(actor, "group.unlink", group=link.group, before=snapshot)
    db.session.delete(link)
    flush()
    return event
