"""In Chromium: a resident pins an idea on the map and submits it; the public map clusters
published ideas from the API and shows a hostile title as plain text."""

from __future__ import annotations

import re

import pytest

from myalmaty.extensions import db
from tests.factories import CENTRE, make_category, make_idea, make_quarter, make_user

HOSTILE = "<script>alert(1)</script> ${alert(1)} <img src=x onerror=alert(2)>"


@pytest.fixture
def app_config():
    # Tiles from the app's own host (they are not there: a failed tile is harmless), so that
    # the page fixture's "no other host" rule holds.
    return {"TILE_URL": "/e2e-tiles/{z}/{x}/{y}.png"}


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append("dialog: " + dialog.message), dialog.dismiss()))
    return errors


def test_a_resident_pins_an_idea_on_the_map_and_finds_it_awaiting_moderation(page, sign_in):
    from playwright.sync_api import expect

    resident = make_user(display_name="Aigerim")
    make_category(name_en="Public space")
    make_quarter(name_en="Panfilov Park")
    db.session.commit()
    errors = watch_errors(page)
    sign_in(resident)

    page.goto(page.base_url + "/ideas/new?lang=en")
    page.get_by_label("Title").fill("Courtyard cinema on summer evenings")
    page.get_by_label("What is the idea?").fill(
        "Open-air screenings for the neighbours in the courtyard, with chairs from home.")
    page.get_by_label("The first small step").fill("Ask the neighbours which evening suits them.")
    page.get_by_label("Category").select_option(label="Public space")

    lat, lon = page.locator("#lat"), page.locator("#lon")
    expect(lat).to_have_value("")
    page.locator("[data-location-picker] .folium-map").click()  # the centre of the map
    expect(lat).not_to_have_value("")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    assert 43.1 < float(lat.input_value()) < 43.4
    assert 76.8 < float(lon.input_value()) < 77.1
    status = page.locator("#picker-status")
    expect(status).to_contain_text("Pin placed")
    # The quarter follows in the same announcement, as soon as the server has answered.
    expect(status).to_have_text(re.compile(r"Pin placed: .*\. (Quarter: |Not in a creative quarter)"))

    def type_point(point_lat: float, point_lon: float) -> None:
        lat.fill(str(point_lat))
        lon.fill(str(point_lon))
        lon.dispatch_event("change")

    type_point(51.128, 71.43)  # Astana
    expect(status).to_contain_text("This point is outside Almaty.")
    type_point(*CENTRE)
    expect(status).to_have_text("Quarter: Panfilov Park.")

    page.get_by_role("button", name="Send the idea").click()
    page.wait_for_url("**/ideas/mine*")
    mine = page.locator(".my-idea").filter(has_text="Courtyard cinema on summer evenings")
    expect(mine).to_have_count(1)
    expect(mine.locator(".badge.pending")).to_have_text("Awaiting moderation")
    assert errors == []
    assert page.outside_requests == []


def test_the_public_map_clusters_ideas_and_shows_a_hostile_title_as_text(page):
    from playwright.sync_api import expect

    category = make_category(name_en="Culture")
    author = make_user()
    for n in range(20):
        make_idea(title=f"Idea {n}", category=category, author=author,
                  lat=CENTRE[0] + n * 0.00005, lon=CENTRE[1])
    make_idea(title=HOSTILE, category=category, author=author, lat=43.2383, lon=76.9156)
    db.session.commit()
    errors = watch_errors(page)

    page.goto(page.base_url + "/ideas/map?lang=en")
    expect(page.locator("[data-ideas-map]")).to_have_attribute("data-loaded", "21")
    expect(page.locator("#map-status")).to_have_text("Ideas on the map: 21")
    expect(page.locator(".marker-cluster").filter(has_text="20")).to_have_count(1)

    page.get_by_title(HOSTILE, exact=True).click()
    link = page.locator(".leaflet-popup .idea-popup-title a")
    expect(link).to_have_text(HOSTILE)
    assert link.get_attribute("href").startswith("/ideas/")
    expect(page.locator(".leaflet-popup script, .leaflet-popup img")).to_have_count(0)
    expect(page.locator(".leaflet-popup")).to_contain_text("Culture")
    expect(page.locator(".leaflet-popup")).to_contain_text("Supports: 0")
    assert errors == []
    assert page.outside_requests == []


def test_many_ideas_come_as_clusters_that_open_up_when_clicked(page, monkeypatch):
    from playwright.sync_api import expect

    from myalmaty.api import clusters

    monkeypatch.setattr(clusters, "POINTS_UP_TO", 10)
    category = make_category(name_en="Culture")
    author = make_user()
    for n in range(30):  # two groups of 15, a kilometre and more apart
        lat, lon = (CENTRE[0], CENTRE[1]) if n % 2 else (43.2383, 76.9156)
        make_idea(title=f"Idea {n}", category=category, author=author,
                  lat=lat + (n // 2) * 0.00004, lon=lon)
    db.session.commit()
    errors = watch_errors(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/api/" in r.url else None)

    page.goto(page.base_url + "/ideas/map?lang=en")
    expect(page.locator("[data-ideas-map]")).to_have_attribute("data-loaded", "30")
    expect(page.locator("#map-status")).to_have_text("Ideas on the map: 30")
    clusters_shown = page.locator(".idea-cluster")
    expect(clusters_shown).to_have_count(2)
    expect(clusters_shown.first).to_have_text("15")
    assert all("/api/ideas/clusters?" in url and "bbox=" in url and "zoom=" in url
               for url in requests)
    page.get_by_title("15 ideas. Zoom in to see them.").first.click()
    # The ideas now come one by one, grouped where they stand close by Leaflet.markercluster,
    # whose groups are labelled too.
    expect(page.locator(".marker-cluster[aria-label$=' ideas. Zoom in to see them.']").first).to_be_attached()
    expect(page.locator("[data-ideas-map]")).to_have_attribute("data-loaded", "15")
    assert errors == []
    assert page.outside_requests == []


@pytest.mark.parametrize(("width", "opened"), [(1280, True), (360, False)])
def test_filters_are_open_on_a_wide_screen_and_folded_on_a_phone(page, width, opened):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 800})
    for path in ("/ideas/?lang=en", "/ideas/map?lang=en"):
        page.goto(page.base_url + path)
        filters = page.locator("details#filters")
        if opened:
            expect(filters).to_have_attribute("open", "")
            expect(page.get_by_label("Words")).to_be_visible()
        else:
            expect(filters).not_to_have_attribute("open", re.compile(".*"))
            expect(page.get_by_label("Words")).to_be_hidden()
