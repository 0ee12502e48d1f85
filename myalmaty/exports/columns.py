"""The columns every idea export has, declared once (adhocracy4 style) for web and CLI alike.

Each column has a stable machine key (GeoJSON properties, JSON in the offline map), a header
translated when the export is written (lazy), a value function over an `IdeaRow`, a kind and a
width for spreadsheets. Values are typed by the column's kind (text: str; number: int or float;
day: date; any may be None); each writer picks how to format each column once per export, from
its kind, never by looking at the values row by row. The author is deliberately not a column:
exports name no one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from operator import attrgetter
from typing import Any

from babel import dates as babel_dates
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone

from myalmaty.exports.queries import IdeaRow

Cell = str | int | float | dt.date | None

# Good enough to catch what residents type into free text ("write me at a.b@mail.kz");
# exports must never carry an e-mail address, whoever wrote it.
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Day formats for tables: numeric, four-digit years, so spreadsheets read them as dates
# (Excel in Russian and Kazakh locales reads dd.mm.yyyy).
TABLE_DAY_PATTERNS = {"ru": "dd.MM.yyyy", "kk": "dd.MM.yyyy", "en": "yyyy-MM-dd"}
SPREADSHEET_DAY_FORMATS = {"ru": "DD.MM.YYYY", "kk": "DD.MM.YYYY", "en": "YYYY-MM-DD"}


def redact_emails(text: str) -> str:
    if "@" not in text:
        return text
    return EMAIL_PATTERN.sub(_("[e-mail removed]"), text)


def local_day(moment: dt.datetime | None) -> dt.date | None:
    """The day in the platform's time zone (Almaty), which is what people call the date."""
    return to_user_timezone(moment).date() if moment is not None else None


@lru_cache(maxsize=4096)
def table_day(day: dt.date, locale: str) -> str:
    """A day for a table cell; cached, since thousands of rows share a handful of days."""
    return babel_dates.format_date(day, TABLE_DAY_PATTERNS.get(locale, "yyyy-MM-dd"), locale=locale)


@lru_cache(maxsize=4096)
def long_day(day: dt.date, locale: str) -> str:
    """A day for people to read: "21 июля 2018 г.", "2018 ж. 21 шілде", "July 21, 2018"."""
    return babel_dates.format_date(day, "long", locale=locale)


COORDINATE_FORMAT = "0.000000"  # six decimals: about 10 cm, the precision ideas are stored at


class Kind(Enum):
    """What a column's values are: each writer formats a kind its own way."""

    TEXT = "text"  # str; a link too (with `url`)
    NUMBER = "number"  # int or float
    DAY = "day"  # a date


TEXT, NUMBER, DAY = Kind.TEXT, Kind.NUMBER, Kind.DAY


@dataclass(frozen=True)
class Column:
    """`wrap`: long text, wrapped in spreadsheets (rows grow to show it); `url`: a link,
    written as a hyperlink; `number_format`: how a spreadsheet shows the number."""

    key: str
    header: Any  # a lazy string: translated when it is written
    value: Callable[[Any], Cell]
    width: int = 14
    wrap: bool = False
    url: bool = False
    number_format: str | None = None
    kind: Kind = TEXT


# Widths in characters, chosen so that the whole sheet printed landscape on A4, one page wide,
# stays legible: long text wraps in its column instead of widening it.
def _field(name: str) -> Callable[[Any], Cell]:
    """A value read as it is from the row (in C: rows are tuples with named fields)."""
    return attrgetter(name)


def _joined(name: str) -> Callable[[Any], Cell]:
    getter = attrgetter(name)
    return lambda r: "; ".join(getter(r))


