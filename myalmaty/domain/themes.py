"""What moderators make of ideas: themes (groups) and links to forum recommendations."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.ext.hybrid import hybrid_property

from myalmaty.core.models import TimestampMixin, enum_column
from myalmaty.domain.ideas import IdeaStage
from myalmaty.extensions import Model

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User
    from myalmaty.domain.ideas import Idea
    from myalmaty.domain.reference import Recommendation


class IdeaGroup(TimestampMixin, Model):
    """A moderators' theme gathering ideas; each idea sits in at most one (Idea.group_id)."""

    __tablename__ = "idea_groups"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    stage: so.Mapped[IdeaStage] = so.mapped_column(
        enum_column(IdeaStage, "group_stage"),
        default=IdeaStage.NEW,
        server_default=IdeaStage.NEW.value,
    )
    public_answer: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    answered_at: so.Mapped[dt.datetime | None]
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id"), index=True
    )
    # Dissolving keeps the group (and the log of which ideas it held) so that it can be undone.
    dissolved_at: so.Mapped[dt.datetime | None]
    version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    ideas: so.Mapped[list[Idea]] = so.relationship(back_populates="group")
    created_by: so.Mapped[User | None] = so.relationship()
    recommendation_links: so.Mapped[list[RecommendationLink]] = so.relationship(
        back_populates="group"
    )

    __mapper_args__ = {"version_id_col": version}

    @hybrid_property
    def is_active(self) -> bool:
        """A theme is active until it is dissolved. The one definition, for a loaded theme and,
        as `IdeaGroup.is_active`, in SQL (see `domain.rules` for what it means for ideas)."""
        return self.dissolved_at is None

    @is_active.inplace.expression
    @classmethod
    def _is_active_expression(cls) -> sa.ColumnElement[bool]:
        return cls.dissolved_at.is_(None)


class RecommendationLink(TimestampMixin, Model):
    """An idea or a group linked to a forum recommendation, with the moderator's rationale."""

    __tablename__ = "recommendation_links"
    __table_args__ = (
        sa.CheckConstraint("(idea_id IS NULL) <> (group_id IS NULL)", name="exactly_one_subject"),
        sa.UniqueConstraint("recommendation_id", "idea_id"),
        sa.UniqueConstraint("recommendation_id", "group_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    recommendation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("recommendations.id"), index=True
    )
    idea_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("ideas.id"), index=True)
    group_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("idea_groups.id"), index=True)
    rationale: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    linked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)

    recommendation: so.Mapped[Recommendation] = so.relationship()
    idea: so.Mapped[Idea | None] = so.relationship(back_populates="recommendation_links")
    group: so.Mapped[IdeaGroup | None] = so.relationship(back_populates="recommendation_links")
    linked_by: so.Mapped[User | None] = so.relationship()
