"""XLSX workbook: ideas, groups, recommendation coverage by quarter, and comments.

Written by `xlsx_stream`, which compresses each row into the file as it comes, so memory
does not grow with the number of ideas. Rows are written in order, so everything about a
row (its height, its cells, its links) is decided when the row is written, never afterwards.

Every sheet has a bold frozen header row, a filter and set widths, and prints the way a table
is read at a forum: landscape A4, one page wide, the header row repeated on every page, long
text wrapped in its column with the row tall enough to show it. Links are real hyperlinks,
coordinates real numbers. Text is always written as text: a resident's "=1+1" is never a
formula.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from flask_babel import gettext as _

from myalmaty.exports.areas import Area
from myalmaty.exports.columns import (
    COMMENT_COLUMNS,
    GROUP_COLUMNS,
    IDEA_COLUMNS,
    SPREADSHEET_DAY_FORMATS,
    Cell,
    Column,
    Kind,
)
from myalmaty.exports.filters import ExportFilters
from myalmaty.exports.queries import (
    IdeaRow,
    ReferenceData,
    coverage_counts,
    group_summaries,
    iter_visible_comments,
)
from myalmaty.exports.xlsx_stream import (
    Sheet,
    Style,
    Workbook,
    column_letters,
    number_cells,
    text_cell,
    text_cells,
)

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_BYTES = 64 * 1024

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel keeps at most this many hyperlinks on a sheet (its specifications and limits: 66,530;
# XlsxWriter stops at 65,530); past it, a link is written as its text.
MAX_LINKS_PER_SHEET = 65_530
LINE_HEIGHT = 15.0  # points: one line of Excel's default font (Calibri 11), its default row
MAX_LINES = 15  # a row never grows past this; the whole text stays in the cell
# A column w characters wide holds about 0.85 w characters of running text: words wrap
# whole, and the width is measured in digits, a little wider than the average letter.
CHARACTERS_PER_WIDTH = 0.85
MARGINS = (0.4, 0.4, 0.6, 0.6)  # inches: left, right, top, bottom
FOOTER = "&L&A&R&P / &N"  # the sheet's name; page n of N


def excel_serial(day: dt.date) -> int:
    """The number a spreadsheet stores for a day: days since 1899-12-30 (Excel's 1900 date
    system, for days from March 1900 on)."""
    return (day - EXCEL_EPOCH).days


def sheet_title(text: str) -> str:
    """Excel refuses sheet names over 31 characters or with any of []:*?/\\."""
    return "".join(ch for ch in text if ch not in "[]:*?/\\")[:31]


def lines_needed(text: str, width: int) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide (an estimate:
    no spreadsheet file can hold the answer, which depends on the reader's font)."""
    per_line = max(1, int(width * CHARACTERS_PER_WIDTH))
    if "\n" not in text:  # most text: one paragraph
        return max(1, -(-len(text) // per_line))
    return sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))


class SheetWriter:
    """Rows into one sheet, in order: the header first, then typed cells, each column
    formatted as declared (wrapped, a hyperlink, a number format). How each column is written
    is decided once, from its kind; a row only passes its values along."""

    def __init__(self, workbook: Workbook, title: str, columns: list[Column],
                 locale: str) -> None:
        self.workbook = workbook
        self.sheet: Sheet = workbook.add_sheet(sheet_title(title), [c.width for c in columns])
        self.columns = columns
        self.day_format = SPREADSHEET_DAY_FORMATS.get(locale, "YYYY-MM-DD")
        self.rows = 0
        self.links = 0
        self._letters = [column_letters(index) for index in range(len(columns))]
        header = [str(column.header) for column in columns]
        header_style = workbook.style(Style(wrap=True, bold=True, bottom_border=True))
        lines = max(lines_needed(text, c.width) for text, c in zip(header, columns, strict=True))
        self.sheet.row(1, [text_cell(f"{letter}1", text, header_style)
                           for letter, text in zip(self._letters, header, strict=True)],
                       min(lines, MAX_LINES) * LINE_HEIGHT if lines > 1 else None)
        # (column index, characters a line) of the wrapped columns: what sets a row's height.
        self._wrapped = [(index, column.width, max(1, int(column.width * CHARACTERS_PER_WIDTH)))
                         for index, column in enumerate(columns) if column.wrap]
        self._writers = [self._cell_writer(letter, column)
                         for letter, column in zip(self._letters, columns, strict=True)]

    def _cell_writer(self, letter: str, column: Column) -> Callable[[str, Any], str]:
        """The XML of a value of this column in row `row` (as text); an empty one is none."""
        style = self.workbook.style
        if column.kind is Kind.NUMBER:
            number = number_cells(letter, style(Style(column.number_format)))
            return lambda row, value: "" if value is None else number(row, value)
        if column.kind is Kind.DAY:
            day_cell = number_cells(letter, style(Style(column.number_format or self.day_format)))
            serials: dict[dt.date, int] = {}

            def write_day(row: str, day: dt.date | None) -> str:
                """A day's serial number in a day format, worked out once per day."""
                if day is None:
                    return ""
                if (serial := serials.get(day)) is None:
                    serial = serials[day] = excel_serial(day)
                return day_cell(row, serial)

            return write_day
        text = text_cells(letter, style(Style(wrap=column.wrap)))
        if not column.url:
            return lambda row, value: text(row, value) if value else ""
        link = text_cells(letter, style(Style(wrap=column.wrap, link=True)))
        sheet = self.sheet

        def write_link(row: str, value: str | None) -> str:
            if not value:
                return ""
            if self.links < MAX_LINKS_PER_SHEET:
                self.links += 1
                sheet.link(letter + row, value)
                return link(row, value)
            return text(row, value)

        return write_link

    def append(self, values: list[Cell]) -> None:
        self.rows = row = self.rows + 1
        lines = 1
        for index, width, per_line in self._wrapped:
            text: Any = values[index]  # wrapped columns hold text
            # One line unless longer than a line or broken: most short cells stop here.
            if text and (len(text) > per_line or "\n" in text):
                lines = max(lines, lines_needed(text, width))
        number = str(row + 1)  # the header is the sheet's first row
        self.sheet.row(row + 1, [write(number, value) for write, value
                                 in zip(self._writers, values, strict=True)],
                       min(lines, MAX_LINES) * LINE_HEIGHT if lines > 1 else None)

    def close(self) -> None:
        self.sheet.autofilter(self.rows + 1, len(self.columns) - 1)
        self.sheet.close(footer=FOOTER, margins=MARGINS)


