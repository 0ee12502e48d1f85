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
# What a person wants to hear about their ideas by e-mail: every update, decisions only
# (published, rejected, duplicate, hidden, corrected, and their undoing), or nothing.
# Account mails (registration, password reset) are sent whatever this says.
NOTIFY_CHOICES = ("all", "decisions", "none")


class User(UserMixin, TimestampMixin, Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
        sa.CheckConstraint("locale IN ('ru', 'kk', 'en')", name="locale_known"),
        sa.CheckConstraint("notify IN ('all', 'decisions', 'none')", name="notify_known"),
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
    notify: so.Mapped[str] = so.mapped_column(sa.String(10), default="all", server_default="all")
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


class PendingRegistration(TimestampMixin, Model):
    """A registration waiting for its e-mail address to be confirmed: no account exists yet.

    The account is made only when someone opens the link mailed to the address and enters the
    password chosen here, so an address nobody confirmed never becomes an account, and a
    stranger cannot prepare one for someone else's address. Several may wait for one address
    (a retry, or a stranger's attempt); each link finishes its own. Rows older than the link's
    validity are deleted as new registrations come in.
    """

    __tablename__ = "pending_registrations"
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
        sa.CheckConstraint("locale IN ('ru', 'kk', 'en')", name="locale_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), index=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    locale: so.Mapped[str] = so.mapped_column(sa.String(2))
    consented_at: so.Mapped[dt.datetime]

    def __repr__(self) -> str:
        return f"<PendingRegistration {self.id}>"


class SignInFailures(Model):
    """Failed sign-ins in a row with one e-mail address, and the pause they have earned.

    Kept per address, not per account, and for addresses without an account too: a pause must
    look the same whether or not the address has an account. The address itself is not stored,
    only a keyed digest of it (`auth.lockout.address_key`). In the database, so every worker
    sees the same count; a row goes when a sign-in succeeds, a password is reset, or a day
    passes without failures.
    """

    __tablename__ = "sign_in_failures"
    __table_args__ = (sa.CheckConstraint("failures > 0", name="failures_positive"),)

    address_key: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    failures: so.Mapped[int]
    last_failed_at: so.Mapped[dt.datetime] = so.mapped_column(index=True)
    paused_until: so.Mapped[dt.datetime | None]

    def __repr__(self) -> str:
        return f"<SignInFailures {self.failures}>"
