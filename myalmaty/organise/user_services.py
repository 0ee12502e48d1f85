"""Organisers manage accounts: roles and whether an account may sign in.

Two rules keep the platform manageable: the last active organiser can be neither demoted nor
deactivated, and an organiser changing their own account must say they mean it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from myalmaty.auth.services import keep_an_organiser
from myalmaty.core.errors import DomainError, FieldError
from myalmaty.core.permissions import Role, require
from myalmaty.domain.audit import record_event
from myalmaty.extensions import db

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User


def _check_target(actor: User, target: User, confirmed: bool) -> None:
    if target.is_deleted:
        raise DomainError(_l("This account was deleted; it cannot be changed."))
    if target.id == actor.id and not confirmed:
        raise FieldError(
            "confirm",
            _l("This is your own account: you would lose access to these pages. Tick the box to confirm."),
        )


def change_role(actor: User, target: User, role: Role, *, confirmed: bool = False) -> bool:
    """Give `target` a new role; False when it already had it."""
    require(actor, Role.ORGANISER)
    if target.role is role:
        return False
    losing_organiser = target.role is Role.ORGANISER and target.is_active
    _check_target(actor, target, confirmed or not losing_organiser)
    if losing_organiser:
        keep_an_organiser(target)
    before = {"user_id": target.id, "role": target.role}
    target.role = role
    record_event(actor, "user.role", before=before, after={"user_id": target.id, "role": role})
    db.session.flush()
    return True


def set_active(actor: User, target: User, active: bool, *, confirmed: bool = False) -> bool:
    """Let `target` sign in again, or stop them; False when nothing changed.

    Deactivated accounts keep everything they wrote; they just cannot sign in.
    """
    require(actor, Role.ORGANISER)
    if target.active is active:
        return False
    _check_target(actor, target, confirmed or active)
    if not active and target.role is Role.ORGANISER:
        keep_an_organiser(target)
    before = {"user_id": target.id, "active": target.active}
    target.active = active
    record_event(actor, "user.active", before=before, after={"user_id": target.id, "active": active})
    db.session.flush()
    return True
