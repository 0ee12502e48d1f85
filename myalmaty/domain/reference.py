"""Reference data that organisers manage: forums, recommendations, agenda, quarters, categories."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.core.models import TimestampMixin, Translated
from myalmaty.extensions import Model

if TYPE_CHECKING:
    from myalmaty.domain.ideas import Idea
    from myalmaty.domain.themes import IdeaGroup


class Category(TimestampMixin, Model):
    __tablename__ = "categories"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    name_ru: so.Mapped[str] = so.mapped_column(sa.String(80))
    name_kk: so.Mapped[str] = so.mapped_column(sa.String(80))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(80))
    position: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # Categories in use are archived, never deleted: ideas keep pointing at them.
    archived: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    name = Translated("name")

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class Quarter(TimestampMixin, Model):
    """A creative quarter: an area of the city with a boundary polygon."""

    __tablename__ = "quarters"
    __table_args__ = (
        sa.CheckConstraint("min_lon <= max_lon AND min_lat <= max_lat", name="bbox_ordered"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    name_ru: so.Mapped[str] = so.mapped_column(sa.String(120))
    name_kk: so.Mapped[str] = so.mapped_column(sa.String(120))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(120))
    description_ru: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    description_kk: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    # GeoJSON geometry (Polygon or MultiPolygon, lon/lat) as text; the bounding box and centre
    # are derived from it on save so that lookups need not parse every boundary.
    boundary_geojson: so.Mapped[str] = so.mapped_column(sa.Text)
    min_lon: so.Mapped[float]
    min_lat: so.Mapped[float]
    max_lon: so.Mapped[float]
    max_lat: so.Mapped[float]
    centre_lat: so.Mapped[float]
    centre_lon: so.Mapped[float]
    archived: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    name = Translated("name")
    description = Translated("description")

    def __repr__(self) -> str:
        return f"<Quarter {self.slug}>"


class Forum(TimestampMixin, Model):
    __tablename__ = "forums"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title_ru: so.Mapped[str] = so.mapped_column(sa.String(200))
    title_kk: so.Mapped[str] = so.mapped_column(sa.String(200))
    title_en: so.Mapped[str] = so.mapped_column(sa.String(200))
    venue_ru: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    venue_kk: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    venue_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="", server_default="")
    held_on: so.Mapped[dt.date] = so.mapped_column(index=True)

    recommendations: so.Mapped[list[Recommendation]] = so.relationship(
        back_populates="forum", order_by="Recommendation.position"
    )
    agenda: so.Mapped[list[AgendaItem]] = so.relationship(
        back_populates="forum", order_by="AgendaItem.position"
    )

    title = Translated("title")
    venue = Translated("venue")

    def __repr__(self) -> str:
        return f"<Forum {self.id} {self.held_on}>"


class Recommendation(TimestampMixin, Model):
    """Advice given at a forum, which ideas and groups are linked to."""

    __tablename__ = "recommendations"
    __table_args__ = (sa.UniqueConstraint("forum_id", "position"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    forum_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("forums.id"), index=True)
    position: so.Mapped[int]
    title_ru: so.Mapped[str] = so.mapped_column(sa.String(200))
    title_kk: so.Mapped[str] = so.mapped_column(sa.String(200))
    title_en: so.Mapped[str] = so.mapped_column(sa.String(200))
    text_ru: so.Mapped[str] = so.mapped_column(sa.Text)
    text_kk: so.Mapped[str] = so.mapped_column(sa.Text)
    text_en: so.Mapped[str] = so.mapped_column(sa.Text)

    forum: so.Mapped[Forum] = so.relationship(back_populates="recommendations")

    title = Translated("title")
    text = Translated("text")

    def __repr__(self) -> str:
        return f"<Recommendation {self.forum_id}/{self.position}>"


class AgendaItem(TimestampMixin, Model):
    """A group or an idea put on a forum's agenda for discussion."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        sa.CheckConstraint(
            "(group_id IS NULL) <> (idea_id IS NULL)", name="exactly_one_subject"
        ),
        sa.UniqueConstraint("forum_id", "group_id"),
        sa.UniqueConstraint("forum_id", "idea_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    forum_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("forums.id"), index=True)
    group_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("idea_groups.id"), index=True)
    idea_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("ideas.id"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    # When the forum comes to this point, in the forum's own (local) time; None: only the order.
    starts_at: so.Mapped[dt.time | None] = so.mapped_column(sa.Time, default=None)
    added_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)

    forum: so.Mapped[Forum] = so.relationship(back_populates="agenda")
    group: so.Mapped[IdeaGroup | None] = so.relationship()
    idea: so.Mapped[Idea | None] = so.relationship()
