from flask import Blueprint

bp = Blueprint("ideas", __name__)

from myalmaty.ideas import routes  # noqa: E402,F401 - routes attach themselves to bp
