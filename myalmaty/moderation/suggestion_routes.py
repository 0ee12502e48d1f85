"""Moderators' page of suggested themes: the latest computed groups of ideas in no theme, a
button to compute them again, and the three decisions on each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from myalmaty.core.forms import AppForm
from myalmaty.core.pagination import page_from
from myalmaty.core.permissions import moderator_required
from myalmaty.core.web import Rendered, current_account, or_404, run_decision
from myalmaty.domain.themes import ThemeSuggestion, ThemeSuggestionRun
from myalmaty.ideas.similarity.grouping import theme_title
from myalmaty.moderation import bp, forms, services, suggested_themes
from myalmaty.moderation import suggestion_queries as queries
from myalmaty.moderation.services import suggestions as decisions
from myalmaty.moderation.views import group_choices, recommendation_choices

R = TypeVar("R")
KINDS: dict[str, type[AppForm]] = {
    "create": forms.SuggestionThemeForm,
    "add": forms.SuggestionAddForm,
    "dismiss": forms.DismissForm,
}


def _prefix(suggestion_id: int, kind: str) -> str:
    return f"s{suggestion_id}-{kind}"


def _form(suggestion: ThemeSuggestion, kind: str, recommendations: list[tuple[int, str]],
          themes: list[tuple[int, str]], formdata: bool = False) -> AppForm:
    extra: dict[str, Any] = {} if formdata else {"formdata": None}
    if kind == "create" and not formdata:
        extra["title"] = theme_title(suggestion.key_words, lambda: _("Suggested theme"))
    form = KINDS[kind](prefix=_prefix(suggestion.id, kind), **extra)
    if kind == "create":
        form.recommendation.choices = forms.with_blank(_("No recommendation"), recommendations)
    elif kind == "add":
        form.group.choices = forms.with_blank(_("Choose a theme"), themes)
    return form


def render_suggestions(submitted: tuple[int, str, AppForm] | None = None,
                       status: int = 200) -> Rendered:
    page = queries.suggestions_page(page_from(request.args))
    recommendations, themes = recommendation_choices(), group_choices()
    page_forms = {
        row.suggestion.id: {kind: _form(row.suggestion, kind, recommendations, themes)
                            for kind in KINDS}
        for row in page.rows
    }
    if submitted is not None and submitted[0] in page_forms:
        page_forms[submitted[0]][submitted[1]] = submitted[2]
    return render_template("moderation/suggestions.html", page=page, forms=page_forms,
                           run_form=forms.PlainForm(formdata=None, prefix="run"),
                           has_themes=bool(themes)), status


@bp.get("/groups/suggestions")
@moderator_required
def suggestions() -> ResponseReturnValue:
    return render_suggestions()


@bp.post("/groups/suggestions")
@moderator_required
def compute_suggestions() -> ResponseReturnValue:
    """Compute again, in the background; the page shows the last result meanwhile."""
    form = forms.PlainForm(prefix="run")

    def started(run: ThemeSuggestionRun) -> str:
        # Called once the run is committed: only then can a worker read it.
        suggested_themes.start(run)
        return url_for(".suggestions")

    return run_decision(
        form, lambda: decisions.request_run(current_account()),
        success=_("Suggested themes are being computed. The page shows the new ones once "
                  "they are ready; meanwhile it shows the last ones."),
        done=started, rerender=lambda status: render_suggestions(status=status),
    )


def _decision(suggestion_id: int, kind: str, decide: Callable[[ThemeSuggestion, Any], R],
              success: Callable[[R], str] | str,
              done: Callable[[R], str] | None = None) -> ResponseReturnValue:
    suggestion = or_404(queries.suggestion_by_id(suggestion_id))
    form = _form(suggestion, kind, recommendation_choices(), group_choices(), formdata=True)
    return run_decision(
        form, lambda: decide(suggestion, form), success=success,
        done=done or url_for(".suggestions"),
        rerender=lambda status: render_suggestions((suggestion_id, kind, form), status),
    )


@bp.post("/groups/suggestions/<int:suggestion_id>/create")
@moderator_required
def create_from_suggestion(suggestion_id: int) -> ResponseReturnValue:
    def decide(suggestion: ThemeSuggestion, form: Any) -> Any:
        chosen = form.recommendation.data
        recommendation = services.get_recommendation(chosen) if chosen else None
        return decisions.create_theme(current_account(), suggestion, title=form.title.data,
                                      summary=form.summary.data or "",
                                      recommendation=recommendation,
                                      rationale=form.rationale.data or "")

    return _decision(suggestion_id, "create", decide, _("The theme is created."),
                     done=lambda group: url_for(".group", group_id=group.id))


@bp.post("/groups/suggestions/<int:suggestion_id>/add")
@moderator_required
def add_suggestion(suggestion_id: int) -> ResponseReturnValue:
    def decide(suggestion: ThemeSuggestion, form: Any) -> Any:
        return decisions.add_to_theme(current_account(), suggestion,
                                      services.get_group(form.group.data))

    return _decision(
        suggestion_id, "add", decide,
        lambda ideas: ngettext("%(num)d idea is added to the theme.",
                               "%(num)d ideas are added to the theme.", len(ideas)))


@bp.post("/groups/suggestions/<int:suggestion_id>/dismiss")
@moderator_required
def dismiss_suggestion(suggestion_id: int) -> ResponseReturnValue:
    return _decision(
        suggestion_id, "dismiss",
        lambda suggestion, form: decisions.dismiss(current_account(), suggestion,
                                                   form.note.data or ""),
        _("The suggestion is dismissed; the same ideas will not be suggested together again."))
