"""Residents' ideas and what residents do with them: supports, comments, reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm as so

from myalmaty.core import grid
from myalmaty.core.models import LabelledEnum, TimestampMixin, enum_column, utcnow
from myalmaty.domain import search
from myalmaty.extensions import Model

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User
    from myalmaty.domain.reference import Category, Forum, Quarter
    from myalmaty.domain.themes import IdeaGroup, RecommendationLink


class IdeaStatus(LabelledEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    HIDDEN = "hidden"
    WITHDRAWN = "withdrawn"
    DUPLICATE = "duplicate"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.PENDING: _l("Awaiting moderation"),
            cls.PUBLISHED: _l("Published"),
            cls.REJECTED: _l("Rejected"),
            cls.HIDDEN: _l("Hidden"),
            cls.WITHDRAWN: _l("Withdrawn"),
            cls.DUPLICATE: _l("Duplicate"),
        }


class IdeaStage(LabelledEnum):
    NEW = "new"
    UNDER_REVIEW = "under_review"
    SELECTED_FOR_FORUM = "selected_for_forum"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.NEW: _l("New"),
            cls.UNDER_REVIEW: _l("Under review"),
            cls.SELECTED_FOR_FORUM: _l("Selected for a forum"),
            cls.IN_PROGRESS: _l("In progress"),
            cls.DONE: _l("Done"),
        }


class RejectionReason(LabelledEnum):
    OFF_TOPIC = "off_topic"
    DUPLICATE = "duplicate"
    OUTSIDE_ALMATY = "outside_almaty"
    OFFENSIVE = "offensive"
    NOT_PUBLIC_SPACE = "not_public_space"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.OFF_TOPIC: _l("Off topic"),
            cls.DUPLICATE: _l("Duplicate of another idea"),
            cls.OUTSIDE_ALMATY: _l("Outside Almaty"),
            cls.OFFENSIVE: _l("Offensive"),
            cls.NOT_PUBLIC_SPACE: _l("Not an idea for a public space"),
            cls.OTHER: _l("Other"),
        }


class Idea(TimestampMixin, Model):
    __tablename__ = "ideas"
    __table_args__ = (
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
        sa.CheckConstraint(
            "(status = 'rejected') = (rejection_reason IS NOT NULL)", name="rejected_has_reason"
        ),
        sa.CheckConstraint(
            "(status = 'duplicate') = (duplicate_of_id IS NOT NULL)",
            name="duplicate_has_original",
        ),
        sa.CheckConstraint("duplicate_of_id <> id", name="not_own_duplicate"),
        sa.CheckConstraint("support_count >= 0 AND comment_count >= 0", name="counts_positive"),
        sa.Index("ix_ideas_status_created_at", "status", "created_at"),
        # The list's three orders, each read from an index in order (core.pagination).
        sa.Index("ix_ideas_status_published_at_id", "status", "published_at", "id"),
        sa.Index("ix_ideas_status_support_count_id", "status", "support_count", "id"),
        sa.Index("ix_ideas_status_comment_count_id", "status", "comment_count", "id"),
        # The counts of published ideas by quarter, category and stage, each a GROUP BY
        # answered from an index alone (`domain.published_counts.rebuild`; the dashboard reads
        # the counts kept on write).
        sa.Index("ix_ideas_status_quarter_id", "status", "quarter_id"),
        sa.Index("ix_ideas_status_category_id", "status", "category_id"),
        sa.Index("ix_ideas_status_stage", "status", "stage"),
        # The ideas of a theme. Partial: most ideas are in none, and a full index's statistics
        # (one key, every row) make SQLite's planner scan every idea to find a theme's few
        # instead of starting from the themes (the dashboard's coverage and syntheses).
        sa.Index("ix_ideas_group_id", "group_id", sqlite_where=sa.text("group_id IS NOT NULL"),
                 postgresql_where=sa.text("group_id IS NOT NULL")),
        # The map's clusters: one GROUP BY per level, answered from the index alone.
        *(
            sa.Index(f"ix_ideas_status_{grid.cell_column(level)}", "status",
                     grid.cell_column(level), "lat", "lon")
            for level in grid.LEVELS if level != grid.BOX_LEVEL
        ),
        # The finest level's also holds everything the map's slim features show: a bounding
        # box, read by one key range per column of cells (`api.queries.box_features`), and the
        # ideas shown one by one at a street's zoom are read from the index alone.
        sa.Index(f"ix_ideas_status_{grid.cell_column(grid.BOX_LEVEL)}_slim", "status",
                 grid.cell_column(grid.BOX_LEVEL), "lat", "lon", "id", "category_id", "stage",
                 "title"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(140))
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    first_step: so.Mapped[str] = so.mapped_column(sa.Text)
    # Case-folded title, description and first step: SQLite's LIKE folds only ASCII, so text
    # search over Cyrillic compares against this column instead.
    search_text: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    locale: so.Mapped[str] = so.mapped_column(sa.String(2), default="ru", server_default="ru")
    # `active_history` on the columns that place an idea in the aggregates kept on write
    # (`domain.kept`): a change always knows the value it replaces, even once expired.
    category_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("categories.id"), index=True,
                                                   active_history=True)
    quarter_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("quarters.id"), index=True,
                                                         active_history=True)
    lat: so.Mapped[float] = so.mapped_column(active_history=True)
    lon: so.Mapped[float] = so.mapped_column(active_history=True)
    photo_key: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)

    status: so.Mapped[IdeaStatus] = so.mapped_column(
        enum_column(IdeaStatus, "idea_status"),
        default=IdeaStatus.PENDING,
        server_default=IdeaStatus.PENDING.value,
        active_history=True,
    )
    rejection_reason: so.Mapped[RejectionReason | None] = so.mapped_column(
        enum_column(RejectionReason, "rejection_reason")
    )
    rejection_note: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    duplicate_of_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("ideas.id"), index=True
    )
    # Indexed by `ix_ideas_group_id` (in `__table_args__`: partial).
    group_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("idea_groups.id"))
    stage: so.Mapped[IdeaStage] = so.mapped_column(
        enum_column(IdeaStage, "idea_stage"),
        default=IdeaStage.NEW,
        server_default=IdeaStage.NEW.value,
        active_history=True,
    )
    public_answer: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    answered_at: so.Mapped[dt.datetime | None]
    support_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    comment_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # Set for every published idea (`_keep_derived_columns`), so the newest-first list sorts on
    # it alone, from an index.
    published_at: so.Mapped[dt.datetime | None] = so.mapped_column(active_history=True)
    # The point's cell on the map's grid at each level of `core.grid` (kept with lat/lon).
    cell_10: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0, server_default="0")
    cell_12: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0, server_default="0")
    cell_14: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0, server_default="0")
    cell_16: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0, server_default="0")
    cell_18: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0, server_default="0")
    # Written on paper at a forum and imported from the filled template by an organiser:
    # the forum it was collected at, and the hash of its row, which keeps a file imported
    # twice from adding the idea twice.
    collected_at_forum_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("forums.id"), index=True
    )
    import_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    # Optimistic locking: two moderators acting on one idea cannot silently overwrite each other.
    version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    author: so.Mapped[User] = so.relationship()
    category: so.Mapped[Category] = so.relationship()
    quarter: so.Mapped[Quarter | None] = so.relationship()
    group: so.Mapped[IdeaGroup | None] = so.relationship(back_populates="ideas")
    duplicate_of: so.Mapped[Idea | None] = so.relationship(remote_side=[id])
    collected_at_forum: so.Mapped[Forum | None] = so.relationship()
    recommendation_links: so.Mapped[list[RecommendationLink]] = so.relationship(
        back_populates="idea"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def reference(self) -> str:
        """A number people can say aloud at a forum: `2026-00042`."""
        return f"{self.created_at:%Y}-{self.id:05d}"

    @property
    def is_public(self) -> bool:
        return self.status in (IdeaStatus.PUBLISHED, IdeaStatus.DUPLICATE)

    def __repr__(self) -> str:
        return f"<Idea {self.id} {self.status.value}>"


@sa.event.listens_for(Idea, "before_insert")
@sa.event.listens_for(Idea, "before_update")
def _keep_derived_columns(_mapper: object, _connection: object, idea: Idea) -> None:
    """Columns that follow others, kept in step by whichever code writes the idea (bulk
    statements that set lat/lon or publish must do the same: see `grid.cell_keys`)."""
    state = sa.inspect(idea)
    if state.attrs.lat.history.has_changes() or state.attrs.lon.history.has_changes() \
            or idea.cell_10 in (None, 0):
        for column, key in grid.cell_keys(idea.lat, idea.lon).items():
            setattr(idea, column, key)
    if idea.status is IdeaStatus.PUBLISHED and idea.published_at is None:
        # created_at is still unset before an INSERT (its default comes with the statement).
        idea.published_at = getattr(idea, "created_at", None) or utcnow()


Values = dict[str, Any]


def _old(idea: Idea, name: str) -> Any:
    history = sa.inspect(idea).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(idea, name)


def flushed_changes(session: so.Session, names: Iterable[str]
                    ) -> Iterator[tuple[Values | None, Values | None]]:
    """What each idea of a flush was and is, by the attributes `names`: None before an
    insert and after a delete. Read after the flush (`after_flush`): the session's new, dirty
    and deleted objects and the attributes' history still tell what was before."""
    names = tuple(names)
    for obj in session.new:
        if isinstance(obj, Idea):
            yield None, {name: getattr(obj, name) for name in names}
    for obj in session.dirty:
        if isinstance(obj, Idea) and session.is_modified(obj):
            yield ({name: _old(obj, name) for name in names},
                   {name: getattr(obj, name) for name in names})
    for obj in session.deleted:
        if isinstance(obj, Idea):
            yield {name: _old(obj, name) for name in names}, None


