"""Public pages of moderators' work: a theme with its ideas on a map, and a recommendation with
what has been linked to it, quarter by quarter. Only published ideas and active themes show."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask.typing import ResponseReturnValue

from myalmaty.core.maps import base_map, render_parts
from myalmaty.core.web import or_404
from myalmaty.domain.ideas import Idea
from myalmaty.moderation import public_bp, public_queries


def idea_points(ideas: list[Idea]) -> list[dict[str, Any]]:
    """What the map script needs; residents' titles go as JSON and are set with textContent."""
    return [
        {"lat": idea.lat, "lon": idea.lon, "title": idea.title,
         "url": url_for("ideas.detail", idea_id=idea.id)}
        for idea in ideas
    ]


@public_bp.get("/groups/<int:group_id>")
def group(group_id: int) -> ResponseReturnValue:
    page = or_404(public_queries.public_group(group_id))
    the_map = render_parts(base_map(zoom=12)) if page.ideas else None
    return render_template(
        "themes/group.html", group=page.group, ideas=page.ideas, the_map=the_map,
        points=idea_points(page.ideas), synthesis=page.synthesis,
    )


@public_bp.get("/recommendations/<int:recommendation_id>")
def recommendation(recommendation_id: int) -> ResponseReturnValue:
    uptake = or_404(public_queries.recommendation_uptake(recommendation_id))
    return render_template("themes/recommendation.html", uptake=uptake,
                           recommendation=uptake.recommendation)
