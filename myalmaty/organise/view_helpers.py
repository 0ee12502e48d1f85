"""Small helpers shared by the organisers' routes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import abort, flash, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm

from myalmaty.core.errors import DomainError
from myalmaty.organise.forms import MoveForm
from myalmaty.organise.services import Direction, FieldError

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User


def actor() -> User:
    """The signed-in organiser, as the model object services expect."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


def form_page(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """Render a form; a refused submission answers 400 (the form keeps what was typed)."""
    refused = context.pop("refused", False) or getattr(form, "refused", False)
    refused = request.method == "POST" and bool(form.errors or refused)
    return render_template(template, form=form, **context), 400 if refused else 200


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal beside the field it concerns, or above the form."""
    form.refused = True  # type: ignore[attr-defined]
    if isinstance(error, FieldError) and error.field in form:
        form[error.field].errors = [*form[error.field].errors, str(error)]
    else:
        flash(str(error), "error")


def move_direction() -> Direction:
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    return "up" if form.direction.data == "up" else "down"
