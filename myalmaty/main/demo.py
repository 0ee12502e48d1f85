"""`flask seed-demo`: load the demo forum, quarters, accounts and ideas (idempotent)."""

from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from myalmaty.core.models import utcnow
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.ideas import Comment, IdeaStatus, Report, Support
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.extensions import db
from myalmaty.main.seed import AccountLine, SeedResult, queries, seed_demo


def running_in_production() -> bool:
    # The environment is read at start-up into ENV_NAME; the variable is checked too, in case
    # it was set for this very command.
    return (
        current_app.config.get("ENV_NAME") == "production"
        or os.environ.get("MYALMATY_ENV") == "production"
    )


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Load demo data even when MYALMATY_ENV=production.")
@click.option(
    "--reset-passwords",
    is_flag=True,
    help="Give every demo account a new random password and print it.",
)
@with_appcontext
def seed_demo_command(force: bool, reset_passwords: bool) -> None:
    """Load demo data: the 2018 forum, categories, quarters, accounts, ideas, moderation.

    Running it again changes nothing that exists; passwords are printed only when created.
    """
    if running_in_production() and not force:
        raise click.ClickException(
            "refusing to load demo data with MYALMATY_ENV=production (use --force to insist)"
        )
    result = seed_demo(now=utcnow(), reset_passwords=reset_passwords)
    db.session.commit()
    _print_summary(result)


def _print_summary(result: SeedResult) -> None:
    if result.created:
        made = ", ".join(f"{what} {count}" for what, count in result.created.items())
        click.echo(f"Demo data created: {made}.")
    else:
        click.echo("Demo data already present: nothing changed.")

    by_status = queries.idea_counts_by_status()
    statuses = ", ".join(f"{status.value} {by_status.get(status, 0)}" for status in IdeaStatus)
    click.echo(f"Ideas by status: {statuses}.")
    totals = {
        "supports": Support,
        "comments": Comment,
        "themes": IdeaGroup,
        "recommendation links": RecommendationLink,
        "reports": Report,
        "audit entries": ModerationEvent,
    }
    click.echo(
        "In the database: "
        + ", ".join(f"{name} {queries.row_count(model)}" for name, model in totals.items())
        + "."
    )
    _print_accounts(result.accounts)


def _print_accounts(accounts: list[AccountLine]) -> None:
    click.echo("\nDemo accounts (role, e-mail, password):")
    width = max(len(line.email) for line in accounts)
    for line in accounts:
        if line.password is not None:
            shown = line.password
        elif line.deleted:
            shown = "(account deleted; left alone)"
        else:
            shown = "(unchanged; --reset-passwords sets a new one)"
        click.echo(f"  {line.role.value:<10} {line.email:<{width}}  {shown}")
    if any(line.password for line in accounts):
        click.echo("Passwords are shown only now; they are stored hashed.")


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
