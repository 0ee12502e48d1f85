"""Submitting an idea, changing or withdrawing it while it awaits moderation, and sending a
withdrawn one back for review."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from myalmaty.core import maps
from myalmaty.core.i18n import current_locale
from myalmaty.core.permissions import login_required
from myalmaty.core.ratelimits import rate_limited
from myalmaty.core.web import Rendered, current_account, or_404, run_decision, stored_id
from myalmaty.domain.accounts import User
from myalmaty.domain.ideas import Idea
from myalmaty.domain.lookups import (
    active_categories,
    active_quarters,
    quarter_containing,
)
from myalmaty.ideas import bp, policy, queries, services
from myalmaty.ideas.forms import ActionForm, EditIdeaForm, IdeaForm
from myalmaty.ideas.location import (
    OUTSIDE_ALMATY,
    QUARTER_AUTO,
    QUARTER_NONE,
    parse_coordinate,
)
from myalmaty.ideas.routes import render_detail
from myalmaty.ideas.web import photo_store


def _form_point(form: IdeaForm) -> tuple[float, float] | None:
    """Where the picker map opens: the typed point if it reads as one."""
    try:
        lat, lon = parse_coordinate(form.lat.data), parse_coordinate(form.lon.data)
    except ValueError:
        return None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _form_page(template: str, form: IdeaForm, status: int = 200, **context: Any) -> Rendered:
    quarters = context.pop("quarters")
    parts = maps.render_parts(maps.location_picker_map(quarters, _form_point(form)))
    centres = {str(q.id): [round(q.centre_lat, 6), round(q.centre_lon, 6)] for q in quarters}
    return render_template(template, form=form, parts=parts,
                           quarter_centres=json.dumps(centres), outside_almaty=OUTSIDE_ALMATY,
                           **context), status


def _in_my_ideas(idea: Idea) -> str:
    # The id the row was stored under: `idea.id` after the commit (which expired the idea)
    # would load the whole row again just to name it.
    return url_for("ideas.mine", _anchor=f"idea-{stored_id(idea)}")


@bp.route("/new", methods=["GET", "POST"])
@login_required
@rate_limited("RATELIMIT_SUBMIT", per="account")
def new() -> ResponseReturnValue:
    quarters = active_quarters()
    form = IdeaForm()
    form.set_choices(active_categories(), quarters)
    if not form.is_submitted():
        return _form_page("ideas/new.html", form, quarters=quarters)
    return run_decision(
        form,
        lambda: services.submit_idea(
            current_account(), form.details(), locale=current_locale(),
            photo=form.photo_upload, store=photo_store(),
        ),
        success=_("Thank you! Your idea awaits moderation; you can still change it here."),
        done=_in_my_ideas,
        rerender=lambda status: _form_page("ideas/new.html", form, status, quarters=quarters),
    )


def _own_idea(idea_id: int, author: User) -> Idea:
    """The author's own idea: 404 for those who may not see it, 403 for others who may."""
    idea = or_404(queries.visible_idea(idea_id, author))
    if not policy.is_author(author, idea):
        abort(403)
    return idea


def _prefill(form: EditIdeaForm, idea: Idea) -> None:
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
    form.version.data = idea.version


@bp.route("/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
@rate_limited("RATELIMIT_SUBMIT", per="account")
def edit(idea_id: int) -> ResponseReturnValue:
    author = current_account()
    idea = _own_idea(idea_id, author)
    if not policy.can_change(author, idea):
        flash(_("Only an idea that awaits moderation can be changed."), "warning")
        return redirect(url_for("ideas.detail", idea_id=idea.id))
    quarters = active_quarters()
    categories = active_categories()
    if idea.category not in categories:
        categories.append(idea.category)  # an archived category the idea may keep
    form = EditIdeaForm()
    form.set_choices(categories, quarters)
    if not form.is_submitted():
        _prefill(form, idea)
        return _form_page("ideas/edit.html", form, quarters=quarters, idea=idea)
    return run_decision(
        form,
        lambda: services.edit_idea(
            author, idea, form.details(), version=form.version_number,
            photo=form.photo_upload, remove_photo=form.remove_photo.data, store=photo_store(),
        ),
        success=_("Your changes are saved. The idea still awaits moderation."),
        done=_in_my_ideas,
        rerender=lambda status: _form_page("ideas/edit.html", form, status, quarters=quarters,
                                           idea=idea),
    )


@bp.route("/<int:idea_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(idea_id: int) -> ResponseReturnValue:
    """Withdrawing is asked first on a page of its own (a plain form: no script needed)."""
    author = current_account()
    idea = _own_idea(idea_id, author)
    form = ActionForm()
    if not form.is_submitted():
        if not policy.can_change(author, idea):
            flash(_("Only an idea that awaits moderation can be withdrawn."), "warning")
            return redirect(url_for("ideas.detail", idea_id=idea.id))
        form.version.data = idea.version
        return render_template("ideas/withdraw.html", idea=idea, form=form)
    return run_decision(
        form,
        lambda: services.withdraw_idea(author, idea, version=form.version_number),
        success=_("Your idea is withdrawn. It stays in your list, but moderators will not "
                  "review it. You can send it back for review at any time."),
        done=_in_my_ideas,
        rerender=lambda status: render_detail(idea, status=status),
    )


@bp.post("/<int:idea_id>/resubmit")
@login_required
def resubmit(idea_id: int) -> ResponseReturnValue:
    author = current_account()
    idea = _own_idea(idea_id, author)
    form = ActionForm()
    return run_decision(
        form,
        lambda: services.resubmit_idea(author, idea, version=form.version_number),
        success=_("Your idea is back in the moderation queue; you can still change it here."),
        done=_in_my_ideas,
        rerender=lambda status: render_detail(idea, status=status),
    )


def render_after_limit() -> Rendered:
    """The form again, as typed, when the resident went over the rate limit (429)."""
    quarters = active_quarters()
    if request.endpoint == "ideas.edit":
        idea = _own_idea(int((request.view_args or {})["idea_id"]), current_account())
        form = EditIdeaForm()
        form.set_choices(active_categories(), quarters)
        return _form_page("ideas/edit.html", form, 429, quarters=quarters, idea=idea)
    form = IdeaForm()
    form.set_choices(active_categories(), quarters)
    return _form_page("ideas/new.html", form, 429, quarters=quarters)
