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


@pytest.mark.parametrize(("args", "delimiter", "decimal"), [
    (["--lang", "ru"], ";", ","),
    (["--lang", "kk"], ";", ","),
    (["--lang", "en"], ",", "."),
    (["--lang", "ru", "--comma"], ",", "."),
    (["--lang", "en", "--semicolon"], ";", ","),
], ids=["ru-default", "kk-default", "en-default", "ru-comma", "en-semicolon"])
def test_coordinates_read_as_numbers_in_the_files_dialect(world, export_cli, args, delimiter, decimal):
    """What a spreadsheet set to the language does: split on its list separator, read numbers
    with its decimal separator. Russian and Kazakh ones use ';' and ',', English ones ',' and '.'."""
    result, data = export_cli("csv", *args)
    assert result.exit_code == 0, result.output
    header, *rows = read_csv(data, delimiter=delimiter)
    assert len(header) == 18 and all(len(row) == 18 for row in rows)
    assert data.decode("utf-8-sig").splitlines()[0].count(delimiter) == 17
    bikes = next(r for r in rows if r[0] == str(world.bikes.id))
    lat, lon = bikes[14], bikes[15]
    assert (lat, lon) == (f"43{decimal}23", f"76{decimal}91")
    # Parsed as that spreadsheet parses: the decimal separator becomes the point, no other.
    for row in rows:
        for cell in row[14:16]:
            assert cell.count(decimal) == 1 and cell.replace(decimal, "").isdigit()
            assert 40 < float(cell.replace(decimal, ".")) < 80
    # Kazakh letters survive in the UTF-8 file with its BOM.
    assert data.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("fmt", ["xlsx", "geojson", "html", "pack"])
@pytest.mark.parametrize("option", ["--semicolon", "--comma"])
def test_a_separator_with_another_format_stops_the_command(world, export_cli, fmt, option):
    result, data = export_cli(fmt, option, "--lang", "kk", "--forum", str(world.forum.id))
    assert result.exit_code == 2
    assert "Бөлгіш тек CSV файлында болады" in result.output
    assert data == b""


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


def test_kazakh_text_and_formula_protection_hold_in_the_semicolon_dialect(world, export_cli):
    _result, data = export_cli("csv", "--lang", "kk")
    header, *rows = read_csv(data, delimiter=";")
    assert "Атауы" in header and "Алғашқы қадам" in header
    formula = next(r for r in rows if r[0] == str(world.formula.id))
    assert formula[header.index("Атауы")] == "'=1+1"
    assert formula[header.index("Алғашқы қадам")] == "'-2"


def test_csv_is_streamed_in_chunks(app, world, monkeypatch):
    from myalmaty.exports import csv_writer
    from myalmaty.exports.filters import ExportFilters
    from myalmaty.exports.queries import iter_idea_rows, load_reference_data

    monkeypatch.setattr(csv_writer, "ROWS_PER_CHUNK", 2)
    reference = load_reference_data("en")
    chunks = list(csv_writer.csv_chunks(iter_idea_rows(ExportFilters(), reference, batch_size=2), "en"))
    assert len(chunks) == 3  # rows 1-2, rows 3-4, row 5
    assert csv_ids(b"".join(chunks)) == {i.id for i in world.published}
