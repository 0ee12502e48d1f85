"""`flask` commands: translations, backups, and the commands each feature contributes."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from importlib import import_module
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask import Flask
from flask.cli import AppGroup

from myalmaty.config import PROJECT_ROOT
from myalmaty.extensions import db

TRANSLATIONS = PROJECT_ROOT / "translations"
POT_FILE = TRANSLATIONS / "messages.pot"

translate = AppGroup("translate", help="Extract, update and compile the translation catalogues.")


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract_messages(output: Path = POT_FILE) -> None:
    pybabel(
        "extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
        "--no-location", "--sort-output", "--omit-header",
        "-o", str(output), str(PROJECT_ROOT),
    )


def compile_catalogues(directory: Path | None = None) -> None:
    pybabel("compile", "-d", str(directory or TRANSLATIONS))


@translate.command("extract")
def translate_extract() -> None:
    """Collect every translatable string into translations/messages.pot."""
    extract_messages()


@translate.command("update")
def translate_update() -> None:
    """Extract, then merge new strings into every language's catalogue."""
    extract_messages()
    pybabel("update", "-i", str(POT_FILE), "-d", str(TRANSLATIONS), "--no-fuzzy-matching",
            "--ignore-obsolete")


@translate.command("init")
@click.argument("language")
def translate_init(language: str) -> None:
    """Start a catalogue for a new language."""
    extract_messages()
    pybabel("init", "-i", str(POT_FILE), "-d", str(TRANSLATIONS), "-l", language)


@translate.command("compile")
def translate_compile() -> None:
    """Compile the catalogues the app reads (.po → .mo)."""
    compile_catalogues(TRANSLATIONS)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database to PATH (SQLite file, or pg_dump's custom format)."""
    url = db.engine.url
    path.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        if not url.database:
            raise click.ClickException("an in-memory SQLite database has nothing to back up")
        # sqlite3's online backup copies a consistent snapshot even while the app writes (WAL).
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(path)
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise click.ClickException("pg_dump is not installed; it is needed to back up PostgreSQL")
        libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run([pg_dump, "--format=custom", f"--file={path}", libpq_url], check=True)
    click.echo(f"Backup written to {path}")


# Each feature contributes its commands through a `register(app)` function.
FEATURE_COMMANDS = (
    "myalmaty.auth.commands",  # create-user
    "myalmaty.main.demo",  # seed-demo
    "myalmaty.exports.commands",  # export
)


def init_app(app: Flask) -> None:
    app.cli.add_command(translate)
    app.cli.add_command(backup_command)
    for module_name in FEATURE_COMMANDS:
        import_module(module_name).register(app)
