"""Categories of ideas: list, create, edit, archive and restore (never delete)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from myalmaty.core.errors import DomainError
from myalmaty.core.permissions import organiser_required
from myalmaty.domain.reference import Category
from myalmaty.extensions import db
from myalmaty.organise import bp, queries, services
from myalmaty.organise.forms import ActionForm, CategoryForm
from myalmaty.organise.view_helpers import actor, form_page, show_error


@bp.get("/categories")
@organiser_required
def categories():  # noqa: ANN201
    return render_template(
        "organise/categories.html",
        categories=queries.all_categories(),
        counts=queries.idea_counts_by_category_id(),
    )


@bp.route("/categories/new", methods=["GET", "POST"])
@organiser_required
def new_category():  # noqa: ANN201
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            services.create_category(actor(), form.details())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The category was created."), "success")
            return redirect(url_for(".categories"))
    return form_page("organise/category_form.html", form, category=None)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_category(category_id: int):  # noqa: ANN201
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            services.update_category(actor(), category, form.details())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The category was saved."), "success")
            return redirect(url_for(".categories"))
    return form_page("organise/category_form.html", form, category=category)


def _archive(category_id: int, archived: bool):  # noqa: ANN202
    category = db.get_or_404(Category, category_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.set_category_archived(actor(), category, archived)
    db.session.commit()
    if archived:
        flash(_("The category was archived. Its ideas keep it; it is no longer offered."), "success")
    else:
        flash(_("The category was restored."), "success")
    return redirect(url_for(".categories"))


@bp.post("/categories/<int:category_id>/archive")
@organiser_required
def archive_category(category_id: int):  # noqa: ANN201
    return _archive(category_id, True)


@bp.post("/categories/<int:category_id>/restore")
@organiser_required
def restore_category(category_id: int):  # noqa: ANN201
    return _archive(category_id, False)
