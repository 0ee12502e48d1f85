"""The accounts feature's e-mails, each in the language of the person it goes to.

Links are absolute, under PUBLIC_BASE_URL (there may be no request, and a request's own host
may be an internal one behind a proxy).
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, render_template
from flask_babel import force_locale, format_timedelta
from flask_babel import gettext as _

from myalmaty.auth.tokens import make_registration_token, make_reset_token, public_url
from myalmaty.core.mail import send_mail
from myalmaty.domain.accounts import PendingRegistration, User


def _duration(setting: str) -> str:
    """How long a link stays valid, in words of the language in force ("2 hours")."""
    seconds = int(current_app.config[setting])
    return str(format_timedelta(dt.timedelta(seconds=seconds), threshold=1))


def _reset_link(user: User) -> str:
    return public_url("auth.reset_password", token=make_reset_token(user.id, user.password_hash))


def send_password_reset_link(user: User) -> None:
    with force_locale(user.locale):
        body = render_template(
            "auth/email/reset_password.txt",
            user=user,
            link=_reset_link(user),
            valid_for=_duration("PASSWORD_RESET_MAX_AGE"),
        )
        subject = _("Reset your password on #MyAlmaty Ideas")
    send_mail(user.email, subject, body)


def send_registration_link(registration: PendingRegistration, next_path: str | None) -> None:
    """The link that finishes a registration, in the language chosen on the form."""
    values: dict[str, object] = {"token": make_registration_token(registration.id)}
    if next_path:
        values["next"] = next_path
    with force_locale(registration.locale):
        body = render_template(
            "auth/email/finish_registration.txt",
            name=registration.display_name,
            link=public_url("auth.finish_registration", **values),
            valid_for=_duration("REGISTRATION_CONFIRM_MAX_AGE"),
        )
        subject = _("Finish registering on #MyAlmaty Ideas")
    send_mail(registration.email, subject, body)


def send_registration_attempt_notice(owner: User) -> None:
    """Someone registered with an address that has an account: its owner hears of it, in the
    account's language, with a way in (sign in) and a way back in (a new password)."""
    with force_locale(owner.locale):
        body = render_template(
            "auth/email/registration_attempt.txt",
            user=owner,
            sign_in_link=public_url("auth.login"),
            reset_link=_reset_link(owner),
            valid_for=_duration("PASSWORD_RESET_MAX_AGE"),
        )
        subject = _("Someone tried to register with your e-mail address")
    send_mail(owner.email, subject, body)
