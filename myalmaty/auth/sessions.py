"""Signed-in sessions end when the account's password changes elsewhere.

A session remembers a fingerprint of the password hash it was opened with; a password changed
(on another device, or by a reset link) no longer matches, and the session is signed out. The
session that changed the password is bound again to the new one and stays signed in.
"""

from __future__ import annotations

from flask import request, session
from flask_login import current_user, logout_user

from myalmaty.auth import bp
from myalmaty.auth.models import User
from myalmaty.auth.tokens import password_fingerprint

_KEY = "_auth_pw"


def bind_session_to_password(user: User) -> None:
    session[_KEY] = password_fingerprint(user.password_hash)


@bp.before_app_request
def sign_out_if_password_changed() -> None:
    remembered = session.get(_KEY)
    if remembered is None or request.endpoint == "static" or not current_user.is_authenticated:
        return
    if remembered != password_fingerprint(current_user.password_hash):
        logout_user()
        session.pop(_KEY, None)
