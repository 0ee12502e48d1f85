from flask import Blueprint

bp = Blueprint("organise", __name__)

from myalmaty.organise import routes  # noqa: E402,F401 - routes attach themselves to bp
from myalmaty.exports import routes as export_routes  # noqa: E402,F401 - downloads live under /organise
