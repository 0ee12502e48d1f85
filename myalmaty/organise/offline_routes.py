"""Ideas collected offline: the printable form per quarter, the XLSX template, the import."""

from __future__ import annotations

from flask import Response, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from myalmaty.core.errors import DomainError
from myalmaty.core.i18n import current_locale
from myalmaty.core.permissions import organiser_required
from myalmaty.core.web import Rendered, current_account, or_404, show_error
from myalmaty.extensions import db
from myalmaty.organise import bp, offline, queries
from myalmaty.organise.forms import OfflineImportForm


def _import_page(form: OfflineImportForm, report: offline.ImportReport | None = None,
                 status: int = 200) -> Rendered:
    return render_template("organise/offline.html", form=form, report=report,
                           quarters=queries.active_quarters(), outcomes=offline.RowOutcome), status


def _import_form() -> OfflineImportForm:
    form = OfflineImportForm()
    form.forum.choices = [(str(f.id), f"{f.title} ({f.held_on:%d.%m.%Y})")
                          for f in queries.forums_for_import()]
    return form


@bp.get("/offline")
@organiser_required
def offline_ideas() -> ResponseReturnValue:
    return _import_page(_import_form())


@bp.get("/offline/template.xlsx")
@organiser_required
def offline_template() -> ResponseReturnValue:
    response = Response(offline.template_workbook(current_locale()), content_type=offline.MEDIA_TYPE)
    response.headers.set("Content-Disposition", "attachment",
                         filename=f"myalmaty-ideas-template-{current_locale()}.xlsx")
    return response


@bp.get("/offline/form/<int:quarter_id>")
@organiser_required
def offline_form(quarter_id: int) -> ResponseReturnValue:
    """A sheet to print and fill in by hand at a table, with a QR code to the online form."""
    import segno

    quarter = or_404(queries.active_quarter(quarter_id))
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("ideas.new")
    qr = Markup(segno.make(link, error="m").svg_inline(scale=4, omitsize=False))
    return render_template("organise/offline_form.html", quarter=quarter, link=link, qr=qr,
                           categories=queries.active_categories())


@bp.post("/offline")
@organiser_required
def import_offline_ideas() -> ResponseReturnValue:
    form = _import_form()
    if not form.validate_on_submit() or not form.file.data:
        if not form.file.data:
            form.file.errors = [*form.file.errors, offline.NO_FILE_MESSAGE]
        return _import_page(form, status=400)
    try:
        report = offline.import_ideas(current_account(), request.files["file"].stream,
                                      int(form.forum.data), skip_errors=form.skip_errors.data,
                                      locale=current_locale())
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return _import_page(form, status=error.status_code)
    db.session.commit()
    return _import_page(form, report, status=422 if report.stopped else 200)
