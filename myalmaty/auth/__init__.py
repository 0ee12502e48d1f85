from flask import Blueprint

bp = Blueprint("auth", __name__)

from myalmaty.auth import routes  # noqa: E402,F401 - routes attach themselves to bp
