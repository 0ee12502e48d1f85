"""Keeping the session that changed a password signed in.

Sessions hold `User.get_id()`, which carries a fingerprint of the password hash: a changed
password ends every session opened before it. The session that made the change is signed in
again under the new fingerprint, keeping its "remember me" choice.
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import login_user

from myalmaty.domain.accounts import User


def keep_this_session(user: User) -> None:
    cookie_name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=cookie_name in request.cookies)
