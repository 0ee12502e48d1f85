"""The CSV's rows written by the database itself, for `csv_writer.database_csv_chunks`.

Building 100,000 rows cell by cell in Python cost more than reading them with the bare driver
and `csv.writer` (bench/export_memory.py's floor); here SQL concatenates each row's text, with
the CSV's quoting and formula neutralisation, into a few text columns. What SQL cannot do the
same way as the Python path stays out of it, so that both write the very same bytes
(tests/exports/test_csv_database.py):

- the local days (the platform's time zone and its history of offsets): each row carries the
  UTC hour of its moments as text, "2026-11-01 07", which Python maps to the day, once per hour;
- the recommendations (named and ordered as `RecommendationsTakenUp` does), and the
  coordinates (Python's shortest repr of the rounded float);
- e-mail redaction (a regular expression): a row whose residents' text holds an "@" is flagged
  and written from its `IdeaRow` instead.

Names (categories, quarters, stages) and the link are cells made in Python once per export and
bound as parameters: the database only picks them.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from myalmaty.core.database import concatenated
from myalmaty.domain.ideas import Idea, IdeaStage
from myalmaty.domain.themes import IdeaGroup
from myalmaty.exports.filters import ExportFilters, idea_conditions
from myalmaty.exports.queries import BATCH_SIZE
from myalmaty.extensions import db


def _text(value: Any) -> sa.ColumnElement[str]:
    return sa.type_coerce(value, sa.String)


class _Dialect:
    """The few spellings that differ between SQLite and PostgreSQL."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.postgresql = name == "postgresql"

    def contains(self, text: Any, character: str) -> sa.ColumnElement[bool]:
        find = sa.func.strpos if self.postgresql else sa.func.instr
        return find(text, sa.literal(character, sa.String)) > 0

    def concatenated(self, parts: Sequence[Any]) -> sa.ColumnElement[str]:
        return concatenated(self.name, parts)

    def number(self, value: Any) -> sa.ColumnElement[str]:
        return sa.cast(value, sa.Text)

    def utc_hour(self, moment: Any) -> sa.ColumnElement[str]:
        """ "2026-11-01 07": the moment's UTC hour (SQLite stores "2026-11-01 07:12:…")."""
        if self.postgresql:
            return sa.func.to_char(sa.func.timezone("UTC", moment), "YYYY-MM-DD HH24",
                                   type_=sa.String)
        return sa.func.substr(moment, 1, 13, type_=sa.String)

    def reference(self) -> sa.ColumnElement[str]:
        """`idea_reference`: the UTC year of submission and the number, five digits or more."""
        if self.postgresql:
            year = sa.func.to_char(sa.func.timezone("UTC", Idea.created_at), "YYYY",
                                   type_=sa.String)
            number = sa.case((Idea.id < 100_000, sa.func.lpad(self.number(Idea.id), 5, "0")),
                             else_=self.number(Idea.id))
            return self.concatenated([year, sa.literal("-"), number])
        return sa.func.printf("%s-%05d", sa.func.substr(Idea.created_at, 1, 4), Idea.id,
                              type_=sa.String)


def text_cell(dialect: _Dialect, text: sa.ColumnElement[str], delimiter: str,
              formula_triggers: Sequence[str]) -> sa.ColumnElement[str]:
    """A resident's text as `csv.writer` (QUOTE_MINIMAL) writes it once neutralised (a "'"
    before a cell starting with one of `formula_triggers`, one character each): quoted when
    it holds the delimiter, a quote or a line break, its quotes doubled."""
    neutral = sa.case(
        (sa.func.substr(text, 1, 1).in_(list(formula_triggers)),
         dialect.concatenated([sa.literal("'"), text])),
        else_=text,
    )
    quoted = dialect.concatenated([sa.literal('"'), sa.func.replace(neutral, '"', '""'),
                                   sa.literal('"')])
    needs_quotes = sa.or_(*(dialect.contains(text, c) for c in (delimiter, '"', "\n", "\r")))
    return _text(sa.case((needs_quotes, quoted), else_=neutral))


