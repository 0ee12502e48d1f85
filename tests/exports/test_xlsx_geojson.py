"""XLSX (openpyxl reads it: three sheets, frozen headers, filters) and GeoJSON (RFC 7946, GDAL)."""

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


def test_workbook_has_ideas_groups_and_coverage_sheets(workbook):
    assert workbook.sheetnames == ["Ideas", "Themes", "Coverage"]
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
    assert round(sheet.column_dimensions["D"].width) == 41  # the title column is wide (40 + padding)
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
    assert load_workbook(io.BytesIO(data)).sheetnames == ["Идеялар", "Тақырыптар", "Қамту"]


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
    assert list(bikes["properties"]) == [c.key for c in IDEA_COLUMNS]
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
    assert list(info["fields"]) == [c.key for c in IDEA_COLUMNS]
    assert info["total_bounds"] == pytest.approx((76.905, 43.225, 76.9536, 43.2583))
