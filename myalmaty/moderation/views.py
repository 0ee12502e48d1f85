"""What the moderation routes share: running a decision, choices for selects, safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms.widgets import HiddenInput

from myalmaty.core.errors import DomainError
from myalmaty.domain.lookups import active_categories, active_quarters
from myalmaty.extensions import db
from myalmaty.moderation import queries
from myalmaty.moderation.forms import with_blank

Rendered = tuple[str, int]


def safe_next(default: str) -> str:
    """`next` from the form, when it is a path on this site (never another host)."""
    target = request.form.get("next") or request.args.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme:
        return target
    return default


def run_decision(
    form: FlaskForm,
    decide: Callable[[], Any],
    *,
    success: Callable[[Any], str] | str,
    done: str,
    rerender: Callable[[int], Rendered],
) -> Response | Rendered:
    """Validate, decide, commit once, flash, redirect; on bad input or a refusal re-render the
    page with the form as typed (400, or the refusal's own status such as 409)."""
    if not form.validate_on_submit():
        flash(_form_problem(), "error")
        for message in _unshown_errors(form):
            flash(message, "error")
        return rerender(400)
    try:
        result = decide()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        for problem in getattr(error, "problems", []):
            flash(problem, "error")
        return rerender(error.status_code)
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return redirect(safe_next(done))


def _unshown_errors(form: FlaskForm) -> list[str]:
    """Errors of hidden fields (the version, the CSRF token): no label shows them, so flash."""
    return [
        str(message)
        for field in form
        if field.errors and (isinstance(field.widget, HiddenInput) or field.type == "CSRFTokenField")
        for message in field.errors
    ]


def _form_problem() -> str:
    return _("Please correct the highlighted fields.")


def fill_filter_choices(form: FlaskForm, *, with_groups: bool) -> None:
    form.quarter.choices = with_blank(_("All quarters"), [(q.id, q.name) for q in active_quarters()])
    form.category.choices = with_blank(
        _("All categories"), [(c.id, c.name) for c in active_categories()]
    )
    form.group.choices = with_blank(
        _("All themes"), [(g.id, g.title) for g in queries.active_groups()] if with_groups else []
    )


def group_choices() -> list[tuple[int, str]]:
    return [(g.id, g.title) for g in queries.active_groups()]


def recommendation_choices() -> list[tuple[int, str]]:
    return [
        (r.id, f"{r.forum.title} · {r.position}. {r.title}")
        for r in queries.recommendations_for_choice()
    ]
