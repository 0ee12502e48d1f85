from flask import Blueprint

bp = Blueprint("main", __name__)

from myalmaty.main import routes  # noqa: E402,F401 - routes attach themselves to bp
