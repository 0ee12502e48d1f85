"""CSV that opens right in Excel: UTF-8 with a BOM, one header row, no formulas, streamed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator

from flask_babel import gettext as _

from myalmaty.exports.columns import IDEA_COLUMNS, Cell, headers, idea_cells, table_day
from myalmaty.exports.queries import IdeaRow

BOM = "\ufeff"
# A spreadsheet runs a cell starting with one of these as a formula (or DDE command).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 500


def neutralise_formula(text: str) -> str:
    """`=1+1` → `'=1+1`: shown as typed, never evaluated (OWASP's advice for CSV injection)."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_text(value: Cell, locale: str, decimal_comma: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return table_day(value, locale)
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, int):
        return str(value)
    return neutralise_formula(value)


def csv_chunks(rows: Iterable[IdeaRow], locale: str, semicolon: bool = False,
               selection: str | None = None) -> Iterator[bytes]:
    """The CSV as UTF-8 chunks of a few hundred rows each.

    A `selection` (an area drawn on the map) is written first, on a line of its own in one
    cell, so that the file says which ideas it holds; the header row follows. Without one,
    the header row is the first line, as readers expect.

    With `semicolon` (Excel in Russian and Kazakh locales expects `;` between cells, since
    there the comma is the decimal separator) decimals are written with a comma too.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if semicolon else ",", lineterminator="\r\n")
    buffer.write(BOM)
    if selection:
        writer.writerow([neutralise_formula(_("Selection: %(selection)s", selection=selection))])
    writer.writerow([neutralise_formula(h) for h in headers(IDEA_COLUMNS)])
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_text(v, locale, decimal_comma=semicolon) for v in idea_cells(row)])
        if count % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