def _picked(value: Any, cells: Mapping[Any, str]) -> sa.ColumnElement[str]:
    """The cell made in Python for `value` (a category's id, a stage), '' for any other."""
    if not cells:
        return _text(sa.literal(""))
    return _text(sa.case({key: sa.literal(cell) for key, cell in cells.items()}, value=value,
                         else_=sa.literal("")))


def iter_csv_line_batches(
    filters: ExportFilters, delimiter: str, link: tuple[str, str],
    categories: Mapping[int, str], quarters: Mapping[int, str],
    stages: Mapping[IdeaStage, str], formula_triggers: Sequence[str],
    batch_size: int = BATCH_SIZE,
) -> Generator[Sequence[Any], None, None]:
    """The ideas the filters match, in id order, a batch at a time, their rows written by the
    database. `link` is the link cell around the idea's number (prefix, suffix); the names are
    cells keyed by id (stage), as the CSV writes them.

    Each row is, as the driver makes it (no object per row): the idea's id; `head`, its cells
    up to the theme, each with the delimiter after it; its theme's id if the theme is active
    (the recommendations it takes up); `tail`, its cells from the stage to the comments, the
    delimiter before and after each (the recommendations go between `head` and `tail`); lat;
    lon; the UTC hours of its publication (None if unpublished) and submission, "2026-11-01 07";
    whether a resident's text in it holds an "@" (then written from its `IdeaRow` instead)."""
    connection = db.session.connection()
    dialect = _Dialect(connection.dialect.name)
    sep = sa.literal(delimiter)

    def text(value: Any) -> sa.ColumnElement[str]:
        return text_cell(dialect, value, delimiter, formula_triggers)

    group_title = sa.func.coalesce(IdeaGroup.title, "")
    head = dialect.concatenated([
        dialect.number(Idea.id), sep, dialect.reference(), sep,
        sa.literal(link[0]), dialect.number(Idea.id), sa.literal(link[1]), sep,
        text(Idea.title), sep, text(Idea.description), sep, text(Idea.first_step), sep,
        _picked(Idea.category_id, categories), sep, _picked(Idea.quarter_id, quarters), sep,
        text(group_title), sep,
    ])
    tail = dialect.concatenated([
        sep, _picked(_text(Idea.stage), {stage.value: cell for stage, cell in stages.items()}),
        sep, text(Idea.public_answer), sep,
        dialect.number(Idea.support_count), sep, dialect.number(Idea.comment_count), sep,
    ])
    has_at = sa.or_(*(dialect.contains(column, "@") for column in (
        Idea.title, Idea.description, Idea.first_step, Idea.public_answer, group_title)))
    conditions = idea_conditions(filters)
    if not dialect.postgresql:
        # SQLite would find the rows by the status index and sort them by id, every row's text
        # built before the first is read (and spilled to disk by the sorter); by the ids of
        # the matching rows, it reads them in id order and writes each as it is read.
        matching = sa.select(Idea.id).where(*conditions).correlate(None)
        conditions = [Idea.id.in_(matching)]
    statement = (
        sa.select(Idea.id, head, IdeaGroup.id, tail, Idea.lat, Idea.lon,
                  dialect.utc_hour(Idea.published_at), dialect.utc_hour(Idea.created_at),
                  has_at)
        .outerjoin(IdeaGroup, sa.and_(IdeaGroup.id == Idea.group_id, IdeaGroup.is_active))
        .where(*conditions)
        .order_by(Idea.id)
    )
    result = connection.execute(statement, execution_options={"yield_per": batch_size})
    try:
        yield from result.partitions()
    finally:
        # A download stopped halfway leaves PostgreSQL's server-side cursor open otherwise.
        result.close()
