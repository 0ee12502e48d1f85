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
from collections.abc import Iterable, Iterator
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
# Excel keeps at most this many hyperlinks on a sheet; past it, a link is written as its text.
MAX_LINKS_PER_SHEET = 65_530
LINE_HEIGHT = 15.0  # points: one line of Excel's default font (Calibri 11), its default row
MAX_LINES = 15  # a row never grows past this; the whole text stays in the cell
# A column w characters wide holds about 0.85 w characters of running text: words wrap
# whole, and the width is measured in digits, a little wider than the average letter.
CHARACTERS_PER_WIDTH = 0.85


def sheet_title(text: str) -> str:
    """Excel refuses sheet names over 31 characters or with any of []:*?/\\."""
    return "".join(ch for ch in text if ch not in "[]:*?/\\")[:31]


def lines_needed(text: str, width: int) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide (an estimate:
    no spreadsheet file can hold the answer, which depends on the reader's font)."""
    per_line = max(1, int(width * CHARACTERS_PER_WIDTH))
    return sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))


def row_height(values: list[Cell], columns: list[Column]) -> float | None:
    """The height that shows the longest wrapped cell, capped; None: the default height."""
    lines = max(
        (lines_needed(value, column.width)
         for value, column in zip(values, columns, strict=True)
         if column.wrap and isinstance(value, str) and value),
        default=1,
    )
    return min(lines, MAX_LINES) * LINE_HEIGHT if lines > 1 else None


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
    formatted as declared (wrapped, a hyperlink, a number format)."""

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

    def append(self, values: list[Cell]) -> None:
        self.rows += 1
        # Constant-memory mode: the row's height is set before any of its cells is written.
        height = row_height(values, self.columns)
        if height is not None:
            self.sheet.set_row(self.rows, height)
        for index, (value, column) in enumerate(zip(values, self.columns, strict=True)):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                self.sheet.write_datetime(self.rows, index, value,
                                          self._format(column.number_format or self.day_format))
            elif isinstance(value, (int, float)):
                self.sheet.write_number(self.rows, index, value, self._format(column.number_format))
            elif column.url and self.links < MAX_LINKS_PER_SHEET:
                self.links += 1
                self.sheet.write_url(self.rows, index, value, self._format(None, column.wrap, True),
                                     string=value)
            else:
                self.sheet.write_string(self.rows, index, ILLEGAL_XML.sub("", value),
                                        self._format(None, column.wrap))
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


def _layout(header: str, width: int, wrap: bool = False) -> Column:
    """A column of a sheet whose cells are computed together rather than per row."""
    return Column("", header, lambda _row: None, width, wrap=wrap)


def _write_coverage(workbook: xlsxwriter.Workbook, filters: ExportFilters,
                    reference: ReferenceData) -> None:
    """Recommendation × quarter: how many exported ideas are linked to each, in each quarter."""
    counts = coverage_counts(filters)
    quarter_ids: list[int | None] = [*reference.quarters, None]
    columns = [
        _layout(_("Recommendation"), 40, wrap=True), _layout(_("Forum"), 24, wrap=True),
        *[_layout(name, 12) for name in reference.quarters.values()],
        _layout(_("No quarter"), 12), _layout(_("Total"), 10),
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
