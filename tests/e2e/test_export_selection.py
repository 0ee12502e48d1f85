"""The export page's map in Chromium: an organiser selects ideas on the map and downloads
exactly those, and the file says what was selected."""

from __future__ import annotations

import csv
import io

from myalmaty.core.permissions import Role
from myalmaty.extensions import db
from tests.exports.conftest import export_cli, world  # noqa: F401 - fixtures
from tests.factories import make_user


def _open_export_page(page, sign_in):
    organiser = make_user(role=Role.ORGANISER, locale="en")
    db.session.commit()
    sign_in(organiser)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page.base_url + "/organise/exports")
    page.wait_for_selector("[data-export-selection][data-loaded]")
    return page.locator("[data-export-selection]").get_attribute("data-map-name"), errors


def _show(page, name, south, west, north, east):
    """Move the map to a box, as the organiser would by zooming, and wait for its ideas."""
    page.evaluate(f"""() => new Promise(done => {{
        delete document.querySelector('[data-export-selection]').dataset.loaded;
        {name}.once("moveend", done);
        {name}.fitBounds([[{south}, {west}], [{north}, {east}]], {{animate: false}});
    }})""")
    page.wait_for_function(
        "() => document.querySelector('[data-export-selection]').dataset.loaded !== undefined")


def _click_at(page, name, lat, lon):
    """A real mouse click on the map where (lat, lon) is drawn."""
    frame = page.locator(".export-map .folium-map")
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    point = page.evaluate(f"() => {{ const p = {name}.latLngToContainerPoint([{lat}, {lon}]); "
                          f"return [p.x, p.y]; }}")
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def _download_csv(page, name_starts="myalmaty-ideas-en-area-") -> list[dict[str, str]]:
    page.get_by_label("Format").select_option("csv")
    page.get_by_label("Language of the file").select_option("en")
    page.get_by_role("button", name="Prepare the file").click()
    # The export is written by a job; its link appears in the list once the file is ready.
    link = page.locator("[data-export-job] [data-job-download] a").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith(name_starts)
    text = download.path().read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_polygon_drawn_on_the_map_exports_exactly_its_ideas(page, sign_in, world):  # noqa: F811
    name, errors = _open_export_page(page, sign_in)
    _show(page, name, 43.215, 76.9, 43.24, 76.92)

    page.get_by_role("button", name="Draw a polygon").click()
    # A triangle over the west: bikes (76.91, 43.23) inside, formula (76.905, 43.225) outside,
    # though inside the triangle's bounding box.
    for lat, lon in [(43.235, 76.905), (43.235, 76.915), (43.22, 76.915)]:
        _click_at(page, name, lat, lon)
    assert "Corners so far: 3" in page.locator("#selection-status").inner_text()
    page.get_by_role("button", name="Finish the polygon").click()
    assert page.locator("#selection-status").inner_text() == (
        "Area selected. The export holds the ideas inside it.")
    area = page.get_by_label("Area selected on the map").input_value()
    assert area.count(";") == 2

    rows = _download_csv(page)
    # The selection travels with every row, in the last column.
    assert all(row["Selection"].startswith("Polygon drawn on the map, 3 corners") for row in rows)
    assert {int(row["Number"]) for row in rows} == {world.bikes.id}
    assert errors == []
    assert all(url.startswith("http://tiles.test/") for url in page.outside_requests)


def test_a_rectangle_is_drawn_from_the_keyboard(page, sign_in, world):  # noqa: F811
    """Without a mouse: the buttons choose the tool and place a corner where the map is
    centred; the arrow keys (here: setView) move the map between corners."""
    name, errors = _open_export_page(page, sign_in)
    page.get_by_role("button", name="Draw a rectangle").click()
    for lat, lon in [(43.219, 76.899), (43.236, 76.921)]:
        page.evaluate(f"() => {name}.setView([{lat}, {lon}], 15, {{animate: false}})")
        page.get_by_role("button", name="Add a corner at the map's centre").click()
    assert page.get_by_label("Area selected on the map").input_value() == "76.899,43.219,76.921,43.236"

    rows = _download_csv(page)
    assert all(row["Selection"].startswith("Rectangle drawn on the map") for row in rows)
    assert {int(row["Number"]) for row in rows} == {world.bikes.id, world.formula.id}
    assert errors == []


def test_a_cluster_picked_on_the_map_exports_its_ideas(page, sign_in, world, monkeypatch):  # noqa: F811
    from myalmaty.api import clusters

    monkeypatch.setattr(clusters, "POINTS_UP_TO", 0)  # clusters even for a handful of ideas
    name, errors = _open_export_page(page, sign_in)
    _show(page, name, 43.25, 76.94, 43.265, 76.965)  # the centre, where three ideas share a spot
    cluster = page.get_by_role("button", name="3 ideas here. Select this cluster for the export.")
    assert cluster.inner_text() == "3"
    cluster.click()
    assert page.locator("#selection-status").inner_text() == "Cluster of 3 ideas selected."

    rows = _download_csv(page)
    assert {int(row["Number"]) for row in rows} == {world.cinema.id, world.mural.id,
                                                     world.hostile.id}
    assert errors == []


def test_a_quarter_picked_on_the_map_exports_its_ideas(page, sign_in, world):  # noqa: F811
    name, errors = _open_export_page(page, sign_in)
    _show(page, name, 43.215, 76.895, 43.24, 76.925)
    page.get_by_role("button", name="Pick a quarter").click()
    _click_at(page, name, 43.232, 76.915)  # inside the west quarter, away from its ideas
    page.wait_for_function("() => document.getElementById('selection-status').textContent"
                           ".startsWith('Quarter selected')")
    assert page.get_by_label("Quarter").input_value() == "west"

    rows = _download_csv(page, "myalmaty-ideas-en-west-")
    # A quarter is a filter of its own: the file's name says it, no column needed.
    assert "Selection" not in rows[0]
    assert {int(row["Number"]) for row in rows} == {world.bikes.id, world.formula.id}
    assert errors == []
