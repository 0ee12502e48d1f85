"""The organisers' export page: exports asked for there are written by a job, shown with their
progress, and downloaded once ready; `/download` still streams a file straight away for
scripts and bookmarks."""

from __future__ import annotations

import json
import unicodedata
from urllib.parse import quote

from flask import (
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from myalmaty.core import maps
from myalmaty.core.errors import DomainError, NotFound, render_error
from myalmaty.core.i18n import current_locale
from myalmaty.core.models import utcnow
from myalmaty.core.permissions import organiser_required
from myalmaty.core.web import current_account
from myalmaty.exports import bp, jobs
from myalmaty.exports.filters import InvalidFilters
from myalmaty.exports.forms import ExportForm
from myalmaty.exports.job_queries import export_job, recent_export_jobs
from myalmaty.exports.queries import selection_quarters
from myalmaty.exports.services import export_ideas
from myalmaty.exports.views import job_view
from myalmaty.extensions import db


@bp.get("")  # /organise/exports, without a trailing slash
@organiser_required
def index() -> ResponseReturnValue:
    return _page(ExportForm.from_args({}, current_locale()))


def _page(form: ExportForm, status: int = 200) -> ResponseReturnValue:
    """The form, with the map on which an area, a quarter or a cluster is selected."""
    quarters = selection_quarters()
    parts = maps.render_parts(maps.ideas_overview_map(quarters))
    now = utcnow()
    views = [job_view(job, now) for job in recent_export_jobs(current_account().id)]
    return render_template(
        "exports/index.html", form=form, map_parts=parts, clusters_url=url_for("api.clusters"),
        place_url=url_for("api.place"),
        quarter_slugs=json.dumps({str(q.id): q.slug for q in quarters}), jobs=views,
    ), status


@bp.post("/jobs")
@organiser_required
def request_export() -> ResponseReturnValue:
    form = ExportForm.from_args(request.form, current_locale())
    try:
        asked = form.export_request()
    except InvalidFilters as error:
        form.show_errors(error.errors)
        return _page(form, 400)
    # The form's own fields as submitted, so the job reads them through the form of its day.
    args = {field.name: request.form.getlist(field.name) for field in form
            if field.name in request.form}
    job = jobs.request_export(current_account(), args, asked.fmt)
    db.session.commit()
    jobs.start(job)
    flash(_("Your export is being written. It appears below; download it when it is ready."),
          "info")
    return redirect(url_for("exports.index") + "#exports")


@bp.get("/jobs/<int:job_id>.json")
@organiser_required
def job_status(job_id: int) -> ResponseReturnValue:
    job = export_job(job_id)
    if job is None or job.requested_by_id != current_account().id:
        return jsonify({"error": _("There is no such export among yours.")}), 404
    response = jsonify(job_view(job, utcnow()).as_json())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/jobs/<int:job_id>/file")
@organiser_required
def job_file(job_id: int) -> ResponseReturnValue:
    try:
        ready = jobs.ready_file(current_account(), job_id)
    except NotFound:
        return render_error(404)
    except DomainError as error:  # gone: the file was removed just now, say so
        db.session.commit()
        return render_error(error.status_code, str(error))
    response = send_file(ready.path, as_attachment=True, download_name=ready.filename,
                         max_age=0)
    response.headers["Content-Type"] = ready.content_type
    response.headers["Cache-Control"] = "no-store"
    return response


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
