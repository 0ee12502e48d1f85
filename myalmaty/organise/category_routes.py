"""Categories of ideas: list, create, edit, archive and restore (never delete)."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from myalmaty.core.permissions import organiser_required
from myalmaty.core.web import Rendered, current_account, or_404, run_decision
from myalmaty.domain.reference import Category
from myalmaty.organise import bp, queries, services
from myalmaty.organise.forms import ActionForm, CategoryForm


def _categories_page(status: int = 200) -> Rendered:
    page = render_template(
        "organise/categories.html",
        categories=queries.all_categories(),
        counts=queries.idea_counts_by_category_id(),
    )
    return page, status


@bp.get("/categories")
@organiser_required
def categories() -> ResponseReturnValue:
    return _categories_page()


def _category_form(form: CategoryForm, category: Category | None, status: int = 200) -> Rendered:
    return render_template("organise/category_form.html", form=form, category=category), status


@bp.route("/categories/new", methods=["GET", "POST"])
@organiser_required
def new_category() -> ResponseReturnValue:
    form = CategoryForm()
    if request.method == "GET":
        return _category_form(form, None)
    return run_decision(
        form,
        lambda: services.create_category(current_account(), form.details()),
        success=_("The category was created."),
        done=url_for(".categories"),
        rerender=lambda status: _category_form(form, None, status),
    )


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_category(category_id: int) -> ResponseReturnValue:
    category = or_404(queries.category_by_id(category_id))
    form = CategoryForm(obj=category)
    if request.method == "GET":
        return _category_form(form, category)
    return run_decision(
        form,
        lambda: services.update_category(current_account(), category, form.details()),
        success=_("The category was saved."),
        done=url_for(".categories"),
        rerender=lambda status: _category_form(form, category, status),
    )


def _set_archived(category_id: int, archived: bool) -> ResponseReturnValue:
    category = or_404(queries.category_by_id(category_id))
    return run_decision(
        ActionForm(),
        lambda: services.set_category_archived(current_account(), category, archived),
        success=(_("The category was archived. Its ideas keep it; it is no longer offered.") if archived
                 else _("The category was restored.")),
        done=url_for(".categories"),
        rerender=_categories_page,
    )


@bp.post("/categories/<int:category_id>/archive")
@organiser_required
def archive_category(category_id: int) -> ResponseReturnValue:
    return _set_archived(category_id, True)


@bp.post("/categories/<int:category_id>/restore")
@organiser_required
def restore_category(category_id: int) -> ResponseReturnValue:
    return _set_archived(category_id, False)