IDEA_COLUMNS: list[Column] = [
    Column("id", _l("Number"), _field("id"), 8, kind=NUMBER),
    Column("reference", _l("Reference"), _field("reference"), 11),
    # Not wrapped: a link breaks mid-word, and would make every row two lines tall.
    Column("link", _l("Link"), _field("link"), 30, url=True),
    Column("title", _l("Title"), lambda r: redact_emails(r.title), 28, wrap=True),
    Column("description", _l("Description"), lambda r: redact_emails(r.description), 50, wrap=True),
    Column("first_step", _l("First step"), lambda r: redact_emails(r.first_step), 30, wrap=True),
    Column("category", _l("Category"), _field("category"), 14, wrap=True),
    Column("quarter", _l("Quarter"), _field("quarter"), 14, wrap=True),
    Column("group", _l("Theme"), lambda r: redact_emails(r.group), 22, wrap=True),
    Column("recommendations", _l("Recommendations"), _joined("recommendations"), 28, wrap=True),
    Column("stage", _l("Stage"), _field("stage_label"), 14, wrap=True),
    Column("public_answer", _l("Public answer"), lambda r: redact_emails(r.public_answer), 30,
           wrap=True),
    Column("supports", _l("Supports"), _field("support_count"), 10, kind=NUMBER),
    Column("comments", _l("Comments"), _field("comment_count"), 10, kind=NUMBER),
    Column("lat", _l("Latitude"), lambda r: round(r.lat, 6), 11, number_format=COORDINATE_FORMAT,
           kind=NUMBER),
    Column("lon", _l("Longitude"), lambda r: round(r.lon, 6), 11, number_format=COORDINATE_FORMAT,
           kind=NUMBER),
    Column("published", _l("Published on"), _field("published_on"), 12, kind=DAY),
    Column("created", _l("Submitted on"), _field("created_on"), 12, kind=DAY),
]

GROUP_COLUMNS: list[Column] = [
    Column("id", _l("Number"), lambda g: g.group.id, 8, kind=NUMBER),
    Column("link", _l("Link"), lambda g: g.link, 30, url=True),
    Column("title", _l("Theme"), lambda g: redact_emails(g.group.title), 30, wrap=True),
    Column("summary", _l("Summary"), lambda g: redact_emails(g.group.summary), 50, wrap=True),
    Column("stage", _l("Stage"), lambda g: g.group.stage.label, 14, wrap=True),
    Column("public_answer", _l("Public answer"), lambda g: redact_emails(g.group.public_answer), 36,
           wrap=True),
    Column("ideas", _l("Ideas"), lambda g: g.idea_count, 9, kind=NUMBER),
    Column("supports", _l("Supports"), lambda g: g.support_count, 10, kind=NUMBER),
    Column("recommendations", _l("Recommendations"), lambda g: "; ".join(g.recommendations), 36,
           wrap=True),
]

# The Comments sheet: what was said about each exported idea, and when, never by whom. The
# reference finds the idea (and its link) on the Ideas sheet; a link per comment would soon
# reach Excel's limit of links a sheet (xlsx_writer.MAX_LINKS_PER_SHEET).
COMMENT_COLUMNS: list[Column] = [
    Column("reference", _l("Reference"), _field("reference"), 11),
    Column("idea", _l("Idea"), lambda c: redact_emails(c.idea_title), 30, wrap=True),
    Column("date", _l("Date"), _field("created_on"), 12, kind=DAY),
    Column("text", _l("Comment"), lambda c: redact_emails(c.body), 80, wrap=True),
]


def idea_cells(row: IdeaRow) -> list[Cell]:
    return [column.value(row) for column in IDEA_COLUMNS]


def cell_functions(columns: list[Column], formats: dict[Kind, Callable[[Any], Any] | None]
                   ) -> list[Callable[[Any], Any]]:
    """Per column, the function from a row to the cell as a writer wants it: the column's
    value, passed through the writer's format for the column's kind (None: as it is)."""
    functions = []
    for column in columns:
        value, convert = column.value, formats.get(column.kind)
        functions.append(value if convert is None else
                         (lambda r, value=value, convert=convert: convert(value(r))))
    return functions


def headers(columns: list[Column]) -> list[str]:
    return [str(column.header) for column in columns]
