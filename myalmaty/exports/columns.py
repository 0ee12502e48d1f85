"""The columns every idea export has, declared once (adhocracy4 style) for web and CLI alike.

Each column has a stable machine key (GeoJSON properties, JSON in the offline map), a header
translated when the export is written (lazy), a value function over an `IdeaRow`, and a width
for spreadsheets. Values are typed (str, int, float, date); each writer formats them for its
own format. The author is deliberately not a column: exports name no one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
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


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # a lazy string: translated when it is written
    value: Callable[[Any], Cell]
    width: int = 14


IDEA_COLUMNS: list[Column] = [
    Column("id", _l("Number"), lambda r: r.id, 9),
    Column("reference", _l("Reference"), lambda r: r.reference, 12),
    Column("link", _l("Link"), lambda r: r.link, 32),
    Column("title", _l("Title"), lambda r: redact_emails(r.title), 40),
    Column("description", _l("Description"), lambda r: redact_emails(r.description), 60),
    Column("first_step", _l("First step"), lambda r: redact_emails(r.first_step), 40),
    Column("category", _l("Category"), lambda r: r.category, 20),
    Column("quarter", _l("Quarter"), lambda r: r.quarter, 24),
    Column("group", _l("Theme"), lambda r: redact_emails(r.group), 30),
    Column("recommendations", _l("Recommendations"), lambda r: "; ".join(r.recommendations), 40),
    Column("stage", _l("Stage"), lambda r: r.stage_label, 18),
    Column("public_answer", _l("Public answer"), lambda r: redact_emails(r.public_answer), 40),
    Column("supports", _l("Supports"), lambda r: r.support_count, 10),
    Column("comments", _l("Comments"), lambda r: r.comment_count, 10),
    Column("lat", _l("Latitude"), lambda r: round(r.lat, 6), 11),
    Column("lon", _l("Longitude"), lambda r: round(r.lon, 6), 11),
    Column("published", _l("Published on"), lambda r: r.published_on, 13),
    Column("created", _l("Submitted on"), lambda r: r.created_on, 13),
]

GROUP_COLUMNS: list[Column] = [
    Column("id", _l("Number"), lambda g: g.group.id, 9),
    Column("link", _l("Link"), lambda g: g.link, 32),
    Column("title", _l("Theme"), lambda g: redact_emails(g.group.title), 36),
    Column("summary", _l("Summary"), lambda g: redact_emails(g.group.summary), 60),
    Column("stage", _l("Stage"), lambda g: g.group.stage.label, 18),
    Column("public_answer", _l("Public answer"), lambda g: redact_emails(g.group.public_answer), 40),
    Column("ideas", _l("Ideas"), lambda g: g.idea_count, 9),
    Column("supports", _l("Supports"), lambda g: g.support_count, 10),
    Column("recommendations", _l("Recommendations"), lambda g: "; ".join(g.recommendations), 40),
]


def idea_cells(row: IdeaRow) -> list[Cell]:
    return [column.value(row) for column in IDEA_COLUMNS]


def headers(columns: list[Column]) -> list[str]:
    return [str(column.header) for column in columns]
