"""The request edge every feature's routes share: who is acting, finding what the address
names, showing a refusal on a form, and running a decision from form to redirect.

One way for each: a route that takes a form calls `run_decision` (`run_decision_json` when a
page's script sends it); a route that reads an id
from the address calls `or_404`; services never see `request` or `current_user`, they get
`current_account()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import sqlalchemy as sa
from flask import Flask, abort, flash, jsonify, redirect, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms.widgets import HiddenInput

from myalmaty.core.errors import DomainError, FieldError, render_error
from myalmaty.core.redirects import safe_next
from myalmaty.extensions import db

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User

T = TypeVar("T")
R = TypeVar("R")

# A page rendered again with its form as typed, and the status that says why.
Rendered = tuple[str, int]


@overload
def current_account() -> User: ...
@overload
def current_account(*, required: Literal[False]) -> User | None: ...
def current_account(*, required: bool = True) -> User | None:
    """The signed-in person as the model object services take (not Flask-Login's proxy).

    Behind `login_required` (or a role decorator) it is always there; `required=False` is for
    pages anyone may open, where it is None for a visitor.
    """
    if current_user.is_authenticated:
        return current_user._get_current_object()
    if required:
        abort(401)
    return None


def or_404(found: T | None) -> T:
    """What the address names, or the translated 404 page when there is no such thing."""
    if found is None:
        abort(404)
    return found


def stored_id(row: Any) -> int:
    """The id a committed row was stored under, without loading it again: a commit expires
    every row of the session, and reading `row.id` afterwards selects the whole row."""
    identity = sa.inspect(row).identity
    if identity is None:
        raise ValueError("the row has not been stored")
    return int(identity[0])


def show_error(form: FlaskForm, error: DomainError) -> None:
    """A service's refusal beside the field it concerns, or as a message above the page."""
    if isinstance(error, FieldError) and error.field in form:
        form[error.field].errors = [*form[error.field].errors, str(error)]
    else:
        flash(str(error), "error")
    for problem in getattr(error, "problems", []):
        flash(problem, "error")


def run_decision(
    form: FlaskForm,
    decide: Callable[[], R],
    *,
    success: Callable[[R], str] | str,
    done: Callable[[R], str] | str,
    rerender: Callable[[int], Rendered],
) -> Response | Rendered:
    """Validate, decide, commit once, say so, redirect.

    On bad input or a refusal the page is rendered again with the form as typed: 400, or the
    refusal's own status (404 for a vanished target, 409 for a stale form). `done` is where to
    go next unless the form carries a safe `next`; it may depend on the result (the new
    theme's page after creating a theme).
    """
    if not form.validate_on_submit():
        flash(_("Please correct the highlighted fields."), "error")
        for message in _hidden_field_errors(form):
            flash(message, "error")
        return rerender(400)
    try:
        result = decide()
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return rerender(error.status_code)
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return redirect(safe_next(done(result) if callable(done) else done))


def run_decision_json(
    form: FlaskForm,
    decide: Callable[[], R],
    *,
    answer: Callable[[R], dict[str, Any]],
) -> Response | tuple[Response | str, int]:
    """`run_decision` for a page's script (`fetch` asking for JSON): the same checks and the
    one commit, answered in JSON instead of a message and a redirect, so the page the person
    is on (and what they are typing there) stays as it is. `answer` is built after the
    commit, from fresh rows."""
    if not form.validate_on_submit():
        problems = [str(message) for field in form for message in field.errors]
        return render_error(400, " ".join(problems) or None)
    try:
        result = decide()
    except DomainError as error:
        db.session.rollback()
        return render_error(error.status_code, str(error))
    db.session.commit()
    return jsonify(answer(result))


def _hidden_field_errors(form: FlaskForm) -> list[str]:
    """Errors of hidden fields (the version, the CSRF token): no label shows them, so flash."""
    return [
        str(message)
        for field in form
        if field.errors and (isinstance(field.widget, HiddenInput) or field.type == "CSRFTokenField")
        for message in field.errors
    ]


# Messages waiting in the session cookie for the next page: the newest few. A client that
# never opens the page a redirect names (a script, a form sent again and again) would
# otherwise grow the cookie with every answer, and every request would read and sign it
# again, until browsers refuse it (about 4 KB) and the person is signed out.
KEPT_MESSAGES = 5


def keep_recent_messages(response: Response) -> Response:
    # `in` does not mark the session read: pages without messages still vary on nothing.
    if "_flashes" in session and len(session["_flashes"]) > KEPT_MESSAGES:
        session["_flashes"] = session["_flashes"][-KEPT_MESSAGES:]
    return response


def init_app(app: Flask) -> None:
    app.after_request(keep_recent_messages)
