"""Demo accounts: one per role plus residents who write, support and comment."""

from __future__ import annotations

import datetime as dt
import secrets
import string
from collections import Counter
from dataclasses import dataclass

from myalmaty.auth.passwords import hash_password
from myalmaty.core.permissions import Role
from myalmaty.domain.accounts import User
from myalmaty.extensions import db
from myalmaty.main.seed import data, queries


@dataclass(frozen=True)
class AccountLine:
    """What the command prints for one account. `password` is None when it was left unchanged."""

    role: Role
    email: str
    display_name: str
    password: str | None
    deleted: bool = False


# Letters and digits only, so that a double click selects the whole password in a terminal.
PASSWORD_ALPHABET = string.ascii_letters + string.digits


def new_password(length: int = 16) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def ensure_accounts(
    now: dt.datetime, reset_passwords: bool, created: Counter
) -> tuple[dict[str, User], list[AccountLine]]:
    """Accounts by their key in demo_people.json, and the lines to print.

    An existing account is left as it is (its role, name and password included) unless
    `reset_passwords` asks for new passwords; a deleted account is never revived.
    """
    specs = data.accounts()
    existing = queries.users_by_email(spec["email"] for spec in specs)
    users: dict[str, User] = {}
    lines: list[AccountLine] = []
    for age, spec in enumerate(specs):
        user = existing.get(spec["email"])
        password: str | None = None
        if user is None:
            password = new_password()
            since = now - dt.timedelta(days=80 - age)
            user = User(
                email=spec["email"],
                display_name=spec["display_name"],
                role=Role(spec["role"]),
                locale=spec["locale"],
                password_hash=hash_password(password),
                consented_at=since,
                created_at=since,
                updated_at=since,
            )
            db.session.add(user)
            created["accounts"] += 1
        elif reset_passwords and not user.is_deleted:
            password = new_password()
            user.password_hash = hash_password(password)
            created["passwords reset"] += 1
        users[spec["key"]] = user
        lines.append(
            AccountLine(user.role, user.email, user.display_name, password, user.is_deleted)
        )
    db.session.flush()
    return users, lines
