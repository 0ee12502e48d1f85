"""What the home page shows."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.reference import Forum
from myalmaty.extensions import db

LATEST_IDEAS = 6


def home_page() -> dict[str, Any]:
    """The latest forum with its recommendations, how many ideas are public, the newest ones."""
    forum = db.session.scalar(
        sa.select(Forum)
        .options(so.selectinload(Forum.recommendations))
        .order_by(Forum.held_on.desc())
        .limit(1)
    )
    published = db.session.scalar(
        sa.select(sa.func.count()).select_from(Idea).where(Idea.status == IdeaStatus.PUBLISHED)
    )
    latest = db.session.scalars(
        sa.select(Idea)
        .where(Idea.status == IdeaStatus.PUBLISHED)
        .options(so.joinedload(Idea.category), so.joinedload(Idea.quarter))
        .order_by(Idea.published_at.desc(), Idea.id.desc())
        .limit(LATEST_IDEAS)
    ).all()
    return {"forum": forum, "published_count": published or 0, "latest_ideas": latest}
