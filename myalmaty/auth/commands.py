"""`flask create-user EMAIL --role ROLE [--name NAME]`: accounts made by an administrator."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from myalmaty.auth import services
from myalmaty.core.errors import DomainError
from myalmaty.core.permissions import ROLE_ORDER, Role
from myalmaty.extensions import db


def _read_password() -> str:
    """Asked for (hidden, twice) at a terminal; the first line of stdin otherwise, so scripts
    can pipe it in without it showing up in the process list or the shell history."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in ROLE_ORDER]),
              default=Role.RESIDENT.value, show_default=True, help="What the account may do.")
@click.option("--name", "display_name", default=None,
              help="Name shown to others (default: the role's name).")
@with_appcontext
def create_user_command(email: str, role: str, display_name: str | None) -> None:
    """Create an account. The password is asked for, or read from stdin when piped."""
    password = _read_password()
    try:
        user = services.create_user(
            email=email, password=password, role=Role(role), display_name=display_name
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} account {user.email} (id {user.id}).")


def register(app: Flask) -> None:
    app.cli.add_command(create_user_command)
