"""Signed password-reset links.

The token carries the account id and a fingerprint of the current password hash: once the
password changes (the link was used, or the person remembered it), every older link stops
working, without keeping any token in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from myalmaty.domain.accounts import password_fingerprint

_SALT = "myalmaty.password-reset"


@dataclass(frozen=True)
class ResetClaim:
    user_id: int
    fingerprint: str


class InvalidToken(Exception):
    """The link was tampered with, has expired, or is not a reset link at all."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


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


def public_url(endpoint: str, **values: object) -> str:
    """An absolute address under PUBLIC_BASE_URL, built without a request (e-mails are
    written by services, and the request's own host may be an internal one behind a proxy)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)
