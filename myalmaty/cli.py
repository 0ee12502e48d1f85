"""`flask` commands: translations, backup and restore, and the commands each feature contributes."""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from myalmaty.config import PROJECT_ROOT
from myalmaty.core.backup import BackupError, create_backup, restore_backup
from myalmaty.core.jobs import job_queue, work
from myalmaty.core.settings_check import Level, check_settings, errors_of

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


@click.command("check-config")
@with_appcontext
def check_config_command() -> None:
    """Check the settings against the production rules (exit code 1 if start would be refused)."""
    config = current_app.config
    findings = check_settings(config, os.environ)
    click.echo(f"Settings of MYALMATY_ENV={config['ENV_NAME']}, checked against the rules "
               "production starts with:")
    for finding in findings:
        click.echo(f"  {finding}")
    errors = errors_of(findings)
    warnings = sum(finding.level is Level.WARNING for finding in findings)
    if errors:
        click.echo(f"{len(errors)} error(s), {warnings} warning(s): production would refuse to "
                   "start with these settings.", err=True)
        raise SystemExit(1)
    click.echo(f"No errors, {warnings} warning(s): production can start with these settings.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs (mail, notification digests, exports, suggested themes) from the
    Redis queue at REDIS_URL, retrying failed ones."""
    queue = job_queue(current_app.config)
    if queue is None:
        raise click.ClickException("REDIS_URL is not set: jobs run inside the app and no worker "
                                   "is needed.")
    # Each job runs in a process forked from this one: built here once, the similarity index
    # comes with every job (which brings it up to date from the change marker) instead of
    # being built again by each (suggested themes use it).
    from myalmaty.extensions import db
    from myalmaty.ideas.similarity import index_for_app

    index_for_app()
    db.session.commit()  # end the read, so the worker holds no transaction while it waits
    work(queue, burst=burst)


# Each feature contributes its commands through a `register(app)` function.
FEATURE_COMMANDS = (
    "myalmaty.auth.commands",  # create-user
    "myalmaty.main.demo",  # seed-demo
    "myalmaty.exports.commands",  # export, exports purge
    "myalmaty.moderation.commands",  # notify send-due
)


def init_app(app: Flask) -> None:
    app.cli.add_command(translate)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(check_config_command)
    app.cli.add_command(worker_command)
    for module_name in FEATURE_COMMANDS:
        import_module(module_name).register(app)
