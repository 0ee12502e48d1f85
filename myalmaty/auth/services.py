"""Accounts: registration, sign-in, profile, password reset, deletion.

Plain functions with explicit arguments (no request, no current user); they flush and raise
`DomainError`s with lazily translated messages, and the caller commits.
"""

from __future__ import annotations

import datetime as dt
import logging
import math

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import format_timedelta
from flask_babel import lazy_gettext as _l

from myalmaty.auth import lockout, mails, queries
from myalmaty.auth.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    password_matches,
    spend_a_hash_check,
)
from myalmaty.auth.tokens import InvalidToken, read_reset_token
from myalmaty.core.errors import DomainError, FieldError
from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role
from myalmaty.core.text import clean_line
from myalmaty.domain.accounts import LOCALES, NOTIFY_CHOICES, User, password_fingerprint
from myalmaty.extensions import db

log = logging.getLogger(__name__)

DISPLAY_NAME_MAX = 80

INVALID_EMAIL = _l("Please enter a valid e-mail address.")
EMAIL_TAKEN = _l(
    "An account with this e-mail address already exists. Sign in, or reset your password "
    "if you have forgotten it."
)
# One message for every failed sign-in, so nobody can learn which addresses have accounts.
WRONG_CREDENTIALS = _l("The e-mail address or the password is not right.")
# Said alike for addresses with and without an account, whatever password was typed.
SIGN_IN_PAUSED = _l(
    "Too many failed attempts to sign in with this e-mail address. Please try again "
    "%(when)s, or choose a new password with “Forgot your password?”."
)
PASSWORD_TOO_SHORT = _l("The password must be at least %(min)d characters long.")
PASSWORD_TOO_LONG = _l("The password must be at most %(max)d characters long.")
PASSWORD_IS_EMAIL = _l("The password must not be your e-mail address.")
WRONG_CURRENT_PASSWORD = _l("The current password is not right.")
NAME_REQUIRED = _l("Please enter the name other residents will see.")
NAME_TOO_LONG = _l("The name must be at most %(max)d characters long.")
UNKNOWN_LANGUAGE = _l("Please choose one of the offered languages.")
CONSENT_REQUIRED = _l("Your consent to the processing of personal data is needed to register.")
INVALID_RESET_LINK = _l(
    "This password-reset link is not valid: it has expired or has already been used. "
    "Please ask for a new one."
)


class SignInRefused(DomainError):
    """A sign-in refused; the attempt still counts, so the caller commits before showing it."""


class _InTime:
    """A wait in words of the language the message is shown in, rounded up: "in 2 minutes",
    "через 2 минуты", "2 минуттан кейін" (the direction too, for each language's grammar)."""

    def __init__(self, wait: dt.timedelta) -> None:
        seconds = max(1, math.ceil(wait.total_seconds()))
        self.delta = dt.timedelta(seconds=seconds if seconds < 60 else 60 * math.ceil(seconds / 60))

    def __str__(self) -> str:
        return str(format_timedelta(self.delta, threshold=1, add_direction=True))


class SignInPaused(SignInRefused):
    """Sign-in with this address is paused (`lockout`); `retry_after` in whole seconds."""

    status_code = 429

    def __init__(self, wait: dt.timedelta) -> None:
        super().__init__(SIGN_IN_PAUSED, when=_InTime(wait))
        self.retry_after = max(1, math.ceil(wait.total_seconds()))


# --- rules shared by the forms, the services and the command line -------------------------


def normalise_email(raw: str) -> str:
    """The stored form of an address: normalised as email-validator does, then lower-cased
    (addresses are unique regardless of case). Anything unparseable is just trimmed."""
    raw = (raw or "").strip()
    try:
        return validate_email(raw, check_deliverability=False, test_environment=True).normalized.lower()
    except EmailNotValidError:
        return raw.lower()


def valid_email(raw: str) -> str:
    try:
        address = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise FieldError("email", INVALID_EMAIL) from error
    return address.normalized.lower()


