"""The one export path: the web download and `flask export` both call `export_ideas`.

It checks who asks, then returns the file's name, media type and a lazy stream of bytes.
Nothing is read until the stream is consumed, and everything in it is written in the
language asked for (headers, dates, names of categories, quarters and stages).

File names say what is in the file (forum, language, filters, day), so that a folder of
downloads can be told apart without opening them: for example
`myalmaty-ideas-forum5-ru-west-culture-2026-12-04.csv`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
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
    filter_slugs,
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


class Separator(LabelledEnum):
    """How a CSV separates cells and writes decimals."""

    SEMICOLON = "semicolon"
    COMMA = "comma"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.SEMICOLON: _l("Semicolons, decimal comma (Excel in Russian or Kazakh)"),
            cls.COMMA: _l("Commas, decimal point (Excel in English)"),
        }


# A spreadsheet set to Russian or Kazakh reads the comma as the decimal separator: a comma
# CSV's coordinates reach it as text. So a CSV in those languages separates cells with
# semicolons and writes decimals with a comma, unless the organiser chooses otherwise.
DEFAULT_SEPARATORS = {"ru": Separator.SEMICOLON, "kk": Separator.SEMICOLON, "en": Separator.COMMA}


def option_errors(fmt: ExportFormat | None, separator: Separator | None) -> dict[str, str]:
    """Options that do not apply to the chosen format, {option: message}: refused, never
    silently ignored (the organiser would think they had a semicolon file)."""
    if separator is not None and fmt is not None and fmt is not ExportFormat.CSV:
        return {"separator": _("Only a CSV file has a separator: choose CSV, or leave the "
                               "separator to the file's language.")}
    return {}


class Platform:
    """The acting party when the command line exports: the platform's operators themselves."""

    def __repr__(self) -> str:
        return "<platform>"


PLATFORM = Platform()

# Full Content-Type values, each with its charset once (routes pass them as they are).
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
    content_type: str
    chunks: Iterator[bytes]


def _ascii_token(text: str) -> str:
    """A piece of a file name in small Latin letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text.lower()).split()
    return "-".join(words)


def _filter_tokens(filters: ExportFilters, reference_slugs: dict[str, str]) -> list[str]:
    """The filters other than the forum, in the form's order, as short file-name pieces."""
    tokens = [reference_slugs.get("quarter", ""), reference_slugs.get("category", "")]
    if filters.group_id is not None:
        tokens.append(f"theme{filters.group_id}")
    if filters.recommendation_id is not None:
        tokens.append(f"rec{filters.recommendation_id}")
    if filters.stage is not None:
        tokens.append(filters.stage.value)
    if filters.since is not None:
        tokens.append(f"from-{filters.since:%Y-%m-%d}")
    if filters.until is not None:
        tokens.append(f"to-{filters.until:%Y-%m-%d}")
    if filters.area is not None:
        tokens.append("area")
    return [_ascii_token(t) for t in tokens if t]


def export_filename(fmt: ExportFormat, filters: ExportFilters, locale: str, today: dt.date,
                    reference_slugs: dict[str, str] | None = None) -> str:
    """`myalmaty-<kind>[-forum<n>]-<lang>-<filters or "all">-<day>.<extension>`, ASCII only."""
    extension, _media = EXTENSIONS[fmt]
    kind = {ExportFormat.PACK: "pack", ExportFormat.HTML: "ideas-map"}.get(fmt, "ideas")
    parts = ["myalmaty", kind]
    if filters.forum_id is not None:
        parts.append(f"forum{filters.forum_id}")
    parts.append(locale)
    narrowing = _filter_tokens(filters, reference_slugs or {})
    if not narrowing and filters.forum_id is None:
        narrowing = ["all"]
    parts.extend(narrowing)
    parts.append(f"{today:%Y-%m-%d}")
    return "-".join(parts) + f".{extension}"


def _chunks(fmt: ExportFormat, filters: ExportFilters, reference: ReferenceData,
            separator: Separator) -> Iterator[bytes]:
    def rows() -> Iterator[IdeaRow]:
        """A fresh pass over the matching ideas (a pack reads them more than once)."""
        return iter_idea_rows(filters, reference)

    # What was selected on the map travels in the file, so that it says what it holds.
    selection = filters.area.describe() if filters.area is not None else None
    if fmt is ExportFormat.CSV:
        return csv_writer.database_csv_chunks(filters, reference,
                                              semicolon=separator is Separator.SEMICOLON,
                                              selection=selection)
    if fmt is ExportFormat.XLSX:
        return xlsx_writer.xlsx_chunks(rows(), filters, reference)
    if fmt is ExportFormat.GEOJSON:
        return geojson_writer.geojson_chunks(rows(), geojson_writer.selection_member(filters.area))
    if fmt is ExportFormat.HTML:
        title = _("Almaty residents' ideas — #MyAlmaty Ideas")
        return offline_map.offline_map_chunks(rows(), reference, title, selection or "")
    return pack.pack_chunks(filters, reference, rows)


def export_ideas(
    actor: User | Platform,
    fmt: ExportFormat,
    filters: ExportFilters,
    *,
    locale: str = "ru",
    separator: Separator | None = None,
) -> ExportFile:
    """The export of published ideas matching `filters`, in `locale`, for an organiser.

    A CSV's `separator` defaults to the language's (DEFAULT_SEPARATORS); other formats take
    none. Raises PermissionDenied for anyone but an organiser (or the platform itself), and a
    DomainError when a discussion pack is asked for without a forum or an option does not
    apply to the format.
    """
    if actor is not PLATFORM:
        require(actor, Role.ORGANISER)  # type: ignore[arg-type]
    if locale not in LANGUAGES:
        raise DomainError(_l("Choose Russian, Kazakh or English for the export."))
    if fmt is ExportFormat.PACK and filters.forum_id is None:
        raise DomainError(_l("A discussion pack is made for one forum: choose the forum."))
    if errors := option_errors(fmt, separator):
        raise DomainError("; ".join(errors.values()))
    today = utcnow().astimezone(get_timezone()).date()
    chosen_separator = separator or DEFAULT_SEPARATORS[locale]

    def generate() -> Iterator[bytes]:
        with force_locale(locale):
            reference = load_reference_data(locale)
            yield from _chunks(fmt, filters, reference, chosen_separator)

    _extension, content_type = EXTENSIONS[fmt]
    filename = export_filename(fmt, filters, locale, today, filter_slugs(filters))
    return ExportFile(filename, content_type, generate())
