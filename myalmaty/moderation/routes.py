"""Routes of this feature. PLACEHOLDERS: the endpoint names other features link to; each is
replaced by its real view (owner: moderation)."""

from flask import abort

from myalmaty.moderation import bp


@bp.get("/")
def queue():  # noqa: ANN201
    abort(404)
