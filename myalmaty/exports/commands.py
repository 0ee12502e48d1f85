"""`flask export`: the same exports as the organisers' download page, written to a file."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale

from myalmaty.core.errors import DomainError
from myalmaty.core.i18n import LANGUAGES
from myalmaty.exports.filters import InvalidFilters, parse_filters
from myalmaty.exports.jobs import purge_expired
from myalmaty.exports.services import PLATFORM, ExportFormat, Separator, export_ideas, option_errors
from myalmaty.extensions import db

exports_group = AppGroup("exports", help="Export files written for the exports page.")


@exports_group.command("purge")
def purge_command() -> None:
    """Remove the export files past EXPORT_TTL (safe to run from cron at any time)."""
    removed = purge_expired()
    db.session.commit()
    click.echo(f"Removed {removed} expired export file(s).")


@click.command("export")
@click.option("--format", "fmt", required=True, type=click.Choice([f.value for f in ExportFormat]),
              help="csv, xlsx, geojson, html (offline map) or pack (discussion pack, needs --forum).")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write.")
@click.option("--forum", help="Only ideas on this forum's agenda (forum number).")
@click.option("--quarter", help="Only ideas in this quarter (short name, e.g. 'arbat').")
@click.option("--category", help="Only ideas of this category (short name).")
@click.option("--group", help="Only ideas in this theme (theme number).")
@click.option("--recommendation",
              help="Only ideas linked to this recommendation, directly or through their theme.")
@click.option("--stage", help="Only ideas at this stage (new, under_review, ...).")
@click.option("--since", help="Published on or after this day (YYYY-MM-DD).")
@click.option("--until", help="Published on or before this day (YYYY-MM-DD).")
@click.option("--area", help="Only ideas inside this area: west,south,east,north (a rectangle) or "
                             "lon,lat;lon,lat;... (a polygon), as the export page's map writes it.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="ru", show_default=True,
              help="Language of headers, dates and names.")
@click.option("--semicolon/--comma", "semicolon", default=None,
              help="CSV only: separate cells with ';' and decimals with ',' (Excel in ru/kk), or "
                   "with ',' and '.'. Default: semicolons for --lang ru and kk, commas for en.")
@with_appcontext
def export_command(fmt: str, output: Path, lang: str, semicolon: bool | None,
                   **raw_filters: str | None) -> None:
    """Export published ideas (never an e-mail address) for a forum's organisers."""
    separator = None if semicolon is None else (Separator.SEMICOLON if semicolon else Separator.COMMA)
    with force_locale(lang):
        if errors := option_errors(ExportFormat(fmt), separator):
            raise click.UsageError("\n".join(errors.values()))
        try:
            filters = parse_filters(raw_filters)
            export = export_ideas(PLATFORM, ExportFormat(fmt), filters, locale=lang,
                                  separator=separator)
        except InvalidFilters as error:
            raise click.UsageError("\n".join(error.errors.values())) from None
        except DomainError as error:
            raise click.UsageError(str(error)) from None
    # Write beside the target and move it into place: a failed export leaves no half file.
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    try:
        with open(partial, "wb") as f:
            for chunk in export.chunks:
                f.write(chunk)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Written {output} ({output.stat().st_size} bytes)")


def register(app: Flask) -> None:
    app.cli.add_command(export_command)
    app.cli.add_command(exports_group)
