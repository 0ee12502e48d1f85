"""Forums, their recommendations and their agenda."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from myalmaty.core.permissions import organiser_required
from myalmaty.core.web import Rendered, current_account, or_404, run_decision
from myalmaty.domain.reference import AgendaItem, Forum, Recommendation
from myalmaty.organise import bp, queries, services
from myalmaty.organise.forms import (
    ActionForm,
    AgendaForm,
    AgendaNoteForm,
    AgendaSuggestionForm,
    ForumForm,
    MoveForm,
    RecommendationForm,
)


@bp.get("/forums")
@organiser_required
def forums() -> ResponseReturnValue:
    return render_template("organise/forums.html", forums=queries.forums_with_counts())


def _forum_form(form: ForumForm, forum: Forum | None, status: int = 200) -> Rendered:
    return render_template("organise/forum_form.html", form=form, forum=forum), status


@bp.route("/forums/new", methods=["GET", "POST"])
@organiser_required
def new_forum() -> ResponseReturnValue:
    form = ForumForm()
    if request.method == "GET":
        return _forum_form(form, None)
    return run_decision(
        form,
        lambda: services.create_forum(current_account(), form.details()),
        success=_("The forum was created."),
        done=lambda forum: url_for(".forum", forum_id=forum.id),
        rerender=lambda status: _forum_form(form, None, status),
    )


@bp.route("/forums/<int:forum_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_forum(forum_id: int) -> ResponseReturnValue:
    forum = or_404(queries.forum_by_id(forum_id))
    form = ForumForm(obj=forum)
    if request.method == "GET":
        return _forum_form(form, forum)
    return run_decision(
        form,
        lambda: services.update_forum(current_account(), forum, form.details()),
        success=_("The forum was saved."),
        done=url_for(".forum", forum_id=forum.id),
        rerender=lambda status: _forum_form(form, forum, status),
    )


def _forum_page(forum_id: int, agenda_form: AgendaForm | None = None, status: int = 200) -> Rendered:
    forum = or_404(queries.forum_page(forum_id))
    groups = queries.agenda_group_choices(forum_id)
    if agenda_form is None:
        agenda_form = AgendaForm(formdata=None)
    agenda_form.group_id.choices = AgendaForm.group_choices(groups, _("— no theme —"))
    page = render_template(
        "organise/forum.html",
        forum=forum,
        agenda_form=agenda_form,
        suggestions=queries.agenda_idea_suggestions(forum_id),
    )
    return page, status


@bp.get("/forums/<int:forum_id>")
@organiser_required
def forum(forum_id: int) -> ResponseReturnValue:
    return _forum_page(forum_id)


# --- Recommendations -----------------------------------------------------------------------


def _recommendation_form(
    form: RecommendationForm, forum: Forum, recommendation: Recommendation | None, status: int = 200
) -> Rendered:
    page = render_template(
        "organise/recommendation_form.html", form=form, forum=forum, recommendation=recommendation
    )
    return page, status


def _recommendations_of(forum_id: int) -> str:
    return url_for(".forum", forum_id=forum_id, _anchor="recommendations")


@bp.route("/forums/<int:forum_id>/recommendations/new", methods=["GET", "POST"])
@organiser_required
def new_recommendation(forum_id: int) -> ResponseReturnValue:
    forum = or_404(queries.forum_by_id(forum_id))
    form = RecommendationForm()
    if request.method == "GET":
        return _recommendation_form(form, forum, None)
    return run_decision(
        form,
        lambda: services.add_recommendation(current_account(), forum, form.details()),
        success=_("The recommendation was added."),
        done=_recommendations_of(forum.id),
        rerender=lambda status: _recommendation_form(form, forum, None, status),
    )


@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_recommendation(recommendation_id: int) -> ResponseReturnValue:
    recommendation = or_404(queries.recommendation_by_id(recommendation_id))
    form = RecommendationForm(obj=recommendation)
    if request.method == "GET":
        return _recommendation_form(form, recommendation.forum, recommendation)
    return run_decision(
        form,
        lambda: services.update_recommendation(current_account(), recommendation, form.details()),
        success=_("The recommendation was saved."),
        done=_recommendations_of(recommendation.forum_id),
        rerender=lambda status: _recommendation_form(form, recommendation.forum, recommendation, status),
    )


@bp.post("/recommendations/<int:recommendation_id>/move")
@organiser_required
def move_recommendation(recommendation_id: int) -> ResponseReturnValue:
    recommendation = or_404(queries.recommendation_by_id(recommendation_id))
    form = MoveForm()
    return run_decision(
        form,
        lambda: services.move_recommendation(current_account(), recommendation, form.chosen_direction()),
        success=lambda moved: (_("The order of the recommendations was changed.") if moved
                               else _("Nothing was changed.")),
        done=_recommendations_of(recommendation.forum_id),
        rerender=lambda status: _forum_page(recommendation.forum_id, status=status),
    )


# --- Agenda --------------------------------------------------------------------------------


def _agenda_of(forum_id: int, item_id: int | None = None) -> str:
    return url_for(".forum", forum_id=forum_id, _anchor=f"agenda-{item_id}" if item_id else "agenda")


def _add_chosen(forum: Forum, form: AgendaForm) -> AgendaItem:
    """The group chosen in the list, or the idea whose number was typed."""
    note = form.note.data or ""
    if form.group_id.data:
        group = queries.group_by_id(form.group_id.data)
        return services.add_to_agenda(current_account(), forum, group=group, note=note)
    idea = services.find_idea_for_agenda(form.idea_reference.data)
    return services.add_to_agenda(current_account(), forum, idea=idea, note=note)


@bp.post("/forums/<int:forum_id>/agenda")
@organiser_required
def add_to_agenda(forum_id: int) -> ResponseReturnValue:
    forum = or_404(queries.forum_by_id(forum_id))
    form = AgendaForm()
    form.group_id.choices = AgendaForm.group_choices(queries.agenda_group_choices(forum_id))
    return run_decision(
        form,
        lambda: _add_chosen(forum, form),
        success=_("Added to the agenda."),
        done=_agenda_of(forum_id),
        rerender=lambda status: _forum_page(forum_id, form, status),
    )


@bp.post("/forums/<int:forum_id>/agenda/suggested")
@organiser_required
def add_suggestion_to_agenda(forum_id: int) -> ResponseReturnValue:
    forum = or_404(queries.forum_by_id(forum_id))
    form = AgendaSuggestionForm()
    return run_decision(
        form,
        lambda: services.add_to_agenda(
            current_account(), forum, idea=services.find_idea_for_agenda(form.idea_id.data)
        ),
        success=_("Added to the agenda."),
        done=_agenda_of(forum_id),
        rerender=lambda status: _forum_page(forum_id, status=status),
    )


@bp.post("/agenda/<int:item_id>/move")
@organiser_required
def move_agenda_item(item_id: int) -> ResponseReturnValue:
    item = or_404(queries.agenda_item_by_id(item_id))
    form = MoveForm()
    return run_decision(
        form,
        lambda: services.move_agenda_item(current_account(), item, form.chosen_direction()),
        success=lambda moved: (
            _("The order of the agenda was changed.") if moved else _("Nothing was changed.")
        ),
        done=_agenda_of(item.forum_id),
        rerender=lambda status: _forum_page(item.forum_id, status=status),
    )


@bp.post("/agenda/<int:item_id>/note")
@organiser_required
def agenda_note(item_id: int) -> ResponseReturnValue:
    item = or_404(queries.agenda_item_by_id(item_id))
    form = AgendaNoteForm()

    def refused(status: int) -> Rendered:
        # The notes on the page are plain inputs, not this form: say what was wrong above them.
        for message in [*form.starts_at.errors, *form.note.errors]:
            flash(str(message), "error")
        return _forum_page(item.forum_id, status=status)

    return run_decision(
        form,
        lambda: services.update_agenda_note(current_account(), item, form.note.data or "",
                                            form.starts_at.data),
        success=_("The note was saved."),
        done=_agenda_of(item.forum_id, item.id),
        rerender=refused,
    )


@bp.post("/agenda/<int:item_id>/remove")
@organiser_required
def remove_from_agenda(item_id: int) -> ResponseReturnValue:
    item = or_404(queries.agenda_item_by_id(item_id))
    forum_id = item.forum_id
    return run_decision(
        ActionForm(),
        lambda: services.remove_from_agenda(current_account(), item),
        success=_("Removed from the agenda; the idea or theme itself is unchanged."),
        done=_agenda_of(forum_id),
        rerender=lambda status: _forum_page(forum_id, status=status),
    )
