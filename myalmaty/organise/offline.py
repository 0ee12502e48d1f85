"""Ideas collected offline at a forum: the spreadsheet template the tables fill in, and its
import into the moderation queue.

Every row passes the idea form's own rules (`ideas.services.check_details`: cleaning, lengths,
an active category, a point in Almaty, the quarter), so a paper idea is held to exactly what
an online one is. Nothing is imported while any row is refused, unless the organiser chooses
to skip the refused rows. Each imported idea waits for moderation, marked with the forum it
was collected at, and the report lists the published ideas it resembles (the duplicate check
of the submit form). Each row's content has a hash stored with its idea: importing the same
file again adds nothing.
"""

from __future__ import annotations

import enum
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from myalmaty.core.errors import FieldError
from myalmaty.core.models import translated_in
from myalmaty.core.permissions import Role, require
from myalmaty.core.text import clean_line
from myalmaty.domain.accounts import User
from myalmaty.domain.audit import record_event
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.reference import Category, Quarter
from myalmaty.extensions import db
from myalmaty.ideas.location import QUARTER_AUTO, parse_coordinate
from myalmaty.ideas.services import IdeaDetails, check_details
from myalmaty.ideas.similarity import SimilarIdea, similar_ideas
from myalmaty.organise import queries

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_ROWS = 300
MAX_ROWS = 1000
MAX_BYTES = 5 * 1024 * 1024
NO_FILE_MESSAGE = _l("Choose the filled template.")
# The columns of the template, in order; the import reads them by position.
COLUMNS = ("title", "description", "first_step", "category", "quarter", "lat", "lon")
HEADERS = {
    "title": _l("Title"),
    "description": _l("What is the idea?"),
    "first_step": _l("The first small step"),
    "category": _l("Category"),
    "quarter": _l("Creative quarter"),
    "lat": _l("Latitude"),
    "lon": _l("Longitude"),
}


def template_workbook(locale: str) -> bytes:
    """The template: a header row, and lists to choose the category and the quarter from
    (names in `locale`, kept on a second sheet so that no name is limited by a list's length
    in a spreadsheet's validation)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Ideas")
    sheet.append([str(HEADERS[name]) for name in COLUMNS])
    for letter, width in zip("ABCDEFG", (30, 50, 40, 24, 24, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    lists = workbook.create_sheet(_("Lists"))
    categories = [translated_in(c, "name", locale) for c in queries.active_categories()]
    quarters = [translated_in(q, "name", locale) for q in queries.active_quarters()]
    lists.append([_("Category"), _("Creative quarter")])
    for n in range(max(len(categories), len(quarters))):
        lists.append([categories[n] if n < len(categories) else None,
                      quarters[n] if n < len(quarters) else None])
    last = TEMPLATE_ROWS + 1
    for column, values, letter in (("D", categories, "A"), ("E", quarters, "B")):
        if not values:
            continue
        source = f"'{lists.title}'!${letter}$2:${letter}${len(values) + 1}"
        check = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
        check.error = _("Choose a value from the list.")
        sheet.add_data_validation(check)
        check.add(f"{column}2:{column}{last}")
    for column in ("F", "G"):
        number = DataValidation(type="decimal", operator="between", formula1="-180", formula2="180",
                                allow_blank=True, showErrorMessage=True)
        number.error = _("Enter a number, such as 43.2383.")
        sheet.add_data_validation(number)
        number.add(f"{column}2:{column}{last}")
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


class RowOutcome(enum.Enum):
    IMPORTED = "imported"
    READY = "ready"  # checked, would be imported (nothing written while errors stop the file)
    ERROR = "error"
    SKIPPED = "skipped"  # refused, and the organiser chose to import the others
    ALREADY = "already"  # the same row was imported before


@dataclass
class RowReport:
    number: int  # the spreadsheet's row number, as the organiser sees it
    title: str
    outcome: RowOutcome
    errors: list[str] = field(default_factory=list)
    similar: list[SimilarIdea] = field(default_factory=list)
    idea: Idea | None = None


@dataclass
class ImportReport:
    rows: list[RowReport]
    imported: int
    stopped: bool  # rows were refused, so nothing was imported

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.outcome in (RowOutcome.ERROR, RowOutcome.SKIPPED))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_rows(upload: IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FieldError("file", _l("The file is too large (at most 5 MB)."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FieldError("file", _l("This is not a filled template: upload the XLSX file "
                                    "downloaded from this page.")) from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            cells = {name: _text(values[i]) if i < len(values) else ""
                     for i, name in enumerate(COLUMNS)}
            if not any(v.strip() for v in cells.values()):
                continue
            if number > MAX_ROWS + 1:
                raise FieldError("file", _l("A file holds at most %(max)s ideas: split it in two."),
                                 max=MAX_ROWS)
            yield number, cells
    finally:
        workbook.close()


def _by_name(objects: list[Category] | list[Quarter]) -> dict[str, int]:
    """Each object's id under its short name and its name in every language, case-folded."""
    names: dict[str, int] = {}
    for obj in objects:
        for value in (obj.slug, obj.name_ru, obj.name_kk, obj.name_en):
            names[clean_line(value).casefold()] = obj.id
    return names


