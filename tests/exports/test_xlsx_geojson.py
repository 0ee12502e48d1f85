"""XLSX (openpyxl reads it: four sheets, frozen headers, filters, print settings, wrapped text,
hyperlinks, numbers) and GeoJSON (RFC 7946, GDAL: names, numeric coordinates, KML placemarks)."""

import datetime as dt
import io
import json
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from myalmaty.exports.columns import IDEA_COLUMNS


def almaty_day(moment):
    return moment.astimezone(ZoneInfo("Asia/Almaty")).date()


@pytest.fixture
def workbook(world, export_cli):
    result, data = export_cli("xlsx", "--lang", "en")
    assert result.exit_code == 0, result.output
    return load_workbook(io.BytesIO(data))


def test_workbook_has_ideas_themes_coverage_and_comments_sheets(workbook):
    assert workbook.sheetnames == ["Ideas", "Themes", "Coverage", "Comments"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
        assert sheet["A1"].font.bold


def test_ideas_sheet_has_every_column_with_typed_values(world, workbook):
    sheet = workbook["Ideas"]
    header = [c.value for c in sheet[1]]
    with force_locale("en"):
        assert header == [str(c.header) for c in IDEA_COLUMNS]
    assert sheet.auto_filter.ref == f"A1:R{1 + len(world.published)}"
    assert round(sheet.column_dimensions["D"].width) == 29  # the title column is wide (28 + padding)
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    cinema = rows[world.cinema.id]
    assert cinema["Title"] == "Кино во дворе"
    assert cinema["Supports"] == 3
    assert cinema["Recommendations"] == "Believe in risky ideas; A thousand small steps"
    assert cinema["Published on"].date() == almaty_day(world.cinema.published_at)
    assert sheet.cell(row=2, column=header.index("Published on") + 1).number_format == "YYYY-MM-DD"
    # Residents' text is text, never a formula.
    formula_cell = [c for c in sheet[1 + len(world.published)] if c.column == 4][0]
    assert formula_cell.value == "=1+1"
    assert formula_cell.data_type == "s"


def test_themes_sheet_counts_only_exported_ideas(world, workbook):
    sheet = workbook["Themes"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Number", "Link", "Theme"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    group = dict(zip(header, rows[0], strict=True))
    assert group["Theme"] == "Дворы центра"
    assert group["Ideas"] == 2  # the hidden and the duplicate idea in it are not counted
    assert group["Supports"] == 4
    assert group["Stage"] == "Selected for a forum"
    assert group["Recommendations"] == "Believe in risky ideas"


def test_coverage_counts_ideas_per_recommendation_and_quarter_through_groups_too(world, workbook):
    sheet = workbook["Coverage"]
    header = [c.value for c in sheet[1]]
    assert header == ["Recommendation", "Forum", "Centre", "West", "No quarter", "Total"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    # Believe: cinema and mural through their group (centre), formula directly (west).
    assert rows["Believe in risky ideas"][2:] == (2, 1, 0, 3)
    assert rows["A thousand small steps"][2:] == (1, 0, 0, 1)


def test_sheet_names_are_translated(world, export_cli):
    _result, data = export_cli("xlsx", "--lang", "kk")
    assert load_workbook(io.BytesIO(data)).sheetnames == ["Идеялар", "Тақырыптар", "Қамту", "Пікірлер"]


@pytest.fixture
def geojson_file(world, export_cli, tmp_path):
    result, data = export_cli("geojson", "--lang", "en")
    assert result.exit_code == 0, result.output
    path = tmp_path / "ideas.geojson"
    path.write_bytes(data)
    return path


def test_geojson_is_an_rfc7946_feature_collection(world, geojson_file):
    collection = json.loads(geojson_file.read_text("utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # RFC 7946 §4: WGS 84 always, no crs member
    features = {f["id"]: f for f in collection["features"]}
    assert set(features) == {i.id for i in world.published}
    bikes = features[world.bikes.id]
    assert bikes["type"] == "Feature"
    assert bikes["geometry"] == {"type": "Point", "coordinates": [76.91, 43.23]}  # [lon, lat]
    assert list(bikes["properties"]) == ["name", *(c.key for c in IDEA_COLUMNS)]
    assert bikes["properties"]["name"] == "Велодорожка на Абая"
    assert features[world.cinema.id]["properties"]["name"] == "Кино во дворе"
    assert bikes["properties"]["quarter"] == "West"
    assert bikes["properties"]["published"] == almaty_day(world.bikes.published_at).isoformat()


def test_gdal_reads_the_geojson(world, geojson_file):
    """What QGIS does when it opens the file: GDAL's GeoJSON driver, via pyogrio (or ogrinfo)."""
    if shutil.which("ogrinfo"):
        output = subprocess.run(["ogrinfo", "-ro", "-al", "-so", str(geojson_file)],
                                capture_output=True, text=True, check=True).stdout
        assert "Feature Count: 5" in output
    pyogrio = pytest.importorskip("pyogrio")
    info = pyogrio.read_info(geojson_file)
    assert info["geometry_type"] == "Point"
    assert info["features"] == len(world.published)
    assert info["crs"] == "EPSG:4326"
    assert list(info["fields"]) == ["name", *(c.key for c in IDEA_COLUMNS)]
    assert info["total_bounds"] == pytest.approx((76.905, 43.225, 76.9536, 43.2583))


def _column(sheet, name):
    """The cells under the header `name`, from the second row down."""
    header = [c.value for c in sheet[1]]
    return [row[header.index(name)] for row in sheet.iter_rows(min_row=2)]


def test_every_sheet_prints_landscape_on_a4_one_page_wide_with_its_header_on_each_page(workbook):
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # One page wide (an absent fitToWidth is 1, ECMA-376's default), any number of pages tall.
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == "$1:$1"  # the header row, repeated on every page
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].alignment.wrap_text


def test_the_ideas_sheet_fits_a_landscape_page_at_a_legible_scale(workbook):
    """Fit to width shrinks the sheet until its columns fill the printable width: 29.7 cm less
    the margins. Past about a 45 % scale, 11-point text prints smaller than 5 points."""
    sheet = workbook["Ideas"]
    # Excel's column width w (characters) is 7w + 5 pixels of 96 dpi; 0.75 point per pixel.
    points = sum((7 * d.width + 5) * 0.75 for d in sheet.column_dimensions.values() if d.width)
    printable = 842 - 72 * (sheet.page_margins.left + sheet.page_margins.right)
    assert printable / points > 0.35


def test_long_text_wraps_and_its_row_grows_to_show_it_up_to_a_cap(world, export_cli):
    from myalmaty.exports.xlsx_writer import LINE_HEIGHT, MAX_LINES
    from myalmaty.extensions import db
    from tests.factories import make_idea

    sentence = "Поставить скамейки и фонари вдоль арыка во дворе. "  # 51 characters
    long_idea = make_idea(title="Скамейки", description=sentence * 6, category=world.culture)
    endless = make_idea(title="Очень длинная", description=sentence * 200, category=world.culture)
    short = make_idea(title="Скамейка", description="Скамейка у арыка.", first_step="Спросить соседей.",
                      category=world.culture)
    db.session.commit()
    _result, data = export_cli("xlsx", "--lang", "en")
    sheet = load_workbook(io.BytesIO(data))["Ideas"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    header = [c.value for c in sheet[1]]
    description = header.index("Description")
    # 306 characters in a column 50 wide (42 a line): 8 lines.
    long_row = rows[long_idea.id]
    assert long_row[description].alignment.wrap_text
    assert long_row[description].alignment.vertical == "top"
    assert sheet.row_dimensions[long_row[0].row].height == 8 * LINE_HEIGHT
    assert sheet.row_dimensions[rows[endless.id][0].row].height == MAX_LINES * LINE_HEIGHT
    assert rows[endless.id][description].value == sentence * 200  # capped height, whole text
    # First step, 44 characters in a column 30 wide (25 a line): 2 lines.
    assert sheet.row_dimensions[rows[world.bikes.id][0].row].height == 2 * LINE_HEIGHT
    # A short idea keeps the default height; numbers and days do not wrap.
    assert sheet.row_dimensions[rows[short.id][0].row].height is None
    assert not rows[short.id][header.index("Supports")].alignment.wrap_text


def test_links_are_hyperlinks_to_the_public_pages(app, world, workbook):
    base = app.config["PUBLIC_BASE_URL"]
    for cell in _column(workbook["Ideas"], "Link"):
        idea_id = cell.offset(column=-2).value
        assert cell.hyperlink is not None and cell.hyperlink.target == f"{base}/ideas/{idea_id}"
        assert cell.value == cell.hyperlink.target
    [theme_link] = _column(workbook["Themes"], "Link")
    assert theme_link.hyperlink.target.startswith(base + "/")
    assert theme_link.hyperlink.target.endswith(str(world.courtyards.id))


def test_past_excels_limit_of_links_per_sheet_a_link_is_written_as_text(world, export_cli, monkeypatch):
    from myalmaty.exports import xlsx_writer

    monkeypatch.setattr(xlsx_writer, "MAX_LINKS_PER_SHEET", 2)
    _result, data = export_cli("xlsx", "--lang", "en")
    links = _column(load_workbook(io.BytesIO(data))["Ideas"], "Link")
    assert [cell.hyperlink is not None for cell in links] == [True, True, False, False, False]
    assert all(cell.value.startswith("http") for cell in links)


def test_coordinates_are_numbers_shown_to_six_decimals(world, workbook):
    sheet = workbook["Ideas"]
    for name in ("Latitude", "Longitude"):
        for cell in _column(sheet, name):
            assert cell.data_type == "n" and isinstance(cell.value, float)
            assert cell.number_format == "0.000000"
    bikes = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == world.bikes.id)
    assert bikes[14:16] == (43.23, 76.91)


def test_comments_sheet_has_each_visible_comment_of_the_exported_ideas_and_no_name(
    app, world, export_cli
):
    import sqlalchemy as sa

    from myalmaty.domain.accounts import User
    from myalmaty.extensions import db
    from tests.factories import make_comment

    make_comment(world.unpublished[2], body="On a hidden idea")  # the idea never leaves
    db.session.commit()
    _result, data = export_cli("xlsx", "--lang", "en")
    sheet = load_workbook(io.BytesIO(data))["Comments"]
    header = [c.value for c in sheet[1]]
    assert header == ["Reference", "Idea", "Date", "Comment"]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    # Oldest first; the hidden comment and the hidden idea's comment are left out.
    assert [r["Comment"] for r in rows] == [
        "Самый старый", "Приду с соседями!", "Я тоже", "Третий", "Четвёртый, самый новый",
    ]
    assert {r["Reference"] for r in rows} == {world.cinema.reference}
    assert {r["Idea"] for r in rows} == {"Кино во дворе"}
    days = [r["Date"] for r in rows]
    assert all(isinstance(day, dt.datetime) for day in days) and days == sorted(days)
    assert sheet["C2"].number_format == "YYYY-MM-DD"
    # Exports name no one: no commenter's name (nor any account's) is anywhere in the workbook.
    names = set(db.session.scalars(sa.select(User.display_name)))
    assert "Айгерим" in names and "Gone Person" in names
    book = load_workbook(io.BytesIO(data))
    cells = [str(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r if v]
    assert not [cell for cell in cells if any(name in cell for name in names)]


def test_comments_sheet_follows_the_filters(world, export_cli):
    _result, data = export_cli("xlsx", "--lang", "en", "--quarter", "west")
    sheet = load_workbook(io.BytesIO(data))["Comments"]
    assert sheet.max_row == 1  # the commented idea is in the centre


def test_gdal_reads_names_and_numeric_coordinates(world, geojson_file):
    """The fields and points as QGIS gets them from GDAL's GeoJSON driver."""
    import struct

    raw = pytest.importorskip("pyogrio.raw")
    meta, _fids, geometry, values = raw.read(geojson_file)
    fields = dict(zip(meta["fields"], values, strict=True))
    dtypes = dict(zip(meta["fields"], meta["dtypes"], strict=True))
    assert sorted(fields["name"]) == sorted(i.title for i in world.published)
    assert dtypes["lat"] == dtypes["lon"] == "float64"
    points = {}
    for idea_id, wkb in zip(fields["id"], geometry, strict=True):
        byte_order, kind, lon, lat = struct.unpack("<BIdd", wkb)
        assert (byte_order, kind) == (1, 1)  # little-endian WKB Point
        points[int(idea_id)] = (lon, lat)
    assert points[world.bikes.id] == pytest.approx((76.91, 43.23))


def test_geojson_converted_to_kml_gives_named_placemarks(world, geojson_file, tmp_path):
    """What `ogr2ogr ideas.kml ideas.geojson` does: the `name` field becomes <name>."""
    from xml.etree import ElementTree

    raw = pytest.importorskip("pyogrio.raw")
    meta, _fids, geometry, values = raw.read(geojson_file)
    kml = tmp_path / "ideas.kml"
    raw.write(kml, geometry, values, fields=meta["fields"], driver="KML", crs=meta["crs"],
              geometry_type="Point")
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    placemarks = ElementTree.parse(kml).getroot().findall(".//k:Placemark", ns)
    assert sorted(p.findtext("k:name", namespaces=ns) for p in placemarks) == sorted(
        i.title for i in world.published
    )


def test_row_heights_are_written_as_each_row_is(app, tmp_path):
    """Constant memory: a row goes to the file with its height, and nothing of it is kept."""
    from myalmaty.exports.columns import NUMBER, Column
    from myalmaty.exports.xlsx_stream import ROWS_PER_WRITE, Workbook
    from myalmaty.exports.xlsx_writer import LINE_HEIGHT, SheetWriter

    path = tmp_path / "rows.xlsx"
    with open(path, "wb") as target:
        book = Workbook(target)
        columns = [Column("n", "N", lambda r: r, 8, kind=NUMBER),
                   Column("text", "Text", lambda r: r, 12, wrap=True)]
        sheet = SheetWriter(book, "Rows", columns, "en")
        for n in range(1, 1001):
            sheet.append([n, "ж" * 10 * (n % 4)])  # no text, or 1, 2 or 3 lines of 10 characters
            assert len(sheet.sheet._pending) < ROWS_PER_WRITE
        sheet.close()
        book.close()
    rows = load_workbook(path)["Rows"].row_dimensions
    assert [rows[n + 1].height for n in range(1, 9)] == [
        None, 2 * LINE_HEIGHT, 3 * LINE_HEIGHT, None, None, 2 * LINE_HEIGHT, 3 * LINE_HEIGHT, None
    ]


def test_the_streamed_workbook_is_well_formed_and_keeps_markup_and_line_breaks_as_text(tmp_path):
    """Every part parses as XML; `<`, `&`, quotes, a carriage return and a name with an
    apostrophe survive; a link past a sheet's rows is spooled, not kept in memory."""
    import zipfile
    from xml.etree import ElementTree

    from myalmaty.exports.xlsx_stream import Style, Workbook, number_cells, text_cells

    path = tmp_path / "tricky.xlsx"
    tricky = 'a < b && "c" > d\r\nline\x00two'
    with open(path, "wb") as target:
        book = Workbook(target)
        sheet = book.add_sheet("Residents' ideas", [10, 20])
        text = text_cells("A", book.style(Style(wrap=True)))
        number = number_cells("B", book.style(Style("0.000000")))
        sheet.row(1, [text("1", tricky), number("1", 43.25)])
        sheet.link("A2", "https://example.kz/ideas?a=1&b=2")
        sheet.row(2, [text("2", "https://example.kz/ideas?a=1&b=2")])
        sheet.autofilter(2, 1)
        book.close()
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            ElementTree.fromstring(archive.read(name))
    sheet = load_workbook(path)["Residents' ideas"]
    assert sheet["A1"].value == 'a < b && "c" > d\r\nlinetwo'
    assert sheet["B1"].value == 43.25 and sheet["B1"].number_format == "0.000000"
    assert sheet["A2"].hyperlink.target == "https://example.kz/ideas?a=1&b=2"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.auto_filter.ref == "A1:B2"
