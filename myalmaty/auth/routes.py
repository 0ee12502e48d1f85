"""Routes of this feature. PLACEHOLDERS: the endpoint names other features link to; each is
replaced by its real view (owner: auth)."""

from flask import abort

from myalmaty.auth import bp


@bp.route("/login", methods=["GET", "POST"])
def login():  # noqa: ANN201
    abort(404)


@bp.post("/logout")
def logout():  # noqa: ANN201
    abort(404)


@bp.route("/register", methods=["GET", "POST"])
def register():  # noqa: ANN201
    abort(404)


@bp.route("/profile", methods=["GET", "POST"])
def profile():  # noqa: ANN201
    abort(404)
