"""Routes of this feature. PLACEHOLDERS: the endpoint names other features link to; each is
replaced by its real view (owner: organise)."""

from flask import abort

from myalmaty.organise import bp


@bp.get("/")
def dashboard():  # noqa: ANN201
    abort(404)
