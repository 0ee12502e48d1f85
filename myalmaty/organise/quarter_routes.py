"""Creative quarters: list, create, edit with a boundary preview, archive and restore."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.exceptions import RequestEntityTooLarge

from myalmaty.core.errors import DomainError, render_error
from myalmaty.core.maps import MapParts
from myalmaty.core.permissions import is_organiser, organiser_required
from myalmaty.core.web import (
    Rendered,
    current_account,
    or_404,
    run_decision,
    show_error,
)
from myalmaty.domain.reference import Quarter
from myalmaty.organise import bp, quarter_services, queries
from myalmaty.organise.forms import BOUNDARY_TOO_LARGE, ActionForm, QuarterForm
from myalmaty.organise.quarter_maps import boundary_preview, saved_boundary_preview
from myalmaty.organise.quarter_services import BOUNDARY_MAX_BYTES, Reassignment

FORM_ENDPOINTS = {"organise.new_quarter", "organise.edit_quarter"}


def _reassignment_message(result: Reassignment) -> str:
    joined = ngettext("%(num)d idea joined", "%(num)d ideas joined", result.joined)
    left = ngettext("%(num)d idea left", "%(num)d ideas left", result.left)
    return f"{joined}, {left}."


def _quarters_page(status: int = 200) -> Rendered:
    page = render_template(
        "organise/quarters.html",
        quarters=queries.all_quarters(),
        counts=queries.idea_counts_by_quarter_id(),
    )
    return page, status


@bp.get("/quarters")
@organiser_required
def quarters() -> ResponseReturnValue:
    return _quarters_page()


def _quarter_form(
    form: QuarterForm, quarter: Quarter | None, preview: MapParts | None = None, status: int = 200
) -> Rendered:
    """The form with a map: of the boundary just checked, else of the saved one."""
    if preview is None and quarter is not None:
        preview = saved_boundary_preview(quarter)
    page = render_template(
        "organise/quarter_form.html", form=form, quarter=quarter, preview=preview,
        max_megabytes=BOUNDARY_MAX_BYTES // 2**20,
    )
    return page, status


def _preview(form: QuarterForm, quarter: Quarter | None) -> Rendered:
    """Check the boundary and show it on the map; nothing is saved.

    On the edit page an empty boundary means "keep the current one", which is shown.
    """
    if not form.validate_on_submit():
        return _quarter_form(form, quarter, status=400)
    boundary = form.boundary.data or ""
    if quarter is not None and not boundary.strip():
        return _quarter_form(form, quarter)
    try:
        preview = boundary_preview(quarter_services.read_boundary(boundary))
    except DomainError as error:
        show_error(form, error)
        return _quarter_form(form, quarter, status=error.status_code)
    flash(_("The boundary is valid. Check it on the map, then save."), "success")
    return _quarter_form(form, quarter, preview)


def _created_message(created: tuple[Quarter, Reassignment]) -> str:
    return _("The quarter was created.") + " " + _reassignment_message(created[1])


def _saved_message(result: Reassignment | None) -> str:
    message = _("The quarter was saved.")
    return message if result is None else message + " " + _reassignment_message(result)


@bp.route("/quarters/new", methods=["GET", "POST"])
@organiser_required
def new_quarter() -> ResponseReturnValue:
    form = QuarterForm()
    if request.method == "GET":
        return _quarter_form(form, None)
    if form.preview.data:
        return _preview(form, None)
    return run_decision(
        form,
        lambda: quarter_services.create_quarter(current_account(), form.details(), form.boundary.data or ""),
        success=_created_message,
        done=url_for(".quarters"),
        rerender=lambda status: _quarter_form(form, None, status=status),
    )


@bp.route("/quarters/<int:quarter_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_quarter(quarter_id: int) -> ResponseReturnValue:
    quarter = or_404(queries.quarter_by_id(quarter_id))
    form = QuarterForm(obj=quarter)
    if request.method == "GET":
        form.boundary.data = ""
        return _quarter_form(form, quarter)
    if form.preview.data:
        return _preview(form, quarter)
    return run_decision(
        form,
        lambda: quarter_services.update_quarter(
            current_account(), quarter, form.details(), form.boundary.data
        ),
        success=_saved_message,
        done=url_for(".quarters"),
        rerender=lambda status: _quarter_form(form, quarter, status=status),
    )


@bp.errorhandler(RequestEntityTooLarge)
def boundary_too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """A body Werkzeug refused before the form could read it: a file far over the limit, or
    pasted text that the browser sent as one multipart part over Flask's MAX_FORM_MEMORY_SIZE.

    The form's own rule (`QuarterForm.validate_boundary`) says the same for everything that
    gets through; here the body was not read, so the form starts again from the saved quarter.
    """
    # The request limit is checked before anything else, sign-in included.
    if request.endpoint not in FORM_ENDPOINTS or not is_organiser(current_account(required=False)):
        return render_error(413)
    quarter = None
    if request.view_args and "quarter_id" in request.view_args:
        quarter = queries.quarter_by_id(request.view_args["quarter_id"])
    form = QuarterForm(formdata=None, obj=quarter)
    form.boundary.data = ""
    form.boundary.errors = [BOUNDARY_TOO_LARGE]
    return _quarter_form(form, quarter, status=413)


def _set_archived(quarter_id: int, archived: bool) -> ResponseReturnValue:
    quarter = or_404(queries.quarter_by_id(quarter_id))
    return run_decision(
        ActionForm(),
        lambda: quarter_services.set_quarter_archived(current_account(), quarter, archived),
        success=lambda result: (
            _("The quarter was archived. Its ideas keep it; new ideas are not put in it.") if archived
            else _("The quarter was restored.") + " " + _reassignment_message(result)
        ),
        done=url_for(".quarters"),
        rerender=_quarters_page,
    )


@bp.post("/quarters/<int:quarter_id>/archive")
@organiser_required
def archive_quarter(quarter_id: int) -> ResponseReturnValue:
    return _set_archived(quarter_id, True)


@bp.post("/quarters/<int:quarter_id>/restore")
@organiser_required
def restore_quarter(quarter_id: int) -> ResponseReturnValue:
    return _set_archived(quarter_id, False)
