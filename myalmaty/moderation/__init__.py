from flask import Blueprint

bp = Blueprint("moderation", __name__)
# Public pages about moderators' work (themes, recommendations), mounted at the site root.
public_bp = Blueprint("themes", __name__)

from myalmaty.moderation import public_routes, routes  # noqa: E402,F401 - attach to the bps
