"""Stopping notifications from the link in every mail, without signing in.

The signed token names the account and can do nothing but set its preference to "nothing".
GET only shows a confirmation (mail scanners open links); POST stops the mails, whether sent
by the page's button or by a mail client's one-click request (RFC 8058,
`List-Unsubscribe=One-Click`), which cannot carry a CSRF token: the signed token is the proof.
"""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue

from myalmaty.auth import queries as account_queries
from myalmaty.auth import services as account_services
from myalmaty.auth.tokens import InvalidToken, read_unsubscribe_token
from myalmaty.domain.accounts import User
from myalmaty.extensions import csrf, db
from myalmaty.moderation import public_bp


def _account(token: str) -> User:
    try:
        user_id = read_unsubscribe_token(token)
    except InvalidToken:
        abort(404)
    user = account_queries.user_by_id(user_id)
    if user is None or user.is_deleted:
        abort(404)
    return user


@public_bp.get("/unsubscribe/<string:token>")
def unsubscribe(token: str) -> ResponseReturnValue:
    user = _account(token)
    return render_template("themes/unsubscribe.html", token=token, user=user, done=False)


@public_bp.post("/unsubscribe/<string:token>")
@csrf.exempt
def unsubscribe_confirmed(token: str) -> ResponseReturnValue:
    user = _account(token)
    account_services.set_notify(user, "none")
    db.session.commit()
    return render_template("themes/unsubscribe.html", token=token, user=user, done=True)
