"""`flask notify send-due`: send the notification digests whose window has closed."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from myalmaty.moderation.notifications import send_due_notifications

notify = AppGroup("notify", help="Notifications to authors about decisions on their ideas.")


@notify.command("send-due")
def send_due_command() -> None:
    """Send every digest whose window has closed (the worker does it on time; safe from cron)."""
    sent = send_due_notifications()
    click.echo(f"Sent {sent} notification mail(s).")


def register(app: Flask) -> None:
    app.cli.add_command(notify)
