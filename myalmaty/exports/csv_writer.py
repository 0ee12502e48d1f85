"""CSV that opens right in Excel: UTF-8 with a BOM, one header row, no formulas, streamed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from typing import Any

from flask_babel import gettext as _

from myalmaty.exports.columns import (
    IDEA_COLUMNS,
    Kind,
    headers,
    table_day,
)
from myalmaty.exports.csv_queries import iter_csv_line_batches
from myalmaty.exports.filters import ExportFilters
from myalmaty.exports.queries import (
    LINK_ID_MARKER,
    IdeaRow,
    RecommendationsTakenUp,
    ReferenceData,
    idea_rows_with_ids,
    progress_reporter,
    public_link_maker,
)

BOM = "\ufeff"
# A spreadsheet runs a cell starting with one of these as a formula (or DDE command).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGER_CHARACTERS = frozenset(FORMULA_TRIGGERS)
ROWS_PER_CHUNK = 500


def neutralise_formula(text: str) -> str:
    """`=1+1` → `'=1+1`: shown as typed, never evaluated (OWASP's advice for CSV injection)."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _writer(buffer: io.StringIO, semicolon: bool) -> Any:
    return csv.writer(buffer, delimiter=";" if semicolon else ",", lineterminator="\r\n")


def _header(selection: str | None) -> tuple[list[str], list[str]]:
    """The header row and the cells every row ends with (the selection, if any)."""
    header = [neutralise_formula(h) for h in headers(IDEA_COLUMNS)]
    extra: list[str] = []
    if selection:
        header.append(neutralise_formula(_("Selection")))
        extra.append(neutralise_formula(selection))
    return header, extra


def _row_cells(locale: str, semicolon: bool) -> Callable[[IdeaRow], list[Any]]:
    """The function from a row to its cells as `csv.writer` is given them.

    How each column is written is decided here, once, from its kind: numbers go to the
    writer as they are (it writes a float as repr() does) or, with decimal commas, floats
    as their repr with a comma; days as the language writes them; text neutralised."""
    values = [column.value for column in IDEA_COLUMNS]
    text = [n for n, c in enumerate(IDEA_COLUMNS) if c.kind is Kind.TEXT]
    days = [n for n, c in enumerate(IDEA_COLUMNS) if c.kind is Kind.DAY]
    decimals = [n for n, c in enumerate(IDEA_COLUMNS)
                if c.kind is Kind.NUMBER and c.number_format and semicolon]
    day_texts: dict[dt.date | None, str] = {None: ""}

    def cells_of(row: IdeaRow) -> list[Any]:
        cells = [value(row) for value in values]
        # Inline rather than a call per cell: 100,000 rows of 18 cells make it count.
        for n in text:
            if cells[n][:1] in _TRIGGER_CHARACTERS:  # type: ignore[index]
                cells[n] = "'" + cells[n]  # type: ignore[operator]
        for n in days:
            day: Any = cells[n]
            if (written := day_texts.get(day)) is None:
                written = day_texts[day] = table_day(day, locale)
            cells[n] = written
        for n in decimals:
            cells[n] = repr(cells[n]).replace(".", ",")
        return cells

    return cells_of


def csv_chunks(rows: Iterable[IdeaRow], locale: str, semicolon: bool = False,
               selection: str | None = None) -> Iterator[bytes]:
    """The CSV as UTF-8 chunks of a few hundred rows each, written cell by cell in Python:
    the reference `database_csv_chunks` is held to, byte for byte.

    The header row is the first line, as readers (pandas, spreadsheets) expect. A `selection`
    (an area drawn on the map) is recorded in a last column, "Selection", on every row: it
    stays with the rows however they are sorted, filtered or combined with other files.

    With `semicolon` (Excel in Russian and Kazakh locales expects `;` between cells, since
    there the comma is the decimal separator) decimals are written with a comma too.
    """
    buffer = io.StringIO()
    writer = _writer(buffer, semicolon)
    header, extra = _header(selection)
    cells_of = _row_cells(locale, semicolon)
    buffer.write(BOM)
    writer.writerow(header)
    write = writer.writerow
    for count, row in enumerate(rows, start=1):
        cells = cells_of(row)
        write(cells + extra if extra else cells)
        if count % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def database_csv_chunks(filters: ExportFilters, reference: ReferenceData, semicolon: bool = False,
                        selection: str | None = None) -> Iterator[bytes]:
    """The same bytes as `csv_chunks` over `iter_idea_rows(filters, reference)`, a chunk per
    ROWS_PER_CHUNK rows (read as one batch), most of each row written by the database
    (`csv_queries`): per row, Python only looks up its days and recommendations, formats its
    coordinates and joins the pieces.

    A row the database cannot write as Python does (an "@" in a resident's text: e-mails are
    redacted by a regular expression; an hour holding two local days) is written from its
    `IdeaRow`, as `csv_chunks` writes it.
    """
    locale = reference.locale
    delimiter = ";" if semicolon else ","
    buffer = io.StringIO()
    writer = _writer(buffer, semicolon)
    header, extra = _header(selection)
    cells_of = _row_cells(locale, semicolon)

    def cell(text: str) -> str:
        """`text` as the writer writes it among other cells (a lone empty cell is quoted)."""
        lone = io.StringIO()
        _writer(lone, semicolon).writerow([text, ""])
        return lone.getvalue()[:-3]  # less the empty cell's delimiter and the line end

    # The link's cell around the idea's number, as the Python path writes it.
    link = cell(neutralise_formula(public_link_maker("ideas.detail", "idea_id")(LINK_ID_MARKER)))
    link_prefix, link_suffix = link.split(str(LINK_ID_MARKER))
    quarters = {i: cell(neutralise_formula(name)) for i, name in reference.quarters.items() if i}
    categories = {i: cell(neutralise_formula(name)) for i, name in reference.categories.items()}
    stages = {stage: cell(neutralise_formula(label))
              for stage, label in reference.stage_labels.items()}
    taken_up = RecommendationsTakenUp(reference)
    recommendation_cells: dict[tuple[frozenset[int] | None, int | None], str] = {}
    # {UTC hour "YYYY-MM-DD HH" (None: no moment): the delimiter and the day's cell}.
    day_cells: dict[str | None, str] = {None: delimiter}
    split_hours: set[str] = set()

    def day_cell(hour: str) -> str | None:
        """The cell of the local day of every moment in `hour`, or None if it holds two."""
        if hour in split_hours:
            return None
        moment = dt.datetime(int(hour[:4]), int(hour[5:7]), int(hour[8:10]), int(hour[11:13]),
                             tzinfo=dt.UTC)
        if (day := reference.day_of_hour(moment)) is None:
            split_hours.add(hour)
            return None
        written = day_cells[hour] = delimiter + cell(table_day(day, locale))
        return written

    end = (delimiter + cell(extra[0]) if extra else "") + "\r\n"
    buffer.write(BOM)
    writer.writerow(header)
    lines = [_drain(buffer).decode("utf-8")]
    batches = iter_csv_line_batches(filters, delimiter, (link_prefix, link_suffix),
                                    categories, quarters, stages, FORMULA_TRIGGERS,
                                    ROWS_PER_CHUNK)
    with closing(batches):  # its cursor closed even if the download stops halfway
        for batch in batches:
            linked = taken_up.linked([row[0] for row in batch])
            flagged = [row[0] for row in batch if row[8]]
            from_python = {r.id: r for r in idea_rows_with_ids(flagged, reference)} if flagged else {}
            add = lines.append
            for idea_id, head, group_id, tail, lat, lon, published, created, has_at in batch:
                if not has_at:
                    published_cell = day_cells.get(published) or day_cell(published)
                    created_cell = day_cells.get(created) or day_cell(created)
                    if published_cell is not None and created_cell is not None:
                        key = (linked.get(idea_id), group_id)
                        if (recommendations := recommendation_cells.get(key)) is None:
                            titles = "; ".join(taken_up.of(key)[1])
                            recommendations = recommendation_cells[key] = cell(
                                neutralise_formula(titles))
                        # Floats as the writer writes them (repr), with a decimal comma if asked.
                        coordinates = f"{round(lat, 6)!r}{delimiter}{round(lon, 6)!r}"
                        if semicolon:
                            coordinates = coordinates.replace(".", ",")
                        add(f"{head}{recommendations}{tail}{coordinates}{published_cell}"
                            f"{created_cell}{end}")
                        continue
                    from_python.update((r.id, r) for r in idea_rows_with_ids([idea_id], reference))
                cells = cells_of(from_python[idea_id])
                writer.writerow(cells + extra if extra else cells)
                add(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
            if (report := progress_reporter()) is not None:
                report(len(batch))
            yield "".join(lines).encode("utf-8")
            lines.clear()
    if lines:
        yield "".join(lines).encode("utf-8")


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
