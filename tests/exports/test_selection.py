"""Exporting what an organiser selected on the map: a rectangle, a polygon, a quarter or a
cluster. The file holds exactly the ideas inside, and says what was selected."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import IdeaStatus
from myalmaty.exports.areas import MAX_VERTICES
from myalmaty.exports.filters import InvalidFilters, parse_filters
from myalmaty.extensions import db
from tests.exports.conftest import read_csv
from tests.factories import make_idea, make_user

# Around the west quarter (76.90–76.92, 43.22–43.235): bikes (76.91, 43.23) and formula
# (76.905, 43.225), nothing else.
WEST_RECTANGLE = "76.9,43.22,76.92,43.235"
# A triangle whose bounding box holds both, but only bikes lies inside: what the exact
# point-in-polygon test, after the box, decides.
TRIANGLE = "76.905,43.235;76.915,43.235;76.915,43.22"


def _organiser(auth, locale="ru"):
    user = make_user(role=Role.ORGANISER, locale=locale)
    db.session.commit()
    auth.as_user(user)


def selected_ids(data: bytes) -> set[int]:
    """The ideas in a CSV: the rows below its header row."""
    header = data.decode("utf-8-sig").splitlines()[0]
    rows = read_csv(data, delimiter=";" if ";" in header else ",")
    return {int(row[0]) for row in rows[1:]}


def _ids(*ideas):
    return {idea.id for idea in ideas}


# --- reading the area ------------------------------------------------------------------------

def test_a_rectangle_is_read_as_west_south_east_north(app):
    area = parse_filters({"area": WEST_RECTANGLE}).area
    assert area is not None and area.is_rectangle
    assert (area.bbox.min_lon, area.bbox.min_lat, area.bbox.max_lon, area.bbox.max_lat) == (
        76.9, 43.22, 76.92, 43.235)
    assert area.compact == WEST_RECTANGLE
    assert area.covers(43.22, 76.9)  # a corner: on the line drawn is inside


def test_a_polygon_is_read_corner_by_corner_and_its_closing_corner_is_dropped(app):
    area = parse_filters({"area": TRIANGLE + ";76.905,43.235"}).area
    assert area is not None and not area.is_rectangle
    assert area.corners == ((76.905, 43.235), (76.915, 43.235), (76.915, 43.22))
    assert area.compact == TRIANGLE
    assert area.covers(43.23, 76.91)
    assert not area.covers(43.225, 76.905)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("here", "could not be read"),
        ("76.9,43.22,76.92", "could not be read"),
        ("nan,43.22,76.92,43.235", "could not be read"),
        ("76.9e0,43.22,76.92,43.235", "could not be read"),
        ("76.9,43.22;76.92", "could not be read"),
        ("76.92,43.22,76.9,43.235", "width and a height"),
        ("76.9,43.22;76.92,43.22", "at least three corners"),
        (";".join(f"{76.9 + i / 10000:.4f},{43.22 + (i % 2) / 1000:.3f}" for i in range(MAX_VERTICES + 1)),
         f"at most {MAX_VERTICES} corners"),
        ("1" * 3000, f"at most {MAX_VERTICES} corners"),
        ("37.6,55.7,37.7,55.8", "must lie in Almaty"),
        ("76.9,43.22;76.92,43.235;76.92,43.22;76.9,43.235", "cross each other"),  # a bow tie
        ("76.9,43.2;76.9,43.21;76.9,43.22", "cross each other"),  # a line: no area
    ],
    ids=["words", "three-numbers", "nan", "exponent", "half-a-corner", "inside-out", "two-corners",
         "too-many-corners", "too-long", "moscow", "bow-tie", "no-area"],
)
def test_an_unusable_area_is_refused_with_a_message(app, value, message):
    with force_locale("en"), pytest.raises(InvalidFilters) as refused:
        parse_filters({"area": value})
    assert list(refused.value.errors) == ["area"]
    assert message in refused.value.errors["area"]


def test_the_refusal_is_translated(app):
    with force_locale("kk"), pytest.raises(InvalidFilters) as refused:
        parse_filters({"area": "37.6,55.7,37.7,55.8"})
    assert "Almaty" not in refused.value.errors["area"]
    assert "Алматы" in refused.value.errors["area"]


# --- exactly the ideas inside ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("area", "expected"),
    [
        (WEST_RECTANGLE, lambda w: _ids(w.bikes, w.formula)),
        (TRIANGLE, lambda w: _ids(w.bikes)),
        ("76.72,43.02,77.18,43.42", lambda w: _ids(*w.published)),  # the whole city
        ("76.8,43.1,76.85,43.15", lambda w: set()),
    ],
    ids=["rectangle", "polygon", "everything", "nothing"],
)
@pytest.mark.parametrize("fmt", ["csv", "geojson", "xlsx"])
def test_the_export_holds_exactly_the_ideas_inside(world, export_cli, area, expected, fmt):
    result, data = export_cli(fmt, "--area", area, "--lang", "en")
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        ids = selected_ids(data)
    elif fmt == "geojson":
        ids = {feature["id"] for feature in json.loads(data)["features"]}
    else:
        sheet = load_workbook(io.BytesIO(data), read_only=True)["Ideas"]
        ids = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert ids == expected(world)


def test_an_area_narrows_the_other_filters_too(world, export_cli):
    # The forum's agenda holds cinema, mural and bikes; of them, only bikes is in the west.
    _result, data = export_cli("csv", "--area", WEST_RECTANGLE, "--forum", str(world.forum.id))
    assert selected_ids(data) == _ids(world.bikes)


def test_unpublished_ideas_inside_the_area_stay_out(world, export_cli):
    make_idea(IdeaStatus.PENDING, title="Pending in the west", lat=43.23, lon=76.91)
    db.session.commit()
    _result, data = export_cli("csv", "--area", TRIANGLE)
    assert selected_ids(data) == _ids(world.bikes)


def test_a_cluster_from_the_map_exports_its_ideas(world, client, auth, monkeypatch):
    """The map's clusters come with their ideas' bounds; the page selects them widened by one
    unit of the last decimal, and the export holds the cluster's ideas."""
    from myalmaty.api import clusters

    monkeypatch.setattr(clusters, "POINTS_UP_TO", 0)  # clusters even for a handful of ideas
    view = client.get("/api/ideas/clusters?bbox=76.85,43.18,77.0,43.3&zoom=12").get_json()
    # The three ideas at the centre make one cluster (at one spot: bounds of no size); the two
    # in the west are shown one by one.
    (cluster,) = view["clusters"]
    assert cluster["count"] == 3
    west, south, east, north = cluster["bounds"]
    area = f"{west - 1e-6:.6f},{south - 1e-6:.6f},{east + 1e-6:.6f},{north + 1e-6:.6f}"
    _organiser(auth)
    response = client.get(f"/organise/exports/download?format=csv&language=en&area={area}")
    assert response.status_code == 200
    assert selected_ids(response.data) == _ids(world.cinema, world.mural, world.hostile)


