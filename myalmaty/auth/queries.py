"""Every query of the accounts feature."""

from __future__ import annotations

import sqlalchemy as sa

from myalmaty.auth.models import User
from myalmaty.extensions import db


def user_by_email(email: str) -> User | None:
    """The account with this (already normalised) e-mail address, deleted or not."""
    return db.session.scalar(sa.select(User).where(User.email == email))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def email_is_taken(email: str) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(User.email == email))) or False
