"""Who may do what: the one place roles are defined and checked.

Routes use the decorators, services call `require()` (they are request-free and get the acting
user as an argument), templates use the predicates through the `can` global.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User

F = TypeVar("F", bound=Callable[..., Any])


class Role(enum.Enum):
    RESIDENT = "resident"
    MODERATOR = "moderator"
    ORGANISER = "organiser"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])

    @property
    def rank(self) -> int:
        return ROLE_ORDER.index(self)


ROLE_ORDER = [Role.RESIDENT, Role.MODERATOR, Role.ORGANISER]
ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.MODERATOR: _l("Moderator"),
    Role.ORGANISER: _l("Organiser"),
}


class PermissionDenied(Exception):
    """A service was asked to do something the acting user may not do."""


def has_role(user: User | None, role: Role) -> bool:
    """Roles are ordered: an organiser can do everything a moderator can, and so on."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role.rank >= role.rank


def is_moderator(user: User | None) -> bool:
    return has_role(user, Role.MODERATOR)


def is_organiser(user: User | None) -> bool:
    return has_role(user, Role.ORGANISER)


def require(user: User | None, role: Role) -> None:
    if not has_role(user, role):
        raise PermissionDenied(role.value)


def _role_required(role: Role) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            from myalmaty.core.errors import wants_json
            from myalmaty.extensions import login_manager

            if not current_user.is_authenticated:
                if wants_json():  # a page's script: it sends the person to sign in itself
                    abort(401)
                return login_manager.unauthorized()
            if not has_role(current_user, role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


login_required = _role_required(Role.RESIDENT)
moderator_required = _role_required(Role.MODERATOR)
organiser_required = _role_required(Role.ORGANISER)


class Can:
    """Predicates for templates: `{% if can.moderate %}`."""

    @property
    def moderate(self) -> bool:
        return is_moderator(current_user)

    @property
    def organise(self) -> bool:
        return is_organiser(current_user)
