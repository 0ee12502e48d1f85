"""XLSX workbook: ideas, groups, recommendation coverage by quarter, and comments.

XlsxWriter's constant-memory mode writes each row to a temporary file as soon as the next
row begins, so memory does not grow with the number of ideas; it also writes about four
times faster than openpyxl's write-only mode without lxml (5,000 rows: 0.9 s against 3.5 s).
That mode asks for rows in order, so everything about a row (its height, its cells, its
links) is decided when the row is written, never afterwards.

Every sheet has a bold frozen header row, a filter and set widths, and prints the way a table
is read at a forum: landscape A4, one page wide, the header row repeated on every page, long
text wrapped in its column with the row tall enough to show it. Links are real hyperlinks,
coordinates real numbers. Text is always written as text: a resident's "=1+1" is never a
formula.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import xlsxwriter
from flask_babel import gettext as _
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

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

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_BYTES = 64 * 1024
# Characters XML 1.0 cannot hold; a pasted control character would corrupt the file.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    # Residents' text stays text: no formulas, no links, no numbers guessed from strings.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


A4 = 9  # Excel's paper size code
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel keeps at most this many hyperlinks on a sheet; past it, a link is written as its text.
MAX_LINKS_PER_SHEET = 65_530
LINE_HEIGHT = 15.0  # points: one line of Excel's default font (Calibri 11), its default row
MAX_LINES = 15  # a row never grows past this; the whole text stays in the cell
# A column w characters wide holds about 0.85 w characters of running text: words wrap
# whole, and the width is measured in digits, a little wider than the average letter.
CHARACTERS_PER_WIDTH = 0.85


def excel_serial(day: dt.date) -> float:
    """The number a spreadsheet stores for a day: days since 1899-12-30 (Excel's 1900 date
    system, as XlsxWriter writes it, for days from March 1900 on)."""
    return float((day - EXCEL_EPOCH).days)


def sheet_title(text: str) -> str:
    """Excel refuses sheet names over 31 characters or with any of []:*?/\\."""
    return "".join(ch for ch in text if ch not in "[]:*?/\\")[:31]


def lines_needed(text: str, width: int) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide (an estimate:
    no spreadsheet file can hold the answer, which depends on the reader's font)."""
    per_line = max(1, int(width * CHARACTERS_PER_WIDTH))
    return sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))


def _set_up_printing(sheet: Worksheet) -> None:
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as the rows need
    sheet.repeat_rows(0)  # the header row on every printed page
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.hide_gridlines(0)  # cell borders printed too: rows stay apart on paper
    sheet.set_footer("&L&A&R&P / &N")  # the sheet's name; page n of N


