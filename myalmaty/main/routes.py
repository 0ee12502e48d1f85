"""The home page, and the checks a load balancer and a monitoring system poll."""

from __future__ import annotations

from flask import current_app, jsonify, render_template
from flask.typing import ResponseReturnValue

from myalmaty.extensions import db, migrate
from myalmaty.main import bp, health, queries


@bp.get("/")
def home() -> ResponseReturnValue:
    return render_template("main/home.html", **queries.home_page())


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """The process answers: nothing else is touched, so a slow database never restarts it."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Whether this process can serve residents: 503 (and each check's answer) when it cannot."""
    checks = health.readiness(current_app.config, db.engine, migrate.directory)
    ready = all(check.ok for check in checks)
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {check.name: {"ok": check.ok, **({"detail": check.detail} if check.detail else {})}
                   for check in checks},
    }
    return jsonify(body), 200 if ready else 503
