"""Browsing: the list, the map, one idea, its photo, and the author's own ideas."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue

from myalmaty.core import maps
from myalmaty.core.database import read_outside_transaction
from myalmaty.core.pagination import page_from
from myalmaty.core.permissions import is_moderator, login_required
from myalmaty.core.web import Rendered, current_account, or_404
from myalmaty.domain.ideas import Idea, IdeaStage, IdeaStatus
from myalmaty.extensions import db
from myalmaty.ideas import bp, policy, queries, services
from myalmaty.ideas.filters import (
    IdeaFilters,
    Sort,
    parse_filters,
    parse_sort,
)
from myalmaty.ideas.forms import ActionForm, CommentForm, SupportForm
from myalmaty.ideas.history import history_entry
from myalmaty.ideas.web import photo_response, photo_store


def _filters_and_choices() -> tuple[IdeaFilters, dict[str, Any]]:
    filters = parse_filters(request.args)
    queries.check_filters(filters)
    categories, quarters = queries.filter_choices()
    return filters, {"filters": filters, "categories": categories, "quarters": quarters,
                     "stages": IdeaStage}


@bp.get("/")
def index() -> ResponseReturnValue:
    # The list only reads: no transaction around its statements (`core.database`).
    read_outside_transaction(db.session())
    filters, context = _filters_and_choices()
    sort = parse_sort(request.args)
    page = page_from(request.args)
    pagination = queries.published_page(filters, sort, page, current_app.config["IDEAS_PER_PAGE"])
    return render_template("ideas/index.html", pagination=pagination, sort=sort, sorts=Sort,
                           **context)


@bp.get("/map")
def map_view() -> ResponseReturnValue:
    filters, context = _filters_and_choices()
    parts = maps.render_parts(maps.ideas_overview_map(context["quarters"]))
    query: dict[str, Any] = filters.as_args()
    return render_template("ideas/map.html", parts=parts,
                           clusters_url=url_for("api.clusters", **query), **context)


def render_detail(idea: Idea, comment_form: CommentForm | None = None,
                  status: int = 200) -> Rendered:
    """The idea's page; also shown again (with the typed comment) when a decision on it is
    refused."""
    viewer = current_account(required=False)
    comments = queries.comments_of(idea, include_hidden=is_moderator(viewer))
    state = queries.viewer_state(idea, viewer, [c.id for c in comments])
    can_support = policy.can_support(viewer, idea)
    can_resubmit = policy.can_resubmit(viewer, idea)
    can_take_part = policy.can_take_part(viewer, idea)
    # Each form is made only when the page shows it (most visitors are shown none).
    return render_template(
        "ideas/detail.html",
        idea=idea,
        comments=comments,
        links=queries.recommendation_links([idea]).get(idea.id, []),
        forums=queries.agenda_forums([idea]).get(idea.id, []),
        state=state,
        parts=maps.point_map_parts(idea.lat, idea.lon),
        is_author=policy.is_author(viewer, idea),
        can_change=policy.can_change(viewer, idea),
        can_resubmit=can_resubmit,
        can_support=can_support,
        can_take_part=can_take_part,
        comment_form=comment_form or (CommentForm(formdata=None) if can_take_part else None),
        support_form=SupportForm(formdata=None) if can_support else None,
        action_form=ActionForm(formdata=None, version=idea.version) if can_resubmit else None,
        statuses=IdeaStatus,
    ), status


@bp.get("/<int:idea_id>")
def detail(idea_id: int) -> ResponseReturnValue:
    return render_detail(or_404(queries.visible_idea(idea_id, current_account(required=False))))


@bp.get("/mine")
@login_required
def mine() -> ResponseReturnValue:
    author = current_account()
    ideas = queries.ideas_of_author(author)
    events = queries.events_of_ideas(ideas)
    history = {
        idea_id: [history_entry(e, author.id) for e in evs] for idea_id, evs in events.items()
    }
    page = render_template(
        "ideas/mine.html",
        ideas=ideas,
        history=history,
        links=queries.recommendation_links(ideas),
        forums=queries.agenda_forums(ideas),
        action_form=ActionForm(formdata=None),
        statuses=IdeaStatus,
    )
    # Decisions shown once are no longer "new" (the page was rendered with them marked).
    services.mark_history_seen(author, ideas)
    db.session.commit()
    return page


@bp.get("/photos/<string:key>/<any(full, thumb):size>")
def photo(key: str, size: str) -> ResponseReturnValue:
    # The key's shape is checked (by the store) before a query sees it.
    path = or_404(photo_store().existing_file(key, size))
    idea = or_404(queries.visible_idea_with_photo(key, current_account(required=False)))
    return photo_response(path, public=idea.is_public)