class SheetWriter:
    """Rows into one sheet, in order: the header first, then typed cells, each column
    formatted as declared (wrapped, a hyperlink, a number format). How each column is written
    is decided once, from its kind; a row only passes its values along."""

    def __init__(self, workbook: xlsxwriter.Workbook, title: str, columns: list[Column],
                 locale: str) -> None:
        self.workbook = workbook
        self.sheet: Worksheet = workbook.add_worksheet(sheet_title(title))
        self.columns = columns
        self.day_format = SPREADSHEET_DAY_FORMATS.get(locale, "YYYY-MM-DD")
        self._formats: dict[tuple[str | None, bool, bool], Format] = {}
        self.rows = 0
        self.links = 0
        _set_up_printing(self.sheet)
        for index, column in enumerate(columns):
            self.sheet.set_column(index, index, column.width)
        self.sheet.freeze_panes(1, 0)
        header = [str(column.header) for column in columns]
        header_format = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1}
        )
        lines = max(lines_needed(text, c.width) for text, c in zip(header, columns, strict=True))
        if lines > 1:
            self.sheet.set_row(0, min(lines, MAX_LINES) * LINE_HEIGHT)
        for index, text in enumerate(header):
            self.sheet.write_string(0, index, text, header_format)
        # (column index, characters a line) of the wrapped columns: what sets a row's height.
        self._wrapped = [(index, column.width, max(1, int(column.width * CHARACTERS_PER_WIDTH)))
                         for index, column in enumerate(columns) if column.wrap]
        self._writers = [self._cell_writer(index, column) for index, column in enumerate(columns)]

    def _format(self, number_format: str | None, wrap: bool = False, link: bool = False) -> Format:
        key = (number_format, wrap, link)
        if key not in self._formats:
            properties: dict[str, object] = {"valign": "top", "text_wrap": wrap}
            if number_format:
                properties["num_format"] = number_format
            if link:
                properties.update({"font_color": "blue", "underline": 1})
            self._formats[key] = self.workbook.add_format(properties)
        return self._formats[key]

    def _cell_writer(self, index: int, column: Column) -> Callable[[int, Any], object]:
        """How a value of this column is written into row `row`; an empty one is not."""
        sheet = self.sheet
        if column.kind is Kind.NUMBER:
            number_format = self._format(column.number_format)
            return lambda row, value: (value is None
                                       or sheet.write_number(row, index, value, number_format))
        if column.kind is Kind.DAY:
            day_format = self._format(column.number_format or self.day_format)
            serials: dict[dt.date, float] = {}

            def write_day(row: int, day: dt.date | None) -> object:
                """What write_datetime() writes, a day's serial number in a day format,
                with the serial worked out once per day rather than once per cell."""
                if day is None:
                    return None
                if (serial := serials.get(day)) is None:
                    serial = serials[day] = excel_serial(day)
                return sheet.write_number(row, index, serial, day_format)

            return write_day
        text_format = self._format(None, column.wrap)
        if not column.url:
            return lambda row, value: (not value or sheet.write_string(
                row, index, ILLEGAL_XML.sub("", value), text_format))
        link_format = self._format(None, column.wrap, True)

        def write_link(row: int, value: str | None) -> object:
            if not value:
                return None
            if self.links < MAX_LINKS_PER_SHEET:
                self.links += 1
                return sheet.write_url(row, index, value, link_format, string=value)
            return sheet.write_string(row, index, ILLEGAL_XML.sub("", value), text_format)

        return write_link

    def append(self, values: list[Cell]) -> None:
        self.rows = row = self.rows + 1
        # Constant-memory mode: the row's height is set before any of its cells is written.
        lines = 1
        for index, width, per_line in self._wrapped:
            text: Any = values[index]  # wrapped columns hold text
            # One line unless longer than a line or broken: most short cells stop here.
            if text and (len(text) > per_line or "\n" in text):
                lines = max(lines, lines_needed(text, width))
        if lines > 1:
            self.sheet.set_row(row, min(lines, MAX_LINES) * LINE_HEIGHT)
        for write, value in zip(self._writers, values, strict=True):
            write(row, value)
        if self.sheet.row_info:
            self._forget_written_rows()

    def _forget_written_rows(self) -> None:
        """Drop the heights of rows already on disk.

        XlsxWriter keeps every set_row() until the workbook closes (about 300 bytes a row, 30
        MB for 100,000 rows), although in constant-memory mode it writes a row out as soon as
        the next one begins and never reads its height again. Only the row still pending
        (`previous_row`) is kept. test_xlsx_geojson checks that heights still reach the file.
        """
        pending = self.sheet.previous_row
        for store in (self.sheet.row_info, self.sheet.row_sizes):
            for row in [r for r in store if r < pending]:
                del store[row]

    def close(self) -> None:
        self.sheet.autofilter(0, 0, self.rows, len(self.columns) - 1)


def _write_rows(workbook: xlsxwriter.Workbook, title: str, columns: list[Column],
                items: Iterable[Any], locale: str) -> None:
    """A sheet with a row per item, each cell computed by its column."""
    sheet = SheetWriter(workbook, title, columns, locale)
    for item in items:
        sheet.append([c.value(item) for c in columns])
    sheet.close()


def _layout(header: str, width: int, wrap: bool = False, kind: Kind = Kind.TEXT) -> Column:
    """A column of a sheet whose cells are computed together rather than per row."""
    return Column("", header, lambda _row: None, width, wrap=wrap, kind=kind)


def _write_coverage(workbook: xlsxwriter.Workbook, filters: ExportFilters,
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
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
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


def _write_selection(workbook: xlsxwriter.Workbook, area: Area, locale: str) -> None:
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
