"""What moderators make of ideas: themes (groups) and links to forum recommendations."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.ext.hybrid import hybrid_property

from myalmaty.core.models import TimestampMixin, enum_column, utcnow
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


SUGGESTION_RUN_STATUSES = ("queued", "running", "done", "failed")
SUGGESTION_STATUSES = ("open", "created", "added", "dismissed")


class ThemeSuggestionRun(Model):
    """One computation of suggested themes (a background job), and where it has got to.

    Every worker and process shows the suggestions of the latest finished run, from here."""

    __tablename__ = "theme_suggestion_runs"
    __table_args__ = (
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')",
                           name="status_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="queued",
                                              server_default="queued", index=True)
    requested_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"),
                                                              index=True)
    # Published ideas outside any theme that the run looked at, and how long it took.
    ideas_considered: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    seconds: so.Mapped[float | None] = so.mapped_column(sa.Float)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    started_at: so.Mapped[dt.datetime | None]
    finished_at: so.Mapped[dt.datetime | None]

    requested_by: so.Mapped[User | None] = so.relationship()


class ThemeSuggestion(Model):
    """A group of published ideas, outside any theme, alike in text and place: a theme a
    moderator may create, fold into an existing one, or dismiss.

    A dismissed suggestion outlives its run: its ideas are what keeps the same group from
    coming back (see `moderation.suggested_themes`)."""

    __tablename__ = "theme_suggestions"
    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'created', 'added', 'dismissed')",
                           name="status_known"),
        sa.Index("ix_theme_suggestions_run_status", "run_id", "status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    run_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("theme_suggestion_runs.id", ondelete="CASCADE"))
    # The ideas, the one closest to the group's centre first.
    idea_ids: so.Mapped[list[int]] = so.mapped_column(sa.JSON, default=list)
    # The group's weightiest words, as its ideas write them.
    key_words: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    representative_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("ideas.id"))
    # The mean likeness of its ideas to the representative, discounted by distance.
    score: so.Mapped[float] = so.mapped_column(sa.Float, default=0.0, server_default="0")
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="open",
                                              server_default="open", index=True)
    group_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("idea_groups.id"))
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[dt.datetime | None]
    # Two moderators acting on one suggestion at once: the second is refused (a Conflict).
    version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    run: so.Mapped[ThemeSuggestionRun] = so.relationship()
    representative: so.Mapped[Idea | None] = so.relationship()
    group: so.Mapped[IdeaGroup | None] = so.relationship()

    __mapper_args__ = {"version_id_col": version}
