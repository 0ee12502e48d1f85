"""Moderators' pages for ideas: the queue, the published list, one idea's review page with its
decisions, and bulk decisions. Themes, reports and the log have their own route modules.

An id in the address that names nothing is a page that does not exist (`or_404`); an id typed
into a decision form that names nothing is a refusal of that decision (the services' `get_*`
raise NotFound, and the form comes back as typed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm.exc import StaleDataError

from myalmaty.core.errors import render_error
from myalmaty.core.forms import AppForm
from myalmaty.core.maps import point_map_parts
from myalmaty.core.pagination import page_from
from myalmaty.core.permissions import moderator_required
from myalmaty.core.web import Rendered, current_account, or_404, run_decision
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.ideas import Idea
from myalmaty.domain.lookups import active_categories, active_quarters
from myalmaty.extensions import db
from myalmaty.ideas.similarity import SimilarIdea, similar_ideas
from myalmaty.moderation import bp, forms, queries, services
from myalmaty.moderation.views import (
    fill_filter_choices,
    group_choices,
    recommendation_choices,
)

R = TypeVar("R")

QUEUE_ACTIONS: tuple[services.BulkAction, ...] = (
    services.BulkAction.PUBLISH, services.BulkAction.REJECT)
PUBLISHED_ACTIONS: tuple[services.BulkAction, ...] = (
    services.BulkAction.GROUP, services.BulkAction.LINK, services.BulkAction.STAGE)


@bp.errorhandler(StaleDataError)
def stale_row(error: StaleDataError) -> ResponseReturnValue:
    """A write that lost a race outside a service's own check: a 409, never a 500."""
    db.session.rollback()
    return render_error(409)


# Lists -----------------------------------------------------------------------------------


def _filters(form: forms.FilterForm) -> queries.IdeaFilters:
    if not form.validate():
        return queries.IdeaFilters()
    return queries.IdeaFilters(
        quarter_id=form.quarter.data,
        category_id=form.category.data,
        text=form.q.data or "",
        stage=form.stage.data,
        group_id=form.group.data,
    )


def _bulk_form(actions: tuple[services.BulkAction, ...], **kwargs: Any) -> forms.BulkForm:
    """Only the selects the page's decisions use are filled (the queue needs no themes)."""
    form = forms.BulkForm(actions=actions, **kwargs)
    offered = set(actions)
    form.group.choices = forms.with_blank(
        _("Choose a theme"), group_choices() if services.BulkAction.GROUP in offered else [])
    form.recommendation.choices = forms.with_blank(
        _("Choose a recommendation"),
        recommendation_choices() if services.BulkAction.LINK in offered else [])
    return form


def render_list(
    origin: str, bulk_form: forms.BulkForm | None = None, status: int = 200
) -> Rendered:
    """The queue (pending ideas) or the published list, with filters and the bulk form."""
    filter_form = forms.FilterForm(formdata=request.args)
    fill_filter_choices(filter_form, with_groups=origin == "published")
    filters = _filters(filter_form)
    page = page_from(request.args)
    if origin == "queue":
        pagination = queries.pending_ideas(filters, page)
        actions = QUEUE_ACTIONS
    else:
        pagination = queries.published_ideas(filters, page)
        actions = PUBLISHED_ACTIONS
    bulk_form = bulk_form or _bulk_form(actions, formdata=None)
    chosen = set(bulk_form.ideas.data or [])
    return render_template(
        f"moderation/{origin}.html",
        pagination=pagination,
        filter_form=filter_form,
        bulk_form=bulk_form,
        chosen=chosen,
        origin=origin,
        actions=actions,
    ), status


@bp.get("/")
@moderator_required
def queue() -> ResponseReturnValue:
    return render_list("queue")


@bp.get("/published")
@moderator_required
def published() -> ResponseReturnValue:
    return render_list("published")


@bp.post("/bulk/<any(queue, published):origin>")
@moderator_required
def bulk(origin: str) -> ResponseReturnValue:
    actions = QUEUE_ACTIONS if origin == "queue" else PUBLISHED_ACTIONS
    form = _bulk_form(actions)

    def decide() -> services.BulkOutcome:
        if form.action.data not in actions:
            raise services.BulkRefused([_("This decision is not offered here.")], conflict=False)
        return services.apply_bulk(
            current_account(), form.action.data, form.items,
            services.BulkParams(
                reason=form.reason.data,
                note=form.note.data or "",
                group=services.get_group(form.group.data) if form.group.data else None,
                move=form.move.data,
                recommendation=(services.get_recommendation(form.recommendation.data)
                                if form.recommendation.data else None),
                rationale=form.rationale.data or "",
                stage=form.stage.data,
            ),
        )

    def success(outcome: services.BulkOutcome) -> str:
        message = ngettext("%(num)d idea changed.", "%(num)d ideas changed.", len(outcome.events))
        if outcome.unchanged:
            message += " " + ngettext("%(num)d was already so.", "%(num)d were already so.",
                                      outcome.unchanged)
        return message

    same_page: dict[str, Any] = request.args.to_dict()  # the list's filters and page
    return run_decision(
        form, decide, success=success,
        done=url_for(f".{origin}", **same_page),
        rerender=lambda status: render_list(origin, form, status),
    )


