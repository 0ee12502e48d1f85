"""Submitting an idea, and changing or withdrawing it while it awaits moderation."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from myalmaty.core import maps
from myalmaty.core.errors import Conflict
from myalmaty.core.i18n import current_locale
from myalmaty.core.permissions import login_required
from myalmaty.domain.lookups import (
    active_categories,
    active_quarters,
    quarter_containing,
)
from myalmaty.extensions import db, limiter
from myalmaty.ideas import bp, policy, queries, services
from myalmaty.core.errors import FieldError
from myalmaty.ideas.forms import ActionForm, EditIdeaForm, IdeaForm
from myalmaty.ideas.location import QUARTER_AUTO, QUARTER_NONE, parse_coordinate
from myalmaty.ideas.web import acting_user, limit_from, photo_store, resident_key


def _form_point(form: IdeaForm) -> tuple[float, float] | None:
    """Where the picker map opens: the typed point if it reads as one."""
    try:
        lat, lon = parse_coordinate(form.lat.data), parse_coordinate(form.lon.data)
    except ValueError:
        return None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _form_page(template: str, form: IdeaForm, status: int = 200, **context):  # noqa: ANN003, ANN202
    quarters = context.pop("quarters")
    parts = maps.render_parts(maps.location_picker_map(quarters, _form_point(form)))
    centres = {str(q.id): [round(q.centre_lat, 6), round(q.centre_lon, 6)] for q in quarters}
    return render_template(template, form=form, parts=parts,
                           quarter_centres=json.dumps(centres), **context), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limiter.limit(limit_from("RATELIMIT_SUBMIT"), key_func=resident_key, methods=["POST"])
def new():  # noqa: ANN201
    quarters = active_quarters()
    form = IdeaForm()
    form.set_choices(active_categories(), quarters)
    status = 200
    if form.validate_on_submit():
        try:
            idea = services.submit_idea(
                acting_user(), form.details(), locale=current_locale(),
                photo=form.photo_upload, store=photo_store(),
            )
        except FieldError as error:
            form.add_error(error)
            status = error.status_code
        else:
            db.session.commit()
            flash(_("Thank you! Your idea awaits moderation; you can still change it here."),
                  "success")
            return redirect(url_for("ideas.mine", _anchor=f"idea-{idea.id}"))
    elif form.is_submitted():
        status = 400
    return _form_page("ideas/new.html", form, status, quarters=quarters)


def _own_pending_idea(idea_id: int):  # noqa: ANN202
    idea = queries.idea_with_details(idea_id)
    user = acting_user()
    if idea is None or not policy.can_view(user, idea):
        abort(404)
    if not policy.is_author(user, idea):
        abort(403)
    return idea


def _prefill(form: EditIdeaForm, idea) -> None:  # noqa: ANN001
    form.title.data = idea.title
    form.description.data = idea.description
    form.first_step.data = idea.first_step
    form.category.data = str(idea.category_id)
    form.lat.data = f"{idea.lat:.6f}"
    form.lon.data = f"{idea.lon:.6f}"
    if idea.quarter_id is None:
        form.quarter.data = QUARTER_NONE
    elif quarter_containing(idea.lat, idea.lon) is idea.quarter:
        form.quarter.data = QUARTER_AUTO
    else:
        form.quarter.data = str(idea.quarter_id)
    form.version.data = str(idea.version)


@bp.route("/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(limit_from("RATELIMIT_SUBMIT"), key_func=resident_key, methods=["POST"])
def edit(idea_id: int):  # noqa: ANN201
    idea = _own_pending_idea(idea_id)
    if not policy.can_change(acting_user(), idea):
        flash(_("Only an idea that awaits moderation can be changed."), "warning")
        return redirect(url_for("ideas.detail", idea_id=idea.id))
    quarters = active_quarters()
    categories = active_categories()
    if idea.category not in categories:
        categories.append(idea.category)  # an archived category the idea may keep
    form = EditIdeaForm()
    form.set_choices(categories, quarters)
    status = 200
    if request.method == "GET":
        _prefill(form, idea)
    elif form.validate_on_submit():
        try:
            services.edit_idea(
                acting_user(), idea, form.details(), version=form.version_number,
                photo=form.photo_upload, remove_photo=form.remove_photo.data,
                store=photo_store(),
            )
        except FieldError as error:
            form.add_error(error)
            status = error.status_code
        except Conflict as error:
            flash(str(error), "error")
            status = error.status_code
        else:
            db.session.commit()
            flash(_("Your changes are saved. The idea still awaits moderation."), "success")
            return redirect(url_for("ideas.mine", _anchor=f"idea-{idea.id}"))
    else:
        status = 400
    return _form_page("ideas/edit.html", form, status, quarters=quarters, idea=idea)


@bp.post("/<int:idea_id>/withdraw")
@login_required
def withdraw(idea_id: int):  # noqa: ANN201
    idea = _own_pending_idea(idea_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    services.withdraw_idea(acting_user(), idea, version=form.version_number)
    db.session.commit()
    flash(_("Your idea is withdrawn. It stays in your list, but moderators will not review it."),
          "success")
    return redirect(url_for("ideas.mine", _anchor=f"idea-{idea.id}"))


def render_after_limit():  # noqa: ANN201
    """The form again, as typed, when the resident went over the rate limit (429)."""
    quarters = active_quarters()
    if request.endpoint == "ideas.edit":
        idea = _own_pending_idea(request.view_args["idea_id"])
        form = EditIdeaForm()
        form.set_choices(active_categories(), quarters)
        return _form_page("ideas/edit.html", form, 429, quarters=quarters, idea=idea)
    form = IdeaForm()
    form.set_choices(active_categories(), quarters)
    return _form_page("ideas/new.html", form, 429, quarters=quarters)