def check_password_strength(password: str, email: str = "", field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldError(field, PASSWORD_TOO_SHORT, min=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise FieldError(field, PASSWORD_TOO_LONG, max=MAX_PASSWORD_LENGTH)
    if email and password.strip().lower() == email.strip().lower():
        raise FieldError(field, PASSWORD_IS_EMAIL)


def clean_display_name(raw: str) -> str:
    """The same cleaning as every form's one-line field (`core.text.clean_line`), so a name
    given on the command line stores what the registration form would have stored."""
    name = clean_line(raw)
    if not name:
        raise FieldError("display_name", NAME_REQUIRED)
    if len(name) > DISPLAY_NAME_MAX:
        raise FieldError("display_name", NAME_TOO_LONG, max=DISPLAY_NAME_MAX)
    return name


UNKNOWN_NOTIFY = _l("Choose which e-mails you want from the list.")


def check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise FieldError("locale", UNKNOWN_LANGUAGE)
    return locale


# --- accounts ------------------------------------------------------------------------------


def add_new_user(user: User) -> User:
    """Add `user`; an e-mail taken meanwhile by a parallel registration is the same refusal
    as one taken before (the unique constraint decides)."""
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except sa.exc.IntegrityError as error:
        raise FieldError("email", EMAIL_TAKEN) from error
    return user


def create_user(
    *, email: str, password: str, role: Role, display_name: str | None = None, locale: str = "ru"
) -> User:
    """An account made by an administrator (command line). The person has not consented
    through the form, so `consented_at` stays empty until they do."""
    address = valid_email(email)
    name = clean_display_name(display_name if display_name is not None else str(role.label))
    check_password_strength(password, address)
    check_locale(locale)
    if queries.email_is_taken(address):
        raise FieldError("email", EMAIL_TAKEN)
    return add_new_user(
        User(
            email=address,
            display_name=name,
            password_hash=hash_password(password),
            role=role,
            locale=locale,
            active=True,
        )
    )


def authenticate(email: str, password: str, now: dt.datetime | None = None) -> User:
    """The account these credentials open; its last sign-in is noted.

    One refusal for an unknown address, a wrong password and a deactivated or deleted account
    alike (`SignInRefused`); each counts towards a pause of sign-in with the address
    (`lockout`), and while one runs every attempt gets `SignInPaused`, without the password
    even being checked, so the answer tells nothing about it. The caller commits refusals.
    """
    now = now or utcnow()
    address = normalise_email(email)
    wait = lockout.remaining_pause(address, now)
    if wait is not None:
        raise SignInPaused(wait)
    user = queries.user_by_email(address)
    if user is None or user.password_hash is None:
        spend_a_hash_check(password)
        opens = False
    else:
        opens = password_matches(user.password_hash, password) and user.is_active
    if user is None or not opens:
        pause = lockout.record_failure(address, now)
        if pause is not None:
            raise SignInPaused(pause)
        raise SignInRefused(WRONG_CREDENTIALS)
    lockout.end_streak(address)
    user.last_seen_at = now
    db.session.flush()
    return user


def update_profile(user: User, *, display_name: str, locale: str, notify: str | None = None
                   ) -> None:
    user.display_name = clean_display_name(display_name)
    user.locale = check_locale(locale)
    if notify is not None:
        set_notify(user, notify)
    db.session.flush()


def set_notify(user: User, notify: str) -> None:
    """What the person wants to hear about their ideas by e-mail (see `NOTIFY_CHOICES`)."""
    if notify not in NOTIFY_CHOICES:
        raise FieldError("notify", UNKNOWN_NOTIFY)
    user.notify = notify
    db.session.flush()


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    if not password_matches(user.password_hash, current_password):
        raise FieldError("current_password", WRONG_CURRENT_PASSWORD)
    check_password_strength(new_password, user.email, field="new_password")
    user.password_hash = hash_password(new_password)
    db.session.flush()


def keep_an_organiser(target: User) -> None:
    """Refuse when `target` is the only organiser left who can sign in: without one, nobody
    could manage roles, forums or quarters any more."""
    if queries.active_organiser_ids(lock=True) == [target.id]:
        raise DomainError(
            _l("%(name)s is the last active organiser. Make someone else an organiser first."),
            name=target.display_name,
        )


def delete_account(user: User, *, password: str) -> None:
    """Anonymise the account: the row stays (ideas and comments point at it and stay, shown
    as by a former resident), nothing that identifies the person does. The consent date is
    kept as the record that the data was processed lawfully."""
    if not password_matches(user.password_hash, password):
        raise FieldError("password", WRONG_CURRENT_PASSWORD)
    keep_an_organiser(user)
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.display_name = ""
    user.password_hash = None
    user.active = False
    user.deleted_at = utcnow()
    db.session.flush()


# --- password reset ------------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """E-mail a reset link, in the person's own language, if the address has a usable account.

    Answers nothing either way: the caller says the same thing whether or not a mail went out.
    """
    user = queries.user_by_email(normalise_email(email))
    if user is None or not user.is_active or user.password_hash is None:
        log.info("Password reset asked for an address without a usable account")
        return
    mails.send_password_reset_link(user)


def user_for_reset_token(token: str) -> User:
    """The account a reset link belongs to, while the link is still valid."""
    try:
        claim = read_reset_token(token, int(current_app.config["PASSWORD_RESET_MAX_AGE"]))
    except InvalidToken as error:
        raise DomainError(INVALID_RESET_LINK) from error
    user = queries.user_by_id(claim.user_id)
    if (
        user is None
        or not user.is_active
        or password_fingerprint(user.password_hash) != claim.fingerprint
    ):
        raise DomainError(INVALID_RESET_LINK)
    return user


def reset_password(token: str, new_password: str) -> User:
    """A new password through a mailed link; it also ends a pause of sign-in with the address
    (whoever caused it, the owner has just proved the mailbox is theirs)."""
    user = user_for_reset_token(token)
    check_password_strength(new_password, user.email)
    user.password_hash = hash_password(new_password)
    lockout.end_streak(user.email)
    db.session.flush()
    return user
