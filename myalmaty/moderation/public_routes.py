"""Public pages of moderators' work. PLACEHOLDERS (owner: moderation)."""

from flask import abort

from myalmaty.moderation import public_bp


@public_bp.get("/groups/<int:group_id>")
def group(group_id: int):  # noqa: ANN201
    abort(404)


@public_bp.get("/recommendations/<int:recommendation_id>")
def recommendation(recommendation_id: int):  # noqa: ANN201
    abort(404)
