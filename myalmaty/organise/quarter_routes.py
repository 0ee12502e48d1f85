"""Creative quarters: list, create, edit with a boundary preview, archive and restore."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from myalmaty.core.errors import DomainError, render_error
from myalmaty.core.maps import MapParts
from myalmaty.core.permissions import is_organiser, organiser_required
from myalmaty.domain.reference import Quarter
from myalmaty.extensions import db
from myalmaty.organise import bp, quarter_services, queries
from myalmaty.organise.forms import BOUNDARY_TOO_LARGE, ActionForm, QuarterForm
from myalmaty.organise.quarter_maps import boundary_preview, saved_boundary_preview
from myalmaty.organise.quarter_services import BOUNDARY_MAX_BYTES, Reassignment
from myalmaty.organise.view_helpers import actor, form_page, show_error

FORM_ENDPOINTS = {"organise.new_quarter", "organise.edit_quarter"}


def _reassignment_message(result: Reassignment) -> str:
    joined = ngettext("%(num)d idea joined", "%(num)d ideas joined", result.joined)
    left = ngettext("%(num)d idea left", "%(num)d ideas left", result.left)
    return f"{joined}, {left}."


@bp.get("/quarters")
@organiser_required
def quarters():  # noqa: ANN201
    return render_template(
        "organise/quarters.html",
        quarters=queries.all_quarters(),
        counts=queries.idea_counts_by_quarter_id(),
    )


def _quarter_form_page(form: QuarterForm, quarter: Quarter | None, preview: MapParts | None = None):  # noqa: ANN202
    """The form with a map: of the boundary just checked, else of the saved one."""
    if preview is None and quarter is not None:
        preview = saved_boundary_preview(quarter)
    return form_page(
        "organise/quarter_form.html", form, quarter=quarter, preview=preview,
        max_megabytes=BOUNDARY_MAX_BYTES // 2**20,
    )


def _submitted_boundary(form: QuarterForm) -> MapParts | None:
    """Check the boundary for a preview; errors go beside the boundary field."""
    try:
        return boundary_preview(quarter_services.read_boundary(form.boundary.data or ""))
    except DomainError as error:
        show_error(form, error)
        return None


@bp.route("/quarters/new", methods=["GET", "POST"])
@organiser_required
def new_quarter():  # noqa: ANN201
    form = QuarterForm()
    if form.validate_on_submit():
        if form.preview.data:
            preview = _submitted_boundary(form)
            if preview is not None:
                flash(_("The boundary is valid. Check it on the map, then save."), "success")
            return _quarter_form_page(form, None, preview)
        try:
            quarter, result = quarter_services.create_quarter(actor(), form.details(), form.boundary.data or "")
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The quarter was created.") + " " + _reassignment_message(result), "success")
            return redirect(url_for(".quarters"))
    return _quarter_form_page(form, None)


@bp.route("/quarters/<int:quarter_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_quarter(quarter_id: int):  # noqa: ANN201
    quarter = db.get_or_404(Quarter, quarter_id)
    form = QuarterForm(obj=quarter)
    if request.method == "GET":
        form.boundary.data = ""
    if form.validate_on_submit():
        if form.preview.data:
            preview = _submitted_boundary(form) if (form.boundary.data or "").strip() else None
            if preview is not None:
                flash(_("The boundary is valid. Check it on the map, then save."), "success")
            return _quarter_form_page(form, quarter, preview)
        try:
            result = quarter_services.update_quarter(actor(), quarter, form.details(), form.boundary.data)
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            message = _("The quarter was saved.")
            if result is not None:
                message += " " + _reassignment_message(result)
            flash(message, "success")
            return redirect(url_for(".quarters"))
    return _quarter_form_page(form, quarter)


@bp.errorhandler(RequestEntityTooLarge)
def boundary_too_large(error: RequestEntityTooLarge):  # noqa: ANN201
    """A body Werkzeug refused before the form could read it: a file far over the limit, or
    pasted text that the browser sent as one multipart part over Flask's MAX_FORM_MEMORY_SIZE.

    The form's own rule (`QuarterForm.validate_boundary`) says the same for everything that
    gets through; here the body was not read, so the form starts again from the saved quarter.
    """
    # The request limit is checked before anything else, sign-in included.
    if request.endpoint not in FORM_ENDPOINTS or not is_organiser(current_user):
        return render_error(413)
    quarter = None
    if request.view_args and "quarter_id" in request.view_args:
        quarter = db.session.get(Quarter, request.view_args["quarter_id"])
    form = QuarterForm(formdata=None, obj=quarter)
    form.boundary.data = ""
    form.boundary.errors = [BOUNDARY_TOO_LARGE]
    page, _status = _quarter_form_page(form, quarter)
    return page, 413


def _archive(quarter_id: int, archived: bool):  # noqa: ANN202
    quarter = db.get_or_404(Quarter, quarter_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    result = quarter_services.set_quarter_archived(actor(), quarter, archived)
    db.session.commit()
    if archived:
        flash(_("The quarter was archived. Its ideas keep it; new ideas are not put in it."), "success")
    else:
        flash(_("The quarter was restored.") + " " + _reassignment_message(result), "success")
    return redirect(url_for(".quarters"))


@bp.post("/quarters/<int:quarter_id>/archive")
@organiser_required
def archive_quarter(quarter_id: int):  # noqa: ANN201
    return _archive(quarter_id, True)


@bp.post("/quarters/<int:quarter_id>/restore")
@organiser_required
def restore_quarter(quarter_id: int):  # noqa: ANN201
    return _archive(quarter_id, False)
