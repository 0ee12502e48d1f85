"""Work done in the background for a person: exports being written, and decisions waiting to
be told in one mail.

An export job keeps what the organiser asked for as the export form's own arguments (not a
filter object), so the job reads them through the form of the day, with whatever filters it
has; the file itself lives in EXPORTS_FOLDER until `expires_at`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.core.models import utcnow
from myalmaty.extensions import Model

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User
    from myalmaty.domain.audit import ModerationEvent

EXPORT_STATUSES = ("queued", "running", "done", "failed", "expired")


class ExportJob(Model):
    """One export an organiser asked for on the exports page, and where it has got to."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'expired')",
                           name="status_known"),
        sa.Index("ix_export_jobs_requested_by_created", "requested_by_id", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    requested_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    # The export form's fields as submitted, {name: [values]}.
    args: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    format: so.Mapped[str] = so.mapped_column(sa.String(20))
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="queued",
                                              server_default="queued")
    rows_done: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    rows_total: so.Mapped[int | None]
    filename: so.Mapped[str] = so.mapped_column(sa.String(255), default="", server_default="")
    # The file's name inside EXPORTS_FOLDER (never a path given by anyone).
    path: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    size: so.Mapped[int | None]
    # Why it failed, in the words of the person who asked; empty for an unexpected failure.
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    started_at: so.Mapped[dt.datetime | None]
    finished_at: so.Mapped[dt.datetime | None]
    expires_at: so.Mapped[dt.datetime | None] = so.mapped_column(index=True)

    requested_by: so.Mapped[User] = so.relationship()

    @property
    def percent(self) -> int | None:
        if self.status == "done":
            return 100
        if not self.rows_total:
            return None
        return min(100, self.rows_done * 100 // self.rows_total)

    def __repr__(self) -> str:
        return f"<ExportJob {self.id} {self.format} {self.status}>"


class PendingNotification(Model):
    """A decision its author is still to be told of: decisions on one person's ideas wait
    together until `due_at` (the end of the window opened by the first), then go as one mail."""

    __tablename__ = "pending_notifications"
    __table_args__ = (sa.Index("ix_pending_notifications_sent_due", "sent_at", "due_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    recipient_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("moderation_events.id"), index=True)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    due_at: so.Mapped[dt.datetime]
    sent_at: so.Mapped[dt.datetime | None]

    recipient: so.Mapped[User] = so.relationship()
    event: so.Mapped[ModerationEvent] = so.relationship()
