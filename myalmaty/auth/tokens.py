"""Signed links in e-mails: password reset, finishing a registration, and unsubscribing.

A reset token carries the account id and a fingerprint of the current password hash: once the
password changes (the link was used, or the person remembered it), every older link stops
working, without keeping any token in the database. A registration token carries the id of
the waiting registration, which finishing deletes.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from myalmaty.domain.accounts import password_fingerprint

_SALT = "myalmaty.password-reset"
_REGISTRATION_SALT = "myalmaty.registration"


@dataclass(frozen=True)
class ResetClaim:
    user_id: int
    fingerprint: str


class InvalidToken(Exception):
    """The link was tampered with, has expired, or is not a link of this kind at all."""


def _serializer(salt: str = _SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_reset_token(user_id: int, password_hash: str | None) -> str:
    return _serializer().dumps({"u": user_id, "p": password_fingerprint(password_hash)})


def read_reset_token(token: str, max_age: int) -> ResetClaim:
    try:
        data = _serializer().loads(token, max_age=max_age)
    except BadSignature as error:  # SignatureExpired is a BadSignature too
        raise InvalidToken from error
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or "p" not in data:
        raise InvalidToken
    return ResetClaim(user_id=data["u"], fingerprint=str(data["p"]))


def make_registration_token(registration_id: int) -> str:
    return _serializer(_REGISTRATION_SALT).dumps({"r": registration_id})


def read_registration_token(token: str, max_age: int) -> int:
    """The id of the registration the link finishes."""
    try:
        data = _serializer(_REGISTRATION_SALT).loads(token, max_age=max_age)
    except BadSignature as error:
        raise InvalidToken from error
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise InvalidToken
    return int(data["r"])


def public_url(endpoint: str, **values: object) -> str:
    """An absolute address under PUBLIC_BASE_URL, built without a request (e-mails are
    written by services, and the request's own host may be an internal one behind a proxy)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


_UNSUBSCRIBE_SALT = "myalmaty.unsubscribe"


def make_unsubscribe_token(user_id: int) -> str:
    """For the link in every notification: it never expires (an old mail must still let its
    reader stop the mails), and it can do nothing but stop them."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT).dumps(
        {"n": user_id})


def read_unsubscribe_token(token: str) -> int:
    """The id of the account whose notifications the link stops."""
    try:
        data = URLSafeSerializer(current_app.config["SECRET_KEY"],
                                 salt=_UNSUBSCRIBE_SALT).loads(token)
    except BadSignature as error:
        raise InvalidToken from error
    if not isinstance(data, dict) or not isinstance(data.get("n"), int):
        raise InvalidToken
    return int(data["n"])
