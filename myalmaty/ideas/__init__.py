from flask import Blueprint

bp = Blueprint("ideas", __name__)

# Routes attach themselves to bp: browsing and one's own ideas, submitting and changing an
# idea, and what residents do with published ideas.
from myalmaty.ideas import engagement_routes, routes, submit_routes  # noqa: E402,F401
