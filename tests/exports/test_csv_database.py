"""The CSV written by the database (`database_csv_chunks`, what exports send) is byte for byte
the one written cell by cell in Python (`csv_chunks`, the reference), over rows chosen to catch
every difference: quoting, formulas, e-mails, names, days around Almaty's midnight and its 2024
change of offset, recommendations, coordinates, both dialects, every language."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pytest
from flask_babel import force_locale

from myalmaty.core.i18n import LANGUAGES
from myalmaty.domain.ideas import Idea, IdeaStage
from myalmaty.exports import csv_writer
from myalmaty.exports.filters import ExportFilters
from myalmaty.exports.queries import iter_idea_rows, load_reference_data
from myalmaty.extensions import db
from tests.factories import (
    make_category,
    make_forum,
    make_group,
    make_idea,
    make_link,
    make_quarter,
    make_recommendation,
)

# Residents' text that a CSV must quote, double, neutralise or redact, and text it must not touch.
TEXTS = [
    'He said "hi"; then, he left',
    "two\nlines",
    "carriage\rreturn",
    "windows\r\nline end",
    "=1+1",
    "+7 701 000 00 00",
    "-2",
    "@SUM(A1:A2)",
    "\tindented",
    "\rreturned first",
    "",
    "Қазақ тілі: ауладағы кино; «жаз»",
    "Русский текст, с запятой",
    "plain words",
    "'already quoted",
    '"',
    ";",
    ",",
]

UTC = dt.UTC
# Almaty's midnight was 18:00 UTC until 1 March 2024 (UTC+6), 19:00 UTC since (UTC+5).
MOMENTS = [
    dt.datetime(2023, 6, 1, 17, 59, 59, tzinfo=UTC),
    dt.datetime(2023, 6, 1, 18, 0, 0, tzinfo=UTC),
    dt.datetime(2024, 2, 29, 17, 59, 59, 999_999, tzinfo=UTC),
    dt.datetime(2024, 2, 29, 18, 0, tzinfo=UTC),
    dt.datetime(2024, 2, 29, 18, 30, tzinfo=UTC),
    dt.datetime(2024, 2, 29, 19, 0, tzinfo=UTC),
    dt.datetime(2024, 6, 1, 18, 59, 59, tzinfo=UTC),
    dt.datetime(2024, 6, 1, 19, 0, tzinfo=UTC),
    dt.datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC),
]

# Text with an "@" is written by Python (e-mails are redacted by a regular expression).
WITH_AT = ["write to me: a.b@mail.kz", 'a@b, not an address; "quoted"']

# Coordinates with more decimals than kept, exact halves (1/128) and round ones.
COORDINATES = [(43.2583, 76.9536), (43.123456789, 76.98765432101), (43.0078125, 76.9078125),
               (43.2, 77.0), (43.25, 76.5000005)]


@dataclass
class TrickyWorld:
    ideas: list[Idea]
    with_at: set[int]
    recommendation_id: int
    group_id: int
    quarter_id: int


@pytest.fixture
def tricky(app) -> TrickyWorld:
    forum = make_forum()
    first = make_recommendation(forum, position=1, title_ru="Верьте; в \"риск\"",
                                title_kk="Тәуекелге, сеніңіз", title_en="=Believe")
    second = make_recommendation(forum, position=2, title_ru="Маленькие шаги",
                                 title_kk="Кішкентай қадам", title_en="Small steps")
    third = make_recommendation(forum, position=3)
    categories = [
        make_category(name_ru="Культура; досуг", name_kk="Мәдениет, демалыс",
                      name_en='Culture "and" leisure'),
        make_category(name_ru="-Транспорт", name_kk="Көлік", name_en="Transport"),
    ]
    quarters = [make_quarter(name_ru="Центр, старый", name_kk="Орталық; ескі", name_en="Centre")]
    groups = [
        make_group(title='Дворы; "центра"'),
        make_group(title="Contact x@y.kz"),
        make_group(title="=Dissolved", dissolved_at=dt.datetime(2025, 1, 1, tzinfo=UTC)),
    ]
    make_link(third, group=groups[0])
    make_link(first, group=groups[0])
    make_link(second, group=groups[2])
    ideas = []
    for n in range(len(TEXTS) * 3):
        moment = MOMENTS[n % len(MOMENTS)]
        lat, lon = COORDINATES[n % len(COORDINATES)]
        idea = make_idea(
            title=TEXTS[n % len(TEXTS)] or "Кино",
            description=WITH_AT[n % 2] if n % 6 == 0 else TEXTS[(n + 1) % len(TEXTS)],
            first_step=TEXTS[(n + 2) % len(TEXTS)],
            public_answer=TEXTS[(n + 3) % len(TEXTS)],
            category=categories[n % 2],
            quarter=quarters[0] if n % 3 else None,
            group=groups[1] if n % 10 == 1 else groups[n % 4 // 2 * 2] if n % 4 in (0, 2) else None,
            stage=list(IdeaStage)[n % len(IdeaStage)],
            lat=lat, lon=lon,
            created_at=moment - dt.timedelta(days=n % 2),
            published_at=moment,
        )
        ideas.append(idea)
        if n % 5 == 0:
            make_link(second, idea=idea)
        if n % 7 == 0:
            make_link(first, idea=idea)
    db.session.commit()
    with_at = {i.id for i in ideas
               if "@" in i.title + i.description + i.first_step + i.public_answer
               + (i.group.title if i.group and i.group.dissolved_at is None else "")}
    return TrickyWorld(ideas, with_at, first.id, groups[0].id, quarters[0].id)


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch):
    """Rows read seven at a time: a batch boundary falls between rows of every kind."""
    monkeypatch.setattr(csv_writer, "ROWS_PER_CHUNK", 7)


def both_ways(locale: str, semicolon: bool, selection: str | None,
              filters: ExportFilters | None = None) -> tuple[bytes, bytes]:
    filters = filters or ExportFilters()
    with force_locale(locale):
        reference = load_reference_data(locale)
        python = b"".join(csv_writer.csv_chunks(iter_idea_rows(filters, reference), locale,
                                                semicolon=semicolon, selection=selection))
        database = b"".join(csv_writer.database_csv_chunks(
            filters, reference, semicolon=semicolon, selection=selection))
    return python, database


@pytest.mark.parametrize("selection", [None, 'Area "west"; 2 km, drawn'])
@pytest.mark.parametrize("semicolon", [True, False], ids=["semicolon", "comma"])
@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_database_writes_the_same_bytes_as_python(tricky, monkeypatch, locale, semicolon,
                                                      selection):
    from myalmaty.exports import queries

    left_to_python: list[int] = []
    read_by_id = queries.idea_rows_with_ids

    def counted(ids, reference):
        left_to_python.extend(ids)
        return read_by_id(ids, reference)

    monkeypatch.setattr(csv_writer, "idea_rows_with_ids", counted)
    python, database = both_ways(locale, semicolon, selection)
    assert database == python
    # Only the rows whose text holds an "@" were left to Python: the rest the database wrote.
    assert set(left_to_python) == tricky.with_at
    assert len(tricky.ideas) - len(tricky.with_at) >= 30


def test_a_reader_gets_back_what_residents_wrote(tricky):
    _python, data = both_ways("ru", True, None)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") >= len(tricky.ideas) + 1
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""),
                                    delimiter=";"))
    assert len(rows) == len(tricky.ideas) and all(len(r) == len(header) for r in rows)
    by_id = {int(r[0]): r for r in rows}
    for idea in tricky.ideas:
        row = by_id[idea.id]
        if idea.id in tricky.with_at:
            continue
        assert row[5] == (("'" if idea.first_step[:1] in csv_writer.FORMULA_TRIGGERS else "")
                          + idea.first_step)
        assert float(row[14].replace(",", ".")) == round(idea.lat, 6)
    assert "[адрес почты удалён]" in data.decode("utf-8-sig")
    assert b"mail.kz" not in data and b"x@y.kz" not in data


@pytest.mark.parametrize("narrowed", ["recommendation", "theme", "quarter", "stage", "days", "area",
                                      "nothing"])
def test_filtered_exports_are_the_same_both_ways(tricky, narrowed):
    """The database path selects the rows its own way on SQLite (by the matching ids)."""
    from myalmaty.exports.areas import parse_area

    filters = {
        "recommendation": ExportFilters(recommendation_id=tricky.recommendation_id),
        "theme": ExportFilters(group_id=tricky.group_id),
        "quarter": ExportFilters(quarter_id=tricky.quarter_id),
        "stage": ExportFilters(stage=IdeaStage.IN_PROGRESS),
        "days": ExportFilters(since=dt.date(2024, 3, 1), until=dt.date(2024, 6, 2)),
        "area": ExportFilters(area=parse_area("76.95,43.1,77.05,43.24")),
        "nothing": ExportFilters(since=dt.date(2100, 1, 1)),
    }[narrowed]
    python, database = both_ways("kk", True, None, filters)
    assert database == python
    rows = len(list(csv.reader(io.StringIO(python.decode("utf-8-sig"), newline=""),
                               delimiter=";"))) - 1
    assert (rows == 0) if narrowed == "nothing" else (0 < rows < len(tricky.ideas))