def _write_rows(workbook: Workbook, title: str, columns: list[Column],
                items: Iterable[Any], locale: str) -> None:
    """A sheet with a row per item, each cell computed by its column."""
    sheet = SheetWriter(workbook, title, columns, locale)
    for item in items:
        sheet.append([c.value(item) for c in columns])
    sheet.close()


def _layout(header: str, width: int, wrap: bool = False, kind: Kind = Kind.TEXT) -> Column:
    """A column of a sheet whose cells are computed together rather than per row."""
    return Column("", header, lambda _row: None, width, wrap=wrap, kind=kind)


def _write_coverage(workbook: Workbook, filters: ExportFilters,
                    reference: ReferenceData) -> None:
    """Recommendation × quarter: how many exported ideas are linked to each, in each quarter."""
    counts = coverage_counts(filters)
    quarter_ids: list[int | None] = [*reference.quarters, None]
    columns = [
        _layout(_("Recommendation"), 40, wrap=True), _layout(_("Forum"), 24, wrap=True),
        *[_layout(name, 12, kind=Kind.NUMBER) for name in reference.quarters.values()],
        _layout(_("No quarter"), 12, kind=Kind.NUMBER), _layout(_("Total"), 10, kind=Kind.NUMBER),
    ]
    sheet = SheetWriter(workbook, _("Coverage"), columns, reference.locale)
    for rec in reference.recommendations.values():
        per_quarter = [counts.get((rec.id, quarter_id), 0) for quarter_id in quarter_ids]
        sheet.append([rec.title, rec.forum_title, *per_quarter, sum(per_quarter)])
    sheet.close()


def write_xlsx(target: IO[bytes], rows: Iterable[IdeaRow], filters: ExportFilters,
               reference: ReferenceData) -> None:
    workbook = Workbook(target)
    locale = reference.locale
    _write_rows(workbook, _("Ideas"), IDEA_COLUMNS, rows, locale)
    _write_rows(workbook, _("Themes"), GROUP_COLUMNS, group_summaries(filters, reference), locale)
    _write_coverage(workbook, filters, reference)
    # One row per visible comment on an exported idea: the idea, the day, the text, never who.
    _write_rows(workbook, _("Comments"), COMMENT_COLUMNS, iter_visible_comments(filters, reference),
                locale)
    if filters.area is not None:
        _write_selection(workbook, filters.area, locale)
    workbook.close()


def _write_selection(workbook: Workbook, area: Area, locale: str) -> None:
    """The area selected on the map: in words, and in the form the export page takes back."""
    sheet = SheetWriter(workbook, _("Selection"),
                        [_layout(_("Selection"), 30), _layout(_("Value"), 90, wrap=True)], locale)
    sheet.append([_("Area on the map"), area.describe()])
    sheet.append([_("Area for the export page (area=)"), area.compact])
    sheet.close()


def xlsx_chunks(rows: Iterable[IdeaRow], filters: ExportFilters,
                reference: ReferenceData) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as spool:
        write_xlsx(spool, rows, filters, reference)
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