# One idea ---------------------------------------------------------------------------------

FORM_CLASSES: dict[str, type[AppForm]] = {
    "publish": forms.PublishForm,
    "reject": forms.RejectForm,
    "edit": forms.EditForm,
    "duplicate": forms.DuplicateForm,
    "undo": forms.UndoForm,
    "answer": forms.AnswerForm,
    "group": forms.GroupChoiceForm,
    "link": forms.LinkForm,
    "hide": forms.HideForm,
    "restore": forms.RestoreForm,
}


def _fill_idea_choices(key: str, form: Any, idea: Idea) -> None:
    if key == "edit":
        # The idea's own category and quarter stay choosable even if archived since.
        categories = active_categories()
        if idea.category not in categories:
            categories.append(idea.category)
        quarters = active_quarters()
        if idea.quarter is not None and idea.quarter not in quarters:
            quarters.append(idea.quarter)
        form.category.choices = [(c.id, c.name) for c in categories]
        form.quarter.choices = forms.with_blank(_("No quarter"), [(q.id, q.name) for q in quarters])
    elif key == "group":
        form.group.choices = forms.with_blank(_("Choose a theme"), group_choices())
    elif key == "link":
        form.recommendation.choices = forms.with_blank(_("Choose a recommendation"),
                                                       recommendation_choices())


def _submitted(key: str, idea: Idea) -> AppForm:
    """The form of this POST, read from the request, with its choices."""
    form = FORM_CLASSES[key](prefix=key)
    _fill_idea_choices(key, form, idea)
    return form


def _blank_forms(idea: Idea) -> dict[str, AppForm]:
    forms_by_key: dict[str, AppForm] = {}
    for key, form_class in FORM_CLASSES.items():
        data: dict[str, Any] = {"version": idea.version}
        if key == "edit":
            data.update(title=idea.title, description=idea.description,
                        first_step=idea.first_step, category=idea.category_id,
                        quarter=idea.quarter_id)
        elif key == "answer":
            data.update(stage=idea.stage, answer=idea.public_answer)
        form = form_class(formdata=None, prefix=key, **data)
        _fill_idea_choices(key, form, idea)
        forms_by_key[key] = form
    return forms_by_key


def _points(review: queries.IdeaReview, suggestions: list[SimilarIdea]) -> list[dict[str, Any]]:
    idea = review.idea
    points = [{"lat": idea.lat, "lon": idea.lon, "title": idea.title, "current": True,
               "url": url_for(".review", idea_id=idea.id)}]
    points += [{"lat": s.idea.lat, "lon": s.idea.lon, "title": s.idea.title, "current": False,
                "url": url_for(".review", idea_id=s.idea.id)} for s in suggestions]
    return points


def render_review(
    idea_id: int, submitted: dict[str, AppForm] | None = None, status: int = 200
) -> Rendered:
    review = or_404(queries.idea_for_review(idea_id))
    idea = review.idea
    page_forms = _blank_forms(idea)
    page_forms.update(submitted or {})
    # The title says what the idea is; descriptions share too many common words to compare.
    suggestions = similar_ideas(
        idea.title, idea.lat, idea.lon,
        exclude_ids=(idea.id, *(d.id for d in review.duplicates)),
    )
    the_map = point_map_parts(idea.lat, idea.lon)
    return render_template(
        "moderation/review.html",
        review=review,
        idea=idea,
        forms=page_forms,
        suggestions=suggestions,
        the_map=the_map,
        points=_points(review, suggestions),
        edit_open="edit" in (submitted or {}),
    ), status


@bp.get("/ideas/<int:idea_id>")
@moderator_required
def review(idea_id: int) -> ResponseReturnValue:
    return render_review(idea_id)


