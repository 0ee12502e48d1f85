"""The home page and the health check."""

from __future__ import annotations

from flask import jsonify, render_template
from flask.typing import ResponseReturnValue

from myalmaty.core.database import database_is_reachable
from myalmaty.extensions import db
from myalmaty.main import bp, queries


@bp.get("/")
def home() -> ResponseReturnValue:
    return render_template("main/home.html", **queries.home_page())


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    if database_is_reachable(db.engine):
        return jsonify(status="ok", database="ok")
    return jsonify(status="error", database="unreachable"), 503
