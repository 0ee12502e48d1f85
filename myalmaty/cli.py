"""`flask` commands: translations, backup and restore, and the commands each feature contributes."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask import Flask, current_app
from flask.cli import AppGroup

from myalmaty.config import PROJECT_ROOT
from myalmaty.core.backup import BackupError, create_backup, restore_backup

TRANSLATIONS = PROJECT_ROOT / "translations"
POT_FILE = TRANSLATIONS / "messages.pot"

translate = AppGroup("translate", help="Extract, update and compile the translation catalogues.")


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract_messages(output: Path = POT_FILE) -> None:
    # pybabel skips folders starting with "_" unless told which to skip: templates/_macros
    # (pagination, forms) holds strings people see.
    pybabel(
        "extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
        "--no-location", "--sort-output", "--omit-header", "--ignore-dirs", ".* __pycache__",
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
    """Write one archive to PATH: the database, the photos and a manifest (safe while running)."""
    try:
        manifest = create_backup(path, Path(current_app.config["UPLOAD_FOLDER"]))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {path}: {manifest.backend} at schema revision "
               f"{manifest.schema_revision}, {manifest.rows} rows in {len(manifest.tables)} "
               f"tables, {manifest.photos} photo files.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(path: Path) -> None:
    """Restore a backup archive into an empty database and photos folder, then migrate."""
    try:
        manifest = restore_backup(path, Path(current_app.config["UPLOAD_FOLDER"]))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the backup of {manifest.created_at}: {manifest.rows} rows in "
               f"{len(manifest.tables)} tables (counts checked), {manifest.photos} photo files; "
               "the database is migrated to the latest schema.")


# Each feature contributes its commands through a `register(app)` function.
FEATURE_COMMANDS = (
    "myalmaty.auth.commands",  # create-user
    "myalmaty.main.demo",  # seed-demo
    "myalmaty.exports.commands",  # export
)


def init_app(app: Flask) -> None:
    app.cli.add_command(translate)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    for module_name in FEATURE_COMMANDS:
        import_module(module_name).register(app)
