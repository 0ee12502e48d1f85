"""Accounts: search, roles, and whether an account may sign in."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from myalmaty.core.pagination import page_from
from myalmaty.core.permissions import Role, organiser_required
from myalmaty.core.web import Rendered, current_account, or_404, run_decision
from myalmaty.domain.accounts import User
from myalmaty.organise import bp, queries, user_services
from myalmaty.organise.forms import ActiveForm, RoleForm, UserSearchForm


@bp.get("/users")
@organiser_required
def users() -> ResponseReturnValue:
    form = UserSearchForm(request.args)
    if not form.validate():
        form = UserSearchForm(formdata=None)
    page = queries.users_page(form.q.data or "", form.chosen_role(), page_from(request.args))
    return render_template("organise/users.html", form=form, page=page, Role=Role)


def _user_page(user: User, role_form: RoleForm | None = None, active_form: ActiveForm | None = None,
               status: int = 200) -> Rendered:
    role_form = role_form or RoleForm(formdata=None, role=user.role.value)
    active_form = active_form or ActiveForm(formdata=None, active="no" if user.active else "yes")
    page = render_template(
        "organise/user.html", user=user, role_form=role_form, active_form=active_form,
        is_self=user.id == current_account().id,
    )
    return page, status


@bp.get("/users/<int:user_id>")
@organiser_required
def user(user_id: int) -> ResponseReturnValue:
    return _user_page(or_404(queries.user_by_id(user_id)))


def _after_change(target: User, may_stay: bool) -> str:
    """The person's page, or the home page for an organiser who just left the organisers."""
    if target.id == current_account().id and not may_stay:
        return url_for("main.home")
    return url_for(".user", user_id=target.id)


@bp.post("/users/<int:user_id>/role")
@organiser_required
def change_role(user_id: int) -> ResponseReturnValue:
    target = or_404(queries.user_by_id(user_id))
    form = RoleForm()
    return run_decision(
        form,
        lambda: user_services.change_role(
            current_account(), target, Role(form.role.data), confirmed=form.confirm.data
        ),
        success=lambda changed: (
            _("%(name)s is now: %(role)s.", name=target.display_name, role=target.role.label) if changed
            else _("Nothing was changed.")
        ),
        done=lambda _changed: _after_change(target, target.role is Role.ORGANISER),
        rerender=lambda status: _user_page(target, role_form=form, status=status),
    )


@bp.post("/users/<int:user_id>/active")
@organiser_required
def set_active(user_id: int) -> ResponseReturnValue:
    target = or_404(queries.user_by_id(user_id))
    form = ActiveForm()
    return run_decision(
        form,
        lambda: user_services.set_active(
            current_account(), target, form.active.data == "yes", confirmed=form.confirm.data
        ),
        success=lambda changed: (
            _("Nothing was changed.") if not changed
            else _("%(name)s can sign in again.", name=target.display_name) if target.active
            else _("%(name)s can no longer sign in.", name=target.display_name)
        ),
        done=lambda _changed: _after_change(target, target.is_active),
        rerender=lambda status: _user_page(target, active_form=form, status=status),
    )
