"""Routes of this feature. PLACEHOLDERS (owner: ideas)."""

from flask import abort

from myalmaty.api import bp


@bp.get("/ideas")
def ideas():  # noqa: ANN201
    abort(404)


@bp.get("/ideas/<int:idea_id>")
def idea(idea_id: int):  # noqa: ANN201
    abort(404)
