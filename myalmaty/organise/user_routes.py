"""Accounts: search, roles, and whether an account may sign in."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from myalmaty.core.errors import DomainError
from myalmaty.core.permissions import Role, organiser_required
from myalmaty.domain.accounts import User
from myalmaty.extensions import db
from myalmaty.organise import bp, queries, user_services
from myalmaty.organise.forms import ActiveForm, RoleForm, UserSearchForm
from myalmaty.organise.view_helpers import actor, show_error


@bp.get("/users")
@organiser_required
def users():  # noqa: ANN201
    form = UserSearchForm(request.args)
    if not form.validate():
        form = UserSearchForm(formdata=None)
    page = queries.users_page(form.q.data or "", form.chosen_role(), request.args.get("page", 1, type=int))
    return render_template("organise/users.html", form=form, page=page, Role=Role)


def _user_page(user: User, role_form: RoleForm | None = None, active_form: ActiveForm | None = None,
               status: int = 200):  # noqa: ANN202
    role_form = role_form or RoleForm(formdata=None, role=user.role.value)
    active_form = active_form or ActiveForm(formdata=None, active="no" if user.active else "yes")
    page = render_template(
        "organise/user.html", user=user, role_form=role_form, active_form=active_form,
        is_self=user.id == actor().id,
    )
    return page, status


@bp.get("/users/<int:user_id>")
@organiser_required
def user(user_id: int):  # noqa: ANN201
    return _user_page(db.get_or_404(User, user_id))


@bp.post("/users/<int:user_id>/role")
@organiser_required
def change_role(user_id: int):  # noqa: ANN201
    target = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _user_page(target, role_form=form, status=400)
    try:
        changed = user_services.change_role(actor(), target, Role(form.role.data), confirmed=form.confirm.data)
    except DomainError as error:
        show_error(form, error)
        return _user_page(target, role_form=form, status=400)
    db.session.commit()
    if changed:
        flash(_("%(name)s is now: %(role)s.", name=target.display_name, role=target.role.label), "success")
    if target.id == actor().id and target.role is not Role.ORGANISER:
        return redirect(url_for("main.home"))
    return redirect(url_for(".user", user_id=target.id))


@bp.post("/users/<int:user_id>/active")
@organiser_required
def set_active(user_id: int):  # noqa: ANN201
    target = db.get_or_404(User, user_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    active = form.active.data == "yes"
    try:
        changed = user_services.set_active(actor(), target, active, confirmed=form.confirm.data)
    except DomainError as error:
        show_error(form, error)
        return _user_page(target, active_form=form, status=400)
    db.session.commit()
    if changed:
        flash(_("%(name)s can sign in again.", name=target.display_name) if active
              else _("%(name)s can no longer sign in.", name=target.display_name), "success")
    if not target.is_active and target.id == actor().id:
        return redirect(url_for("main.home"))
    return redirect(url_for(".user", user_id=target.id))
