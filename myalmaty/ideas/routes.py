"""Routes of this feature. PLACEHOLDERS: the endpoint names other features link to; each is
replaced by its real view (owner: ideas)."""

from flask import abort

from myalmaty.ideas import bp


@bp.get("/")
def index():  # noqa: ANN201 - the list of published ideas (filters in the query string)
    abort(404)


@bp.get("/map")
def map_view():  # noqa: ANN201
    abort(404)


@bp.route("/new", methods=["GET", "POST"])
def new():  # noqa: ANN201
    abort(404)


@bp.get("/mine")
def mine():  # noqa: ANN201
    abort(404)


@bp.get("/<int:idea_id>")
def detail(idea_id: int):  # noqa: ANN201
    abort(404)


@bp.get("/photos/<string:key>/<any(full, thumb):size>")
def photo(key: str, size: str):  # noqa: ANN201
    abort(404)
