"""Every query of the accounts feature."""

from __future__ import annotations

import sqlalchemy as sa

from myalmaty.core.permissions import Role
from myalmaty.domain.accounts import PendingRegistration, SignInFailures, User
from myalmaty.extensions import db


def user_by_email(email: str) -> User | None:
    """The account with this (already normalised) e-mail address, deleted or not."""
    return db.session.scalar(sa.select(User).where(User.email == email))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def email_is_taken(email: str) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(User.email == email))) or False


def active_organiser_ids(lock: bool = False) -> list[int]:
    """Ids of the organisers who can still sign in; `lock` holds their rows until commit, so
    that two organisers demoting each other at once cannot leave the platform without one."""
    query = sa.select(User.id).where(
        User.role == Role.ORGANISER, User.active.is_(True), User.deleted_at.is_(None)
    )
    if lock:
        query = query.with_for_update()
    return list(db.session.scalars(query))


def sign_in_failures(address_key: str, lock: bool = False) -> SignInFailures | None:
    """The failed-sign-in streak of an address (by its digest); `lock` holds the row until
    commit, so concurrent attempts with one address wait for each other."""
    query = sa.select(SignInFailures).where(SignInFailures.address_key == address_key)
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query)


def pending_registration(registration_id: int) -> PendingRegistration | None:
    return db.session.get(PendingRegistration, registration_id)
