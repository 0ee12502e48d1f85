"""The organisers' pages. Every route here is for organisers only (and every service checks it
again). The dashboard lives here; the other pages each have a module of their own."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask.typing import ResponseReturnValue

from myalmaty.core.models import utcnow
from myalmaty.core.permissions import organiser_required
from myalmaty.core.web import current_account
from myalmaty.organise import bp
from myalmaty.organise.dashboard import build_dashboard


@bp.get("/")
@organiser_required
def dashboard() -> ResponseReturnValue:
    timezone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return render_template(
        "organise/dashboard.html", **build_dashboard(current_account(), utcnow(), timezone)
    )


# The other pages attach themselves to the blueprint when imported.
from myalmaty.organise import (  # noqa: E402,F401
    category_routes,
    forum_routes,
    offline_routes,
    quarter_routes,
    user_routes,
)