def _row_hash(forum_id: int, values: dict[str, Any]) -> str:
    content = [forum_id, values["title"], values["description"], values["first_step"],
               values["category_id"], round(values["lat"], 6), round(values["lon"], 6)]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


def _check_row(cells: dict[str, str], categories: dict[str, int],
               quarters: dict[str, int]) -> tuple[dict[str, Any] | None, list[str]]:
    errors: list[str] = []
    category_id = categories.get(clean_line(cells["category"]).casefold())
    if category_id is None:
        errors.append(_("Category: choose one from the list."))
    quarter_name = clean_line(cells["quarter"]).casefold()
    quarter_choice = QUARTER_AUTO
    if quarter_name:
        quarter_id = quarters.get(quarter_name)
        if quarter_id is None:
            errors.append(_("Creative quarter: choose one from the list, or leave it empty."))
        else:
            quarter_choice = str(quarter_id)
    coordinates: dict[str, float | None] = {}
    for name, label in (("lat", _("Latitude")), ("lon", _("Longitude"))):
        try:
            coordinates[name] = parse_coordinate(cells[name])
        except ValueError:
            errors.append(_("%(field)s: enter a number, such as 43.2383.", field=label))
    if errors:
        return None, errors
    assert category_id is not None
    details = IdeaDetails(title=cells["title"], description=cells["description"],
                          first_step=cells["first_step"], category_id=category_id,
                          lat=coordinates["lat"], lon=coordinates["lon"],
                          quarter_choice=quarter_choice)
    try:
        return check_details(details), []
    except FieldError as error:
        label = HEADERS.get(error.field)
        return None, [f"{label}: {error}" if label else str(error)]


def import_ideas(actor: User, upload: IO[bytes], forum_id: int, *, skip_errors: bool,
                 locale: str) -> ImportReport:
    """Check every row of a filled template; import the good ones into the moderation queue
    unless a row is refused and `skip_errors` is false (then nothing is written)."""
    require(actor, Role.ORGANISER)
    forum = queries.forum_by_id(forum_id)
    if forum is None:
        raise FieldError("forum", _l("Choose the forum the ideas were collected at."))
    categories = _by_name(queries.active_categories())
    quarters = _by_name(queries.active_quarters())
    reports: list[RowReport] = []
    accepted: list[tuple[RowReport, dict[str, Any], str]] = []
    seen: set[str] = set()
    for number, cells in _read_rows(upload):
        values, errors = _check_row(cells, categories, quarters)
        report = RowReport(number, clean_line(cells["title"]), RowOutcome.ERROR, errors)
        reports.append(report)
        if values is None:
            continue
        digest = _row_hash(forum.id, values)
        if digest in seen or queries.import_hash_taken(digest):
            report.outcome = RowOutcome.ALREADY
            continue
        seen.add(digest)
        report.outcome = RowOutcome.READY
        report.similar = similar_ideas(f"{values['title']} {values['description']}",
                                       values["lat"], values["lon"])
        accepted.append((report, values, digest))
    if not reports:
        raise FieldError("file", _l("The file has no ideas: fill in the rows under the headers."))
    refused = [r for r in reports if r.outcome is RowOutcome.ERROR]
    if refused and not skip_errors:
        return ImportReport(reports, 0, stopped=True)
    for report in refused:
        report.outcome = RowOutcome.SKIPPED
    for report, values, digest in accepted:
        idea = Idea(author=actor, status=IdeaStatus.PENDING, locale=locale,
                    collected_at_forum_id=forum.id, import_hash=digest)
        for name, value in values.items():
            setattr(idea, name, value)
        db.session.add(idea)
        db.session.flush()
        record_event(actor, "idea.submit", idea=idea,
                     note=_("Collected on paper at %(forum)s", forum=translated_in(forum, "title", locale)))
        report.outcome, report.idea = RowOutcome.IMPORTED, idea
    return ImportReport(reports, len(accepted), stopped=False)

