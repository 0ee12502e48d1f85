"""Moderation: the queue and decisions, themes, links to recommendations, reports, bulk
decisions and the audit log (bp, /moderation); the public theme and recommendation pages
(public_bp); authors hearing back (notifications)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from flask import Blueprint, Flask, g

if TYPE_CHECKING:
    from flask.blueprints import BlueprintSetupState

bp = Blueprint("moderation", __name__)
# Public pages about moderators' work (themes, recommendations), mounted at the site root.
public_bp = Blueprint("themes", __name__)


def _pending_ideas_count() -> int:
    """For the navigation: counted once per page, and only when a moderator's nav asks."""
    if "moderation_pending_count" not in g:
        from myalmaty.moderation.queries import pending_count

        g.moderation_pending_count = pending_count()
    return g.moderation_pending_count


@bp.record_once
def _on_register(state: BlueprintSetupState) -> None:
    from myalmaty.domain.audit_text import log_entry
    from myalmaty.moderation import notifications

    app = cast(Flask, state.app)  # the state is typed with Flask's base App class
    notifications.init_app(app)
    app.jinja_env.globals.update(
        moderation_pending_count=_pending_ideas_count,
        moderation_log_entry=log_entry,
    )


from myalmaty.moderation import (  # noqa: E402,F401 - attach to the bps
    group_routes,
    log_routes,
    public_routes,
    report_routes,
    routes,
    suggestion_routes,
    unsubscribe_routes,
)
