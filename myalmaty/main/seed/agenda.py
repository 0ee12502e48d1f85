"""The demo forum's agenda: every theme, and the ideas selected for a forum outside a theme.

It gives the discussion pack and the organisers' forum page something to show.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from myalmaty.domain.ideas import Idea, IdeaStage, IdeaStatus
from myalmaty.domain.reference import AgendaItem, Forum
from myalmaty.domain.themes import IdeaGroup
from myalmaty.extensions import db


def ensure_agenda(forum: Forum, created: Counter) -> None:
    on_agenda = {(item.group_id, item.idea_id) for item in forum.agenda}
    groups = db.session.scalars(
        sa.select(IdeaGroup).where(IdeaGroup.is_active).order_by(IdeaGroup.id)
    ).all()
    ideas = db.session.scalars(
        sa.select(Idea)
        .where(
            Idea.status == IdeaStatus.PUBLISHED,
            Idea.stage == IdeaStage.SELECTED_FOR_FORUM,
            Idea.group_id.is_(None),
        )
        .order_by(Idea.id)
    ).all()
    subjects = [(group.id, None) for group in groups] + [(None, idea.id) for idea in ideas]
    position = len(forum.agenda)
    for group_id, idea_id in subjects:
        if (group_id, idea_id) in on_agenda:
            continue
        position += 1
        db.session.add(
            AgendaItem(forum=forum, group_id=group_id, idea_id=idea_id, position=position)
        )
        created["agenda items"] += 1