def _decision(
    idea_id: int,
    key: str,
    decide: Callable[[Idea, Any], R],
    success: Callable[[R], str] | str,
    done: str | None = None,
) -> ResponseReturnValue:
    """One decision on the idea the address names, taken with the form under `key`."""
    idea = or_404(queries.idea_by_id(idea_id))
    form = _submitted(key, idea)
    return run_decision(
        form, lambda: decide(idea, form), success=success,
        done=done or url_for(".review", idea_id=idea_id),
        rerender=lambda status: render_review(idea_id, {key: form}, status),
    )


@bp.post("/ideas/<int:idea_id>/publish")
@moderator_required
def publish(idea_id: int) -> ResponseReturnValue:
    return _decision(
        idea_id, "publish",
        lambda idea, form: services.publish_idea(current_account(), idea, version=form.version.data),
        _("The idea is published."), done=url_for(".queue"),
    )


@bp.post("/ideas/<int:idea_id>/reject")
@moderator_required
def reject(idea_id: int) -> ResponseReturnValue:
    return _decision(
        idea_id, "reject",
        lambda idea, form: services.reject_idea(current_account(), idea, version=form.version.data,
                                                reason=form.reason.data, note=form.note.data or ""),
        _("The idea is rejected; its author is told why."), done=url_for(".queue"),
    )


@bp.post("/ideas/<int:idea_id>/edit")
@moderator_required
def edit(idea_id: int) -> ResponseReturnValue:
    def decide(idea: Idea, form: Any) -> ModerationEvent:
        return services.edit_idea(
            current_account(), idea, version=form.version.data,
            title=form.title.data, description=form.description.data,
            first_step=form.first_step.data,
            category=queries.category_by_id(form.category.data),
            quarter=queries.quarter_by_id(form.quarter.data),
            note=form.note.data or "",
        )

    return _decision(idea_id, "edit", decide,
                     _("The corrections are saved; the original text is kept in the log."))


@bp.post("/ideas/<int:idea_id>/duplicate")
@moderator_required
def duplicate(idea_id: int) -> ResponseReturnValue:
    def decide(idea: Idea, form: Any) -> ModerationEvent:
        original = services.get_idea(form.original.data)
        return services.mark_duplicate(current_account(), idea, original,
                                       version=form.version.data, note=form.note.data or "")

    return _decision(idea_id, "duplicate", decide,
                     _("Marked as a duplicate; its supporters now count on the original."))


@bp.post("/ideas/<int:idea_id>/undo-duplicate")
@moderator_required
def undo_duplicate(idea_id: int) -> ResponseReturnValue:
    return _decision(
        idea_id, "undo",
        lambda idea, form: services.undo_duplicate(current_account(), idea, version=form.version.data),
        _("The idea is no longer a duplicate; both support counts are recomputed."),
    )


@bp.post("/ideas/<int:idea_id>/answer")
@moderator_required
def answer(idea_id: int) -> ResponseReturnValue:
    return _decision(
        idea_id, "answer",
        lambda idea, form: services.answer_idea(current_account(), idea, version=form.version.data,
                                                stage=form.stage.data,
                                                answer=form.answer.data or ""),
        _("The stage and the public answer are saved."),
    )


@bp.post("/ideas/<int:idea_id>/group")
@moderator_required
def group_idea(idea_id: int) -> ResponseReturnValue:
    def decide(idea: Idea, form: Any) -> ModerationEvent | None:
        group = services.get_group(form.group.data)
        return services.add_idea_to_group(current_account(), group, idea,
                                          version=form.version.data, move=form.move.data)

    return _decision(idea_id, "group", decide, _("The idea is in the theme."))


@bp.post("/ideas/<int:idea_id>/link")
@moderator_required
def link_idea(idea_id: int) -> ResponseReturnValue:
    def decide(idea: Idea, form: Any) -> ModerationEvent | None:
        recommendation = services.get_recommendation(form.recommendation.data)
        return services.link_idea(current_account(), idea, recommendation,
                                  version=form.version.data, rationale=form.rationale.data or "")

    return _decision(idea_id, "link", decide, _("The idea is linked to the recommendation."))


@bp.post("/ideas/<int:idea_id>/hide")
@moderator_required
def hide(idea_id: int) -> ResponseReturnValue:
    return _decision(
        idea_id, "hide",
        lambda idea, form: services.hide_idea(current_account(), idea, version=form.version.data,
                                              reason=form.reason.data),
        _("The idea is hidden; its reports are closed."),
    )


@bp.post("/ideas/<int:idea_id>/restore")
@moderator_required
def restore(idea_id: int) -> ResponseReturnValue:
    return _decision(
        idea_id, "restore",
        lambda idea, form: services.restore_idea(current_account(), idea, version=form.version.data,
                                                 note=form.note.data or ""),
        _("The idea is shown again; its reports are dismissed."),
    )
