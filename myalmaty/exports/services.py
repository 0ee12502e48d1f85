"""The one export path: the web download and `flask export` both call `export_ideas`.

It checks who asks, then returns the file's name, media type and a lazy stream of bytes.
Nothing is read until the stream is consumed, and everything in it is written in the
language asked for (headers, dates, names of categories, quarters and stages).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import force_locale, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from myalmaty.core.errors import DomainError
from myalmaty.core.i18n import LANGUAGES
from myalmaty.core.models import LabelledEnum, utcnow
from myalmaty.core.permissions import Role, require
from myalmaty.exports import csv_writer, geojson_writer, offline_map, pack, xlsx_writer
from myalmaty.exports.filters import ExportFilters
from myalmaty.exports.queries import (
    IdeaRow,
    ReferenceData,
    iter_idea_rows,
    load_reference_data,
)

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User


class ExportFormat(LabelledEnum):
    CSV = "csv"
    XLSX = "xlsx"
    GEOJSON = "geojson"
    HTML = "html"
    PACK = "pack"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.CSV: _l("CSV table (Excel)"),
            cls.XLSX: _l("Excel workbook (XLSX): ideas, themes, coverage"),
            cls.GEOJSON: _l("GeoJSON for QGIS and other map tools"),
            cls.HTML: _l("Offline map (one HTML file)"),
            cls.PACK: _l("Discussion pack for a forum (ZIP: HTML, PDF, XLSX, GeoJSON, map)"),
        }


class Platform:
    """The acting party when the command line exports: the platform's operators themselves."""

    def __repr__(self) -> str:
        return "<platform>"


PLATFORM = Platform()

EXTENSIONS = {
    ExportFormat.CSV: ("csv", "text/csv; charset=utf-8"),
    ExportFormat.XLSX: ("xlsx", xlsx_writer.MEDIA_TYPE),
    ExportFormat.GEOJSON: ("geojson", geojson_writer.MEDIA_TYPE),
    ExportFormat.HTML: ("html", offline_map.MEDIA_TYPE),
    ExportFormat.PACK: ("zip", pack.MEDIA_TYPE),
}


@dataclass(frozen=True)
class ExportFile:
    filename: str
    mimetype: str
    chunks: Iterator[bytes]


def _filename(fmt: ExportFormat, filters: ExportFilters, today: dt.date) -> str:
    extension, _media = EXTENSIONS[fmt]
    if fmt is ExportFormat.PACK:
        return f"myalmaty-forum-{filters.forum_id}-pack-{today:%Y-%m-%d}.{extension}"
    if fmt is ExportFormat.HTML:
        return f"myalmaty-ideas-map-{today:%Y-%m-%d}.{extension}"
    return f"myalmaty-ideas-{today:%Y-%m-%d}.{extension}"


def _chunks(fmt: ExportFormat, filters: ExportFilters, reference: ReferenceData,
            semicolon: bool) -> Iterator[bytes]:
    def rows() -> Iterator[IdeaRow]:
        """A fresh pass over the matching ideas (a pack reads them more than once)."""
        return iter_idea_rows(filters, reference)

    if fmt is ExportFormat.CSV:
        return csv_writer.csv_chunks(rows(), reference.locale, semicolon=semicolon)
    if fmt is ExportFormat.XLSX:
        return xlsx_writer.xlsx_chunks(rows(), filters, reference)
    if fmt is ExportFormat.GEOJSON:
        return geojson_writer.geojson_chunks(rows())
    if fmt is ExportFormat.HTML:
        title = _("Almaty residents' ideas — #MyAlmaty Ideas")
        return offline_map.offline_map_chunks(rows(), reference, title)
    return pack.pack_chunks(filters, reference, rows)


def export_ideas(
    actor: User | Platform,
    fmt: ExportFormat,
    filters: ExportFilters,
    *,
    locale: str = "ru",
    semicolon: bool = False,
) -> ExportFile:
    """The export of published ideas matching `filters`, in `locale`, for an organiser.

    Raises PermissionDenied for anyone but an organiser (or the platform itself), and a
    DomainError when a discussion pack is asked for without a forum.
    """
    if actor is not PLATFORM:
        require(actor, Role.ORGANISER)  # type: ignore[arg-type]
    if locale not in LANGUAGES:
        raise DomainError(_l("Choose Russian, Kazakh or English for the export."))
    if fmt is ExportFormat.PACK and filters.forum_id is None:
        raise DomainError(_l("A discussion pack is made for one forum: choose the forum."))
    today = utcnow().astimezone(get_timezone()).date()

    def generate() -> Iterator[bytes]:
        with force_locale(locale):
            reference = load_reference_data(locale)
            yield from _chunks(fmt, filters, reference, semicolon)

    _extension, mimetype = EXTENSIONS[fmt]
    return ExportFile(_filename(fmt, filters, today), mimetype, generate())
