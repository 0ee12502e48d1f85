"""XLSX workbook: ideas, groups, and recommendation coverage by quarter.

openpyxl's write-only mode streams rows to a temporary file, so memory does not grow with
the number of ideas. Every sheet has a bold frozen header row, a filter and set widths.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from myalmaty.exports.columns import (
    GROUP_COLUMNS,
    IDEA_COLUMNS,
    SPREADSHEET_DAY_FORMATS,
    Cell,
    Column,
    headers,
)
from myalmaty.exports.filters import ExportFilters
from myalmaty.exports.queries import IdeaRow, ReferenceData, coverage_counts, group_summaries

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_BYTES = 64 * 1024
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(vertical="top", wrap_text=True)


def sheet_title(text: str) -> str:
    """Excel refuses sheet names over 31 characters or with any of []:*?/\\."""
    return "".join(ch for ch in text if ch not in "[]:*?/\\")[:31]


class SheetWriter:
    """Rows into one write-only sheet: header first, then values with typed cells."""

    def __init__(self, workbook: Workbook, title: str, header: list[str], widths: list[int],
                 locale: str) -> None:
        self.sheet: WriteOnlyWorksheet = workbook.create_sheet(sheet_title(title))
        self.day_format = SPREADSHEET_DAY_FORMATS.get(locale, "YYYY-MM-DD")
        self.columns = len(header)
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = "A2"
        self.rows = 0
        self.sheet.append([self._header_cell(text) for text in header])

    def _header_cell(self, text: str) -> WriteOnlyCell:
        cell = self._cell(text)
        cell.font = HEADER_FONT
        cell.alignment = HEADER_ALIGNMENT
        return cell

    def _cell(self, value: Cell) -> WriteOnlyCell | Cell:
        if isinstance(value, dt.date):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = self.day_format
            return cell
        if isinstance(value, str):
            cell = WriteOnlyCell(self.sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            # openpyxl would store "=..." as a formula; residents' text is never one.
            cell.data_type = "s"
            return cell
        return value

    def append(self, values: list[Cell]) -> None:
        self.sheet.append([self._cell(v) for v in values])
        self.rows += 1

    def close(self) -> None:
        last = get_column_letter(self.columns)
        self.sheet.auto_filter.ref = f"A1:{last}{self.rows + 1}"


def _widths(columns: list[Column]) -> list[int]:
    return [c.width for c in columns]


def _write_ideas(workbook: Workbook, rows: Iterable[IdeaRow], locale: str) -> None:
    sheet = SheetWriter(workbook, _("Ideas"), headers(IDEA_COLUMNS), _widths(IDEA_COLUMNS), locale)
    for row in rows:
        sheet.append([c.value(row) for c in IDEA_COLUMNS])
    sheet.close()


def _write_groups(workbook: Workbook, filters: ExportFilters, reference: ReferenceData) -> None:
    sheet = SheetWriter(
        workbook, _("Groups"), headers(GROUP_COLUMNS), _widths(GROUP_COLUMNS), reference.locale
    )
    for summary in group_summaries(filters, reference):
        sheet.append([c.value(summary) for c in GROUP_COLUMNS])
    sheet.close()


def _write_coverage(workbook: Workbook, filters: ExportFilters, reference: ReferenceData) -> None:
    """Recommendation × quarter: how many exported ideas are linked to each, in each quarter."""
    counts = coverage_counts(filters)
    quarter_ids: list[int | None] = [*reference.quarters, None]
    header = [
        _("Recommendation"), _("Forum"),
        *reference.quarters.values(), _("No quarter"), _("Total"),
    ]
    widths = [40, 24, *[14] * len(reference.quarters), 12, 10]
    sheet = SheetWriter(workbook, _("Coverage"), header, widths, reference.locale)
    for rec in reference.recommendations.values():
        per_quarter = [counts.get((rec.id, quarter_id), 0) for quarter_id in quarter_ids]
        sheet.append([rec.title, rec.forum_title, *per_quarter, sum(per_quarter)])
    sheet.close()


def write_xlsx(target: IO[bytes], rows: Iterable[IdeaRow], filters: ExportFilters,
               reference: ReferenceData) -> None:
    workbook = Workbook(write_only=True)
    _write_ideas(workbook, rows, reference.locale)
    _write_groups(workbook, filters, reference)
    _write_coverage(workbook, filters, reference)
    workbook.save(target)


def xlsx_chunks(rows: Iterable[IdeaRow], filters: ExportFilters,
                reference: ReferenceData) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as spool:
        write_xlsx(spool, rows, filters, reference)
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
