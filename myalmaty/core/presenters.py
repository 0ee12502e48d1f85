"""Small helpers that turn model data into what people see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User


def author_name(user: User | None) -> str:
    """The name shown for an author: never an e-mail; "Former resident" once the account is gone."""
    if user is None or user.is_deleted:
        return _("Former resident")
    return user.display_name
