"""Exports of published ideas for forums: one code path for the web download (bp, mounted at
/organise/exports beside the organisers' other pages) and `flask export`."""

from flask import Blueprint

bp = Blueprint("exports", __name__)

from myalmaty.exports import routes  # noqa: E402,F401 - routes attach themselves to bp
