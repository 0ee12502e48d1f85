from flask import Blueprint

bp = Blueprint("moderation", __name__)

from myalmaty.moderation import routes  # noqa: E402,F401 - routes attach themselves to bp
