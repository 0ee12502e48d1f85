"""CSV through `flask export`: Excel-friendly encoding, translated headers, no formulas."""

import pytest

from tests.exports.conftest import csv_ids, read_csv


def test_csv_starts_with_a_bom_and_has_one_header_row(world, export_cli):
    result, data = export_cli("csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert rows[0][:4] == ["Number", "Reference", "Link", "Title"]
    assert len(rows) == 1 + len(world.published)


@pytest.mark.parametrize(
    ("lang", "headers", "category", "stage", "published"),
    [
        ("ru", ["Номер", "Ссылка", "Название", "Первый шаг"], "Культура", "Отобрана для форума", r"\d\d\.\d\d\.\d{4}"),
        ("kk", ["Нөмірі", "Сілтеме", "Атауы", "Алғашқы қадам"], "Мәдениет", "Форумға іріктелді", r"\d\d\.\d\d\.\d{4}"),
        ("en", ["Number", "Link", "Title", "First step"], "Culture", "Selected for a forum", r"\d{4}-\d\d-\d\d"),
    ],
)
def test_headers_names_and_dates_are_in_the_chosen_language(world, export_cli, lang, headers,
                                                            category, stage, published):
    import re

    _result, data = export_cli("csv", "--lang", lang)
    header, *rows = read_csv(data)
    assert all(h in header for h in headers)
    cinema = next(r for r in rows if r[header.index(headers[2])] == "Кино во дворе")
    assert cinema[header.index(headers[0])] == str(world.cinema.id)
    assert category in cinema
    assert stage in cinema
    assert re.fullmatch(published, cinema[-2])


def test_semicolon_option_for_excel_in_russian(world, export_cli):
    _result, data = export_cli("csv", "--semicolon", "--lang", "ru")
    text = data.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("Номер;") and header.count(";") == 17
    rows = read_csv(data, delimiter=";")
    bikes = next(r for r in rows if r[3] == "Велодорожка на Абая")
    assert (bikes[14], bikes[15]) == ("43,23", "76,91")  # decimal comma, as Excel-ru expects


def test_cells_that_would_run_as_formulas_are_neutralised(world, export_cli):
    _result, data = export_cli("csv", "--lang", "en")
    header, *rows = read_csv(data)
    formula = next(r for r in rows if r[0] == str(world.formula.id))
    cell = dict(zip(header, formula, strict=True))
    assert cell["Title"] == "'=1+1"
    assert cell["Description"] == "'+cmd|' /C calc'!A0"
    assert cell["First step"] == "'-2"
    assert cell["Public answer"] == "'@SUM(A1:A2)"
    # Numbers stay numbers.
    assert cell["Latitude"] == "43.225"


def test_csv_is_streamed_in_chunks(app, world, monkeypatch):
    from myalmaty.exports import csv_writer
    from myalmaty.exports.filters import ExportFilters
    from myalmaty.exports.queries import iter_idea_rows, load_reference_data

    monkeypatch.setattr(csv_writer, "ROWS_PER_CHUNK", 2)
    reference = load_reference_data("en")
    chunks = list(csv_writer.csv_chunks(iter_idea_rows(ExportFilters(), reference, batch_size=2), "en"))
    assert len(chunks) == 3  # rows 1-2, rows 3-4, row 5
    assert csv_ids(b"".join(chunks)) == {i.id for i in world.published}