# --- the file says what was selected ---------------------------------------------------------

def test_the_csv_says_what_was_selected_in_a_last_column_under_its_one_header_row(
    world, export_cli
):
    """pandas and spreadsheets take the first line for the header: it is the header, and the
    selection is a column of its own, on every row, so it stays with them when sorted."""
    _result, data = export_cli("csv", "--area", TRIANGLE, "--lang", "en")
    header, *rows = read_csv(data, delimiter=",")
    assert header[0] == "Number" and header[-1] == "Selection"
    assert len(rows) == 1
    assert rows[0][0] == str(world.bikes.id)
    assert rows[0][-1] == ("Polygon drawn on the map, 3 corners (longitude latitude): "
                           "76.905 43.235; 76.915 43.235; 76.915 43.22.")
    assert all(len(row) == len(header) for row in rows)
    # As a reader that takes the first line for the names of the columns sees it.
    (record,) = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    assert record["Number"] == str(world.bikes.id)
    assert record["Selection"].startswith("Polygon drawn on the map")


def test_without_a_selection_the_csv_has_no_selection_column(world, export_cli):
    _result, data = export_cli("csv", "--lang", "en")
    header = read_csv(data)[0]
    assert header[0] == "Number" and "Selection" not in header
    assert len(header) == 18


def test_the_workbook_has_a_selection_sheet(world, export_cli):
    _result, data = export_cli("xlsx", "--area", WEST_RECTANGLE, "--lang", "en")
    workbook = load_workbook(io.BytesIO(data))
    rows = list(workbook["Selection"].iter_rows(values_only=True))
    assert rows[1] == ("Area on the map", "Rectangle drawn on the map: longitude 76.9 to 76.92, "
                                          "latitude 43.22 to 43.235.")
    assert rows[2] == ("Area for the export page (area=)", WEST_RECTANGLE)


def test_the_geojson_carries_the_selection_as_a_top_level_member(world, export_cli):
    _result, data = export_cli("geojson", "--area", TRIANGLE, "--lang", "en")
    collection = json.loads(data)
    assert collection["type"] == "FeatureCollection"
    assert collection["selection"]["area"] == TRIANGLE
    assert collection["selection"]["geometry"] == {"type": "Polygon", "coordinates": [
        [[76.905, 43.235], [76.915, 43.235], [76.915, 43.22], [76.905, 43.235]]]}
    assert collection["selection"]["description"].startswith("Polygon drawn on the map")


def test_the_offline_map_and_the_pack_say_what_was_selected(world, export_cli):
    _result, page = export_cli("html", "--area", WEST_RECTANGLE, "--lang", "en")
    assert "Rectangle drawn on the map: longitude 76.9 to 76.92" in page.decode()
    result, pack = export_cli("pack", "--forum", str(world.forum.id), "--area", WEST_RECTANGLE,
                              "--lang", "en")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        assert archive.read("selection.txt").decode().startswith(
            "Selection: Rectangle drawn on the map")
        geojson = json.loads(archive.read("ideas.geojson"))
        # The forum's agenda (cinema, mural, bikes) cut to the west: bikes only.
        assert {f["id"] for f in geojson["features"]} == _ids(world.bikes)
        assert "Selection" in load_workbook(io.BytesIO(archive.read("ideas.xlsx"))).sheetnames


# --- the page --------------------------------------------------------------------------------

def test_the_page_offers_the_map_and_its_tools(world, client, auth):
    _organiser(auth, "en")
    page = client.get("/organise/exports").get_data(as_text=True)
    assert "data-export-selection" in page
    assert "js/export-selection.js" in page
    assert 'name="area"' in page
    assert "Draw a polygon" in page


def test_a_refused_area_comes_back_with_its_message_and_what_was_typed(world, client, auth):
    _organiser(auth, "en")
    response = client.get("/organise/exports/download?format=csv&area=37.6,55.7,37.7,55.8")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The area must lie in Almaty" in page
    assert 'value="37.6,55.7,37.7,55.8"' in page


def test_the_file_name_says_an_area_was_selected(world, client, auth):
    _organiser(auth)
    response = client.get(f"/organise/exports/download?format=geojson&language=en&quarter=west"
                          f"&area={WEST_RECTANGLE}")
    assert "myalmaty-ideas-en-west-area-" in response.headers["Content-Disposition"]
    assert {f["id"] for f in json.loads(response.data)["features"]} == _ids(world.bikes, world.formula)
