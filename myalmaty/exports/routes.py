"""The organisers' export page and its download."""

from __future__ import annotations

import json
import unicodedata
from urllib.parse import quote

from flask import Response, render_template, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue

from myalmaty.core import maps
from myalmaty.core.i18n import current_locale
from myalmaty.core.permissions import organiser_required
from myalmaty.core.web import current_account
from myalmaty.exports import bp
from myalmaty.exports.filters import InvalidFilters
from myalmaty.exports.forms import ExportForm
from myalmaty.exports.queries import selection_quarters
from myalmaty.exports.services import export_ideas


@bp.get("")  # /organise/exports, without a trailing slash
@organiser_required
def index() -> ResponseReturnValue:
    form = ExportForm.from_args({}, current_locale())
    return _page(form)


def _page(form: ExportForm, status: int = 200) -> ResponseReturnValue:
    """The form, with the map on which an area, a quarter or a cluster is selected."""
    quarters = selection_quarters()
    parts = maps.render_parts(maps.ideas_overview_map(quarters))
    return render_template(
        "exports/index.html", form=form, map_parts=parts, clusters_url=url_for("api.clusters"),
        place_url=url_for("api.place"),
        quarter_slugs=json.dumps({str(q.id): q.slug for q in quarters}),
    ), status


@bp.get("/download")
@organiser_required
def download() -> ResponseReturnValue:
    form = ExportForm.from_args(request.args, current_locale())
    try:
        asked = form.export_request()
    except InvalidFilters as error:
        form.show_errors(error.errors)
        return _page(form, 400)
    export = export_ideas(current_account(), asked.fmt, asked.filters, locale=asked.locale,
                          separator=asked.separator)
    # content_type, not mimetype: Flask would add a second charset to a text/* mimetype.
    response = Response(stream_with_context(export.chunks), content_type=export.content_type)
    response.headers.set("Content-Disposition", "attachment", **attachment_names(export.filename))
    response.headers["Cache-Control"] = "no-store"
    return response


def attachment_names(filename: str) -> dict[str, str]:
    """Content-Disposition's file name: ASCII as it is; otherwise an ASCII fallback and the
    UTF-8 name in `filename*` (RFC 5987, read by every current browser), as Flask's send_file."""
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
        return {"filename": fallback, "filename*": "UTF-8''" + quote(filename, safe="!#$&+^`|~")}
    return {"filename": filename}
