"""Password hashing (werkzeug's scrypt by default; tests configure a cheaper method)."""

from __future__ import annotations

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 10
# Hashing cost grows with the input; nobody types more than this.
MAX_PASSWORD_LENGTH = 256

_dummy_hashes: dict[str, str] = {}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def password_matches(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    return check_password_hash(password_hash, password)


def spend_a_hash_check(password: str) -> None:
    """Check `password` against a throw-away hash, so that a sign-in with an unknown e-mail
    takes as long as one with a known e-mail and a wrong password (no enumeration by timing)."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("not a real password", method=method)
    check_password_hash(_dummy_hashes[method], password)
