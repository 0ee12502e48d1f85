from flask import Blueprint

bp = Blueprint("api", __name__)

from myalmaty.api import routes  # noqa: E402,F401 - routes attach themselves to bp
from myalmaty.api.compression import compress_json  # noqa: E402

bp.after_request(compress_json)
