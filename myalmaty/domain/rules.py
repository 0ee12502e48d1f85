"""What moderators' and organisers' work means for an idea, written once in SQL.

- A theme is active until it is dissolved: `IdeaGroup.is_active` (one hybrid, for a loaded
  theme and in SQL).
- An idea *takes up a recommendation* when it is linked to it itself, or sits in an active
  theme that is linked to it.
- An idea *is on a forum's agenda* when it is on the agenda itself, or sits in an active theme
  that is.

Both are the same shape: a row (a recommendation link, an agenda item) names an idea or a
theme, and reaches that idea or every idea of that theme while the theme is active. Exports,
the organisers' dashboard, the ideas pages and the public recommendation page all read these
functions, so they count the same ideas.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.domain.ideas import Idea
from myalmaty.domain.reference import AgendaItem
from myalmaty.domain.themes import IdeaGroup, RecommendationLink

# Some ideas' ids, or the expanding bind parameter that will carry them.
IdeaIds = Collection[int] | sa.BindParameter[Any]


def _ideas_reached(
    subject: type[RecommendationLink] | type[AgendaItem],
    row_name: str,
    key: so.InstrumentedAttribute[int],
    *,
    key_is: int | None = None,
    idea_ids: IdeaIds | None = None,
) -> sa.Subquery:
    """(row_name, key's name, idea_id): each row of `subject` with every idea it reaches,
    directly or through its active theme. `key_is` and `idea_ids` narrow both halves, so the
    database never builds the whole relation to answer for one recommendation or a few ideas.
    `idea_ids` may be an expanding bind parameter, for a statement built once and run with
    each page's ids."""
    # An alias: a bare `Idea` inside `Idea.id IN (...)` would correlate with the outer query.
    member = so.aliased(Idea)
    direct = sa.select(
        subject.id.label(row_name), key.label(key.key), subject.idea_id.label("idea_id")
    ).where(subject.idea_id.is_not(None))
    through = (
        sa.select(subject.id, key, member.id)
        .join(IdeaGroup, IdeaGroup.id == subject.group_id)
        .join(member, member.group_id == IdeaGroup.id)
        .where(IdeaGroup.is_active)
    )
    if key_is is not None:
        direct = direct.where(key == key_is)
        through = through.where(key == key_is)
    if idea_ids is not None:
        ids = idea_ids if isinstance(idea_ids, sa.BindParameter) else list(idea_ids)
        direct = direct.where(subject.idea_id.in_(ids))
        through = through.where(member.id.in_(ids))
    return sa.union_all(direct, through).subquery()


# Recommendations -----------------------------------------------------------------------------


def idea_recommendation_links(
    *, recommendation_id: int | None = None, idea_ids: IdeaIds | None = None
) -> sa.Subquery:
    """(link_id, recommendation_id, idea_id): every idea each recommendation link reaches."""
    return _ideas_reached(
        RecommendationLink, "link_id", RecommendationLink.recommendation_id,
        key_is=recommendation_id, idea_ids=idea_ids,
    )


def idea_recommendation_pairs() -> sa.Subquery:
    """(recommendation_id, idea_id), once each: which ideas take up which recommendation
    (the organisers' coverage figures, on the dashboard and in exports)."""
    links = idea_recommendation_links()
    return sa.select(links.c.recommendation_id, links.c.idea_id).distinct().subquery()


def takes_up(recommendation_id: int) -> sa.ColumnElement[bool]:
    """A condition on `Idea`: it takes up the recommendation, directly or through its theme."""
    links = idea_recommendation_links(recommendation_id=recommendation_id)
    return Idea.id.in_(sa.select(links.c.idea_id))


# Forums' agendas -----------------------------------------------------------------------------


def idea_agenda_items(
    *, forum_id: int | None = None, idea_ids: IdeaIds | None = None
) -> sa.Subquery:
    """(item_id, forum_id, idea_id): every idea each agenda item puts before its forum."""
    return _ideas_reached(
        AgendaItem, "item_id", AgendaItem.forum_id, key_is=forum_id, idea_ids=idea_ids
    )


def on_agenda_of(forum_id: int) -> sa.ColumnElement[bool]:
    """A condition on `Idea`: it is on the forum's agenda, directly or through its theme."""
    items = idea_agenda_items(forum_id=forum_id)
    return Idea.id.in_(sa.select(items.c.idea_id))
