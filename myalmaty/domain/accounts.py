"""Accounts."""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import orm as so

from myalmaty.core.models import TimestampMixin, enum_column
from myalmaty.core.permissions import Role
from myalmaty.extensions import Model

LOCALES = ("ru", "kk", "en")


class User(UserMixin, TimestampMixin, Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
        sa.CheckConstraint("locale IN ('ru', 'kk', 'en')", name="locale_known"),
        # A deleted account keeps its row (ideas point at it) but nothing that identifies a person.
        sa.CheckConstraint(
            "deleted_at IS NULL OR (active = false AND password_hash IS NULL)",
            name="deleted_is_anonymous",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(256))
    role: so.Mapped[Role] = so.mapped_column(
        enum_column(Role, "user_role"), default=Role.RESIDENT, server_default=Role.RESIDENT.value
    )
    locale: so.Mapped[str] = so.mapped_column(sa.String(2), default="ru", server_default="ru")
    active: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    consented_at: so.Mapped[dt.datetime | None]
    last_seen_at: so.Mapped[dt.datetime | None]
    deleted_at: so.Mapped[dt.datetime | None]

    @property
    def is_active(self) -> bool:  # flask-login asks this
        return self.active and self.deleted_at is None

    def get_id(self) -> str:
        """What the session and the remember-me cookie hold: the id and a fingerprint of the
        password hash, so that changing the password ends every other session, remembered
        ones included (the user loader refuses an outdated fingerprint)."""
        return f"{self.id}:{password_fingerprint(self.password_hash)}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


def password_fingerprint(password_hash: str | None) -> str:
    """A short digest of the hash: the token is readable (only signed), so it must not carry
    the hash, or any part of it, as it is."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:20]
