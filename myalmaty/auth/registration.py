"""Registering: an account is made only once its e-mail address is confirmed.

`register_user` answers alike whether or not the address has an account (see its docstring);
`finish_registration`, reached through the link mailed to a new address, makes the account.
Request-free like every service; they flush, the caller commits.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from myalmaty.auth import lockout, mails, queries, services
from myalmaty.auth.passwords import hash_password, password_matches
from myalmaty.auth.tokens import InvalidToken, read_registration_token
from myalmaty.core.errors import DomainError, FieldError
from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role
from myalmaty.domain.accounts import PendingRegistration, User
from myalmaty.extensions import db

log = logging.getLogger(__name__)

NOT_THE_CHOSEN_PASSWORD = _l("This is not the password you chose when registering.")
INVALID_REGISTRATION_LINK = _l(
    "This link to finish registering is not valid: it has expired or has already been used. "
    "Please register again."
)


def register_user(
    *,
    email: str,
    display_name: str,
    password: str,
    locale: str,
    consented: bool,
    next_path: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """A resident's own registration (consent to the processing of personal data required).

    Registering never says whether the address has an account, and never signs anyone in:
    after valid input the answer is always the same, "we have written to this address", and
    the rest happens in that mailbox, where only the address's owner looks.

    - A new address gets a link to finish registering. No account exists until the link is
      opened and the password chosen here is entered again: an address nobody confirmed never
      becomes an account, and a stranger cannot prepare an account, with a password they know,
      for someone else's address. Finishing signs the person in (`finish_registration`).
    - An address with an account gets a notice in the account's language: someone tried to
      register with it, nothing was made or changed; a sign-in link and a password-reset link.
      Nothing goes to a deactivated account (it could use neither link; a reset request does
      not write to it either).

    Both ways do the work the requester could time alike (the checks, one password hash, one
    mail); they return nothing, so the caller cannot tell them apart either.
    """
    address = services.valid_email(email)
    name = services.clean_display_name(display_name)
    services.check_password_strength(password, address)
    services.check_locale(locale)
    if not consented:
        raise FieldError("consent", services.CONSENT_REQUIRED)
    now = now or utcnow()
    password_hash = hash_password(password)  # hashed either way: the time taken is the same
    _forget_expired_registrations(now)
    owner = queries.user_by_email(address)
    if owner is not None:
        if owner.is_active:
            mails.send_registration_attempt_notice(owner)
        else:
            log.info("Registration with the address of a deactivated account: no mail")
        return
    registration = PendingRegistration(
        email=address,
        display_name=name,
        password_hash=password_hash,
        locale=locale,
        consented_at=now,
        created_at=now,
    )
    db.session.add(registration)
    db.session.flush()
    mails.send_registration_link(registration, next_path)


def _forget_expired_registrations(now: dt.datetime) -> None:
    """Registrations whose link has expired: nothing can finish them any more."""
    oldest = now - dt.timedelta(seconds=int(current_app.config["REGISTRATION_CONFIRM_MAX_AGE"]))
    db.session.execute(
        sa.delete(PendingRegistration).where(PendingRegistration.created_at < oldest)
    )


def pending_registration_for(token: str) -> PendingRegistration:
    """The registration a "finish registering" link belongs to, while the link is valid."""
    try:
        registration_id = read_registration_token(
            token, int(current_app.config["REGISTRATION_CONFIRM_MAX_AGE"])
        )
    except InvalidToken as error:
        raise DomainError(INVALID_REGISTRATION_LINK) from error
    registration = queries.pending_registration(registration_id)
    if registration is None:
        raise DomainError(INVALID_REGISTRATION_LINK)
    return registration


def finish_registration(token: str, password: str, now: dt.datetime | None = None) -> User:
    """Make the account a registration asked for: the link proves the mailbox, the password
    proves it is the person who registered. Every registration waiting for the address goes.
    The caller signs the new account in."""
    registration = pending_registration_for(token)
    if not password_matches(registration.password_hash, password):
        raise FieldError("password", NOT_THE_CHOSEN_PASSWORD)
    now = now or utcnow()
    if queries.email_is_taken(registration.email):  # finished meanwhile through another link
        raise DomainError(services.EMAIL_TAKEN)
    user = services.add_new_user(
        User(
            email=registration.email,
            display_name=registration.display_name,
            password_hash=registration.password_hash,
            role=Role.RESIDENT,
            locale=registration.locale,
            active=True,
            consented_at=registration.consented_at,
            last_seen_at=now,
        )
    )
    db.session.execute(
        sa.delete(PendingRegistration).where(PendingRegistration.email == registration.email)
    )
    # Failures with the address before it had an account must not pause its first sign-in.
    lockout.end_streak(registration.email)
    db.session.flush()
    return user
