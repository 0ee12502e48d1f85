"""The organisers' export page and its download."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue

from myalmaty.core.i18n import current_locale
from myalmaty.core.permissions import organiser_required
from myalmaty.core.web import current_account
from myalmaty.exports import bp
from myalmaty.exports.filters import InvalidFilters
from myalmaty.exports.forms import ExportForm
from myalmaty.exports.services import export_ideas


@bp.get("")  # /organise/exports, without a trailing slash
@organiser_required
def index() -> ResponseReturnValue:
    form = ExportForm.from_args({}, current_locale())
    return render_template("exports/index.html", form=form)


@bp.get("/download")
@organiser_required
def download() -> ResponseReturnValue:
    form = ExportForm.from_args(request.args, current_locale())
    try:
        asked = form.export_request()
    except InvalidFilters as error:
        form.show_errors(error.errors)
        return render_template("exports/index.html", form=form), 400
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
