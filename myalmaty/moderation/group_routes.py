"""Moderators' pages for themes (groups of ideas)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from myalmaty.core.forms import AppForm
from myalmaty.core.permissions import moderator_required
from myalmaty.core.web import Rendered, current_account, or_404, run_decision
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.themes import IdeaGroup
from myalmaty.moderation import bp, forms, queries, services
from myalmaty.moderation.routes import render_review
from myalmaty.moderation.views import recommendation_choices

R = TypeVar("R")


def render_groups(create_form: forms.GroupForm | None = None, status: int = 200) -> Rendered:
    active, dissolved = queries.groups_overview()
    return render_template(
        "moderation/groups.html",
        active=active,
        dissolved=dissolved,
        create_form=create_form or forms.GroupForm(formdata=None, prefix="create"),
    ), status


@bp.get("/groups")
@moderator_required
def groups() -> ResponseReturnValue:
    return render_groups()


@bp.post("/groups")
@moderator_required
def create_group() -> ResponseReturnValue:
    """Creating a theme leads to its page, scrolled to the form that adds ideas to it."""
    form = forms.GroupForm(prefix="create")
    return run_decision(
        form,
        lambda: services.create_group(current_account(), title=form.title.data,
                                      summary=form.summary.data or ""),
        success=_("The theme is created."),
        done=lambda group: url_for(".group", group_id=group.id, _anchor="add-an-idea"),
        rerender=lambda status: render_groups(form, status),
    )


GROUP_FORMS: dict[str, type[AppForm]] = {
    "edit": forms.GroupEditForm,
    "answer": forms.AnswerForm,
    "link": forms.LinkForm,
    "add": forms.GroupAddIdeaForm,
    "dissolve": forms.DissolveForm,
    "restore": forms.UndoForm,
}


def _fill(key: str, form: Any) -> AppForm:
    if key == "link":
        form.recommendation.choices = forms.with_blank(_("Choose a recommendation"),
                                                       recommendation_choices())
    return form


def render_group(
    group_id: int, submitted: dict[str, AppForm] | None = None, status: int = 200
) -> Rendered:
    page = or_404(queries.group_for_moderation(group_id))
    group = page.group
    data = {
        "edit": {"version": group.version, "title": group.title, "summary": group.summary},
        "answer": {"version": group.version, "stage": group.stage, "answer": group.public_answer},
    }
    page_forms = {
        key: _fill(key, cls(formdata=None, prefix=key, **data.get(key, {"version": group.version})))
        for key, cls in GROUP_FORMS.items()
    }
    page_forms.update(submitted or {})
    return render_template(
        "moderation/group.html", page=page, group=group, forms=page_forms,
    ), status


@bp.get("/groups/<int:group_id>")
@moderator_required
def group(group_id: int) -> ResponseReturnValue:
    return render_group(group_id)


def _group_decision(
    group_id: int,
    key: str,
    decide: Callable[[IdeaGroup, Any], R],
    success: Callable[[R], str] | str,
) -> ResponseReturnValue:
    """One decision on the theme the address names, taken with the form under `key`."""
    group = or_404(queries.group_by_id(group_id))
    form = _fill(key, GROUP_FORMS[key](prefix=key))
    return run_decision(
        form, lambda: decide(group, form), success=success,
        done=url_for(".group", group_id=group_id),
        rerender=lambda status: render_group(group_id, {key: form}, status),
    )


@bp.post("/groups/<int:group_id>/edit")
@moderator_required
def edit_group(group_id: int) -> ResponseReturnValue:
    return _group_decision(
        group_id, "edit",
        lambda group, form: services.update_group(current_account(), group,
                                                  version=form.version.data,
                                                  title=form.title.data,
                                                  summary=form.summary.data or ""),
        _("The theme is saved."),
    )


@bp.post("/groups/<int:group_id>/answer")
@moderator_required
def answer_group(group_id: int) -> ResponseReturnValue:
    return _group_decision(
        group_id, "answer",
        lambda group, form: services.answer_group(current_account(), group,
                                                  version=form.version.data,
                                                  stage=form.stage.data,
                                                  answer=form.answer.data or ""),
        _("The stage and the public answer are saved."),
    )


@bp.post("/groups/<int:group_id>/link")
@moderator_required
def link_group(group_id: int) -> ResponseReturnValue:
    def decide(group: IdeaGroup, form: Any) -> ModerationEvent:
        recommendation = services.get_recommendation(form.recommendation.data)
        return services.link_group(current_account(), group, recommendation,
                                   version=form.version.data, rationale=form.rationale.data or "")

    return _group_decision(group_id, "link", decide,
                           _("The theme is linked to the recommendation."))


@bp.post("/groups/<int:group_id>/ideas")
@moderator_required
def add_to_group(group_id: int) -> ResponseReturnValue:
    def decide(group: IdeaGroup, form: Any) -> ModerationEvent | None:
        idea = services.get_idea(form.idea.data)
        return services.add_idea_to_group(current_account(), group, idea,
                                          version=form.idea_version.data, move=form.move.data)

    return _group_decision(group_id, "add", decide, _("The idea is in the theme."))


@bp.post("/groups/<int:group_id>/ideas/<int:idea_id>/remove")
@moderator_required
def remove_from_group(group_id: int, idea_id: int) -> ResponseReturnValue:
    group = or_404(queries.group_by_id(group_id))
    idea = or_404(queries.idea_by_id(idea_id))
    form = forms.UndoForm(prefix="remove")
    return run_decision(
        form,
        lambda: services.remove_idea_from_group(current_account(), group, idea,
                                                version=form.version.data),
        success=_("The idea has left the theme."),
        done=url_for(".group", group_id=group_id),
        rerender=lambda status: render_group(group_id, status=status),
    )


@bp.post("/groups/<int:group_id>/dissolve")
@moderator_required
def dissolve_group(group_id: int) -> ResponseReturnValue:
    return _group_decision(
        group_id, "dissolve",
        lambda group, form: services.dissolve_group(current_account(), group,
                                                    version=form.version.data,
                                                    note=form.note.data or ""),
        _("The theme is dissolved; its ideas stay as they were. It can be restored."),
    )


@bp.post("/groups/<int:group_id>/restore")
@moderator_required
def restore_group(group_id: int) -> ResponseReturnValue:
    def success(result: services.groups.Restored) -> str:
        message = ngettext("The theme is restored with %(num)d idea.",
                           "The theme is restored with %(num)d ideas.", len(result.restored))
        if result.skipped:
            message += " " + ngettext(
                "%(num)d idea could not return: it is no longer published or is in another theme.",
                "%(num)d ideas could not return: they are no longer published or are in another theme.",
                len(result.skipped),
            )
        return message

    return _group_decision(
        group_id, "restore",
        lambda group, form: services.restore_group(current_account(), group,
                                                   version=form.version.data),
        success,
    )


@bp.post("/links/<int:link_id>/delete")
@moderator_required
def unlink(link_id: int) -> ResponseReturnValue:
    """Unlink an idea or a theme from a recommendation (from either one's page)."""
    link = or_404(queries.link_by_id(link_id))
    idea_id, group_id = link.idea_id, link.group_id

    def back(status: int) -> Rendered:
        """The page the link was removed from, again: the idea's or the theme's."""
        if idea_id is not None:
            return render_review(idea_id, status=status)
        assert group_id is not None  # a link has an idea or a theme (a check constraint)
        return render_group(group_id, status=status)

    form = forms.PlainForm()
    return run_decision(
        form, lambda: services.unlink(current_account(), link),
        success=_("The link is removed; the log keeps it."),
        done=(url_for(".review", idea_id=idea_id) if idea_id is not None
              else url_for(".group", group_id=group_id)),
        rerender=back,
    )