# The full-text index over search_text (`domain.search`).
search.attach(Idea.__table__)


class Support(Model):
    __tablename__ = "supports"
    __table_args__ = (sa.UniqueConstraint("user_id", "idea_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    idea_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("ideas.id"), index=True)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)


class CommentStatus(LabelledEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.VISIBLE: _l("Visible"), cls.HIDDEN: _l("Hidden")}


class Comment(TimestampMixin, Model):
    __tablename__ = "comments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    idea_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("ideas.id"), index=True)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[CommentStatus] = so.mapped_column(
        enum_column(CommentStatus, "comment_status"),
        default=CommentStatus.VISIBLE,
        server_default=CommentStatus.VISIBLE.value,
    )
    hidden_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")

    idea: so.Mapped[Idea] = so.relationship()
    author: so.Mapped[User] = so.relationship()


class ReportReason(LabelledEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.SPAM: _l("Spam or advertising"),
            cls.OFFENSIVE: _l("Offensive or hateful"),
            cls.PERSONAL_DATA: _l("Reveals someone's personal data"),
            cls.OFF_TOPIC: _l("Off topic"),
            cls.OTHER: _l("Other"),
        }


class ReportStatus(LabelledEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    ACTIONED = "actioned"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.OPEN: _l("Open"), cls.DISMISSED: _l("Dismissed"), cls.ACTIONED: _l("Acted on")}


class Report(TimestampMixin, Model):
    """A resident's flag on an idea or a comment; each resident flags a thing once."""

    __tablename__ = "reports"
    __table_args__ = (
        sa.CheckConstraint("(idea_id IS NULL) <> (comment_id IS NULL)", name="exactly_one_target"),
        sa.UniqueConstraint("reporter_id", "idea_id"),
        sa.UniqueConstraint("reporter_id", "comment_id"),
        sa.CheckConstraint(
            "(status = 'open') = (resolved_at IS NULL)", name="resolved_when_closed"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    reporter_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    idea_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("ideas.id"), index=True)
    comment_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("comments.id"), index=True)
    reason: so.Mapped[ReportReason] = so.mapped_column(enum_column(ReportReason, "report_reason"))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    status: so.Mapped[ReportStatus] = so.mapped_column(
        enum_column(ReportStatus, "report_status"),
        default=ReportStatus.OPEN,
        server_default=ReportStatus.OPEN.value,
        index=True,
    )
    resolved_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id"), index=True
    )
    resolved_at: so.Mapped[dt.datetime | None]

    reporter: so.Mapped[User] = so.relationship(foreign_keys=[reporter_id])
    resolved_by: so.Mapped[User | None] = so.relationship(foreign_keys=[resolved_by_id])
    idea: so.Mapped[Idea | None] = so.relationship()
    comment: so.Mapped[Comment | None] = so.relationship()

