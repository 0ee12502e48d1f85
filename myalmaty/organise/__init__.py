"""The organisers' pages: dashboard, forums and agendas, quarters, categories, users."""

from flask import Blueprint

bp = Blueprint("organise", __name__)

from myalmaty.organise import routes  # noqa: E402,F401 - routes attach themselves to bp
