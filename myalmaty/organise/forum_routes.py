"""Forums, their recommendations and their agenda."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from myalmaty.core.errors import DomainError
from myalmaty.core.permissions import organiser_required
from myalmaty.domain.ideas import Idea
from myalmaty.domain.reference import AgendaItem, Forum, Recommendation
from myalmaty.domain.themes import IdeaGroup
from myalmaty.extensions import db
from myalmaty.organise import bp, queries, services
from myalmaty.organise.forms import (
    ActionForm,
    AgendaForm,
    AgendaNoteForm,
    AgendaSuggestionForm,
    ForumForm,
    RecommendationForm,
)
from myalmaty.organise.view_helpers import actor, form_page, move_direction, show_error


@bp.get("/forums")
@organiser_required
def forums():  # noqa: ANN201
    return render_template("organise/forums.html", forums=queries.forums_with_counts())


@bp.route("/forums/new", methods=["GET", "POST"])
@organiser_required
def new_forum():  # noqa: ANN201
    form = ForumForm()
    if form.validate_on_submit():
        try:
            forum = services.create_forum(actor(), form.details())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The forum was created."), "success")
            return redirect(url_for(".forum", forum_id=forum.id))
    return form_page("organise/forum_form.html", form, forum=None)


@bp.route("/forums/<int:forum_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_forum(forum_id: int):  # noqa: ANN201
    forum = db.get_or_404(Forum, forum_id)
    form = ForumForm(obj=forum)
    if form.validate_on_submit():
        try:
            services.update_forum(actor(), forum, form.details())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The forum was saved."), "success")
            return redirect(url_for(".forum", forum_id=forum.id))
    return form_page("organise/forum_form.html", form, forum=forum)


def _forum_page(forum_id: int, agenda_form: AgendaForm | None = None, status: int = 200):  # noqa: ANN202
    forum = queries.forum_page(forum_id)
    if forum is None:
        abort(404)
    groups = queries.agenda_group_choices(forum_id)
    if agenda_form is None:
        agenda_form = AgendaForm(formdata=None)
    agenda_form.group_id.choices = AgendaForm.group_choices(groups, _("— no group —"))
    page = render_template(
        "organise/forum.html",
        forum=forum,
        agenda_form=agenda_form,
        suggestions=queries.agenda_idea_suggestions(forum_id),
    )
    return page, status


@bp.get("/forums/<int:forum_id>")
@organiser_required
def forum(forum_id: int):  # noqa: ANN201
    return _forum_page(forum_id)


# --- Recommendations -----------------------------------------------------------------------


@bp.route("/forums/<int:forum_id>/recommendations/new", methods=["GET", "POST"])
@organiser_required
def new_recommendation(forum_id: int):  # noqa: ANN201
    forum = db.get_or_404(Forum, forum_id)
    form = RecommendationForm()
    if form.validate_on_submit():
        try:
            services.add_recommendation(actor(), forum, form.details())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The recommendation was added."), "success")
            return redirect(url_for(".forum", forum_id=forum.id, _anchor="recommendations"))
    return form_page("organise/recommendation_form.html", form, forum=forum, recommendation=None)


@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_recommendation(recommendation_id: int):  # noqa: ANN201
    recommendation = db.get_or_404(Recommendation, recommendation_id)
    form = RecommendationForm(obj=recommendation)
    if form.validate_on_submit():
        try:
            services.update_recommendation(actor(), recommendation, form.details())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The recommendation was saved."), "success")
            return redirect(url_for(".forum", forum_id=recommendation.forum_id, _anchor="recommendations"))
    return form_page(
        "organise/recommendation_form.html", form,
        forum=recommendation.forum, recommendation=recommendation,
    )


@bp.post("/recommendations/<int:recommendation_id>/move")
@organiser_required
def move_recommendation(recommendation_id: int):  # noqa: ANN201
    recommendation = db.get_or_404(Recommendation, recommendation_id)
    if services.move_recommendation(actor(), recommendation, move_direction()):
        db.session.commit()
        flash(_("The order of the recommendations was changed."), "success")
    return redirect(url_for(".forum", forum_id=recommendation.forum_id, _anchor="recommendations"))


# --- Agenda --------------------------------------------------------------------------------


@bp.post("/forums/<int:forum_id>/agenda")
@organiser_required
def add_to_agenda(forum_id: int):  # noqa: ANN201
    forum = db.get_or_404(Forum, forum_id)
    form = AgendaForm()
    form.group_id.choices = AgendaForm.group_choices(queries.agenda_group_choices(forum_id))
    if not form.validate_on_submit():
        return _forum_page(forum_id, form, 400)
    try:
        if form.group_id.data:
            group = db.session.get(IdeaGroup, form.group_id.data)
            services.add_to_agenda(actor(), forum, group=group, note=form.note.data or "")
        else:
            idea = services.find_idea_for_agenda(form.idea_reference.data)
            services.add_to_agenda(actor(), forum, idea=idea, note=form.note.data or "")
    except DomainError as error:
        show_error(form, error)
        return _forum_page(forum_id, form, error.status_code)
    db.session.commit()
    flash(_("Added to the agenda."), "success")
    return redirect(url_for(".forum", forum_id=forum_id, _anchor="agenda"))


@bp.post("/forums/<int:forum_id>/agenda/suggested")
@organiser_required
def add_suggestion_to_agenda(forum_id: int):  # noqa: ANN201
    forum = db.get_or_404(Forum, forum_id)
    form = AgendaSuggestionForm()
    if not form.validate_on_submit():
        abort(400)
    idea = db.get_or_404(Idea, int(form.idea_id.data))
    try:
        services.add_to_agenda(actor(), forum, idea=idea)
    except DomainError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Added to the agenda."), "success")
    return redirect(url_for(".forum", forum_id=forum_id, _anchor="agenda"))


@bp.post("/agenda/<int:item_id>/move")
@organiser_required
def move_agenda_item(item_id: int):  # noqa: ANN201
    item = db.get_or_404(AgendaItem, item_id)
    if services.move_agenda_item(actor(), item, move_direction()):
        db.session.commit()
        flash(_("The order of the agenda was changed."), "success")
    return redirect(url_for(".forum", forum_id=item.forum_id, _anchor="agenda"))


@bp.post("/agenda/<int:item_id>/note")
@organiser_required
def agenda_note(item_id: int):  # noqa: ANN201
    item = db.get_or_404(AgendaItem, item_id)
    form = AgendaNoteForm()
    if not form.validate_on_submit():
        flash(_("The note is too long (at most 2000 characters)."), "error")
        return _forum_page(item.forum_id, status=400)
    services.update_agenda_note(actor(), item, form.note.data or "")
    db.session.commit()
    flash(_("The note was saved."), "success")
    return redirect(url_for(".forum", forum_id=item.forum_id, _anchor=f"agenda-{item.id}"))


@bp.post("/agenda/<int:item_id>/remove")
@organiser_required
def remove_from_agenda(item_id: int):  # noqa: ANN201
    item = db.get_or_404(AgendaItem, item_id)
    forum_id = item.forum_id
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_from_agenda(actor(), item)
    db.session.commit()
    flash(_("Removed from the agenda; the idea or group itself is unchanged."), "success")
    return redirect(url_for(".forum", forum_id=forum_id, _anchor="agenda"))
