"""In Chromium, at a phone's and a desktop's width: a resident places the pin with the keyboard
alone (arrows move the map under the cross, Enter places the pin, the detected quarter is
announced), finds a landmark by name, sends the idea and finds it among their ideas. Leaflet's
controls speak Russian and Kazakh, the scale bar is metric in the page's units, and clusters say
how many ideas they hold."""

from __future__ import annotations

import re

import pytest

from myalmaty.extensions import db
from tests.factories import CENTRE, make_category, make_idea, make_quarter, make_user

# A quarter around the map's first view, which Kok-Tobe (76.976 E) lies outside of.
OLD_TOWN = {
    "type": "Polygon",
    "coordinates": [[[76.88, 43.20], [76.96, 43.20], [76.96, 43.30], [76.88, 43.30], [76.88, 43.20]]],
}
KOK_TOBE = (43.2331, 76.9761)
WIDTHS = [pytest.param(360, id="phone"), pytest.param(1280, id="desktop")]


@pytest.fixture
def app_config():
    # Tiles from the app's own host (absent there, which is harmless): no other host is asked.
    return {"TILE_URL": "/e2e-tiles/{z}/{x}/{y}.png"}


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def map_centre(page) -> tuple[float, float]:
    name = page.locator("[data-location-picker]").get_attribute("data-map-name")
    centre = page.evaluate(f"(() => {{ const c = window['{name}'].getCenter(); return [c.lat, c.lng]; }})()")
    return centre[0], centre[1]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_resident_places_the_pin_with_the_keyboard_finds_a_landmark_and_sends_the_idea(page, sign_in, width):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 740})
    resident = make_user(display_name="Aigerim")
    make_category(name_en="Public space")
    make_quarter(OLD_TOWN, name_en="Old Town")
    db.session.commit()
    errors = watch_errors(page)
    sign_in(resident)

    page.goto(page.base_url + "/ideas/new?lang=en")
    page.get_by_label("Title").fill("Benches along the cable car path")
    page.get_by_label("What is the idea?").fill(
        "Shaded benches every two hundred metres on the walk up to Kok-Tobe, for older neighbours.")
    page.get_by_label("The first small step").fill("Count the benches there are today.")
    page.get_by_label("Category").select_option(label="Public space")

    # Tab from the search box past its button: the next stop is the map itself.
    search = page.get_by_role("combobox", name="Find a place")
    search.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Find", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    container = page.locator("[data-location-picker] .leaflet-container")
    expect(container).to_be_focused()
    expect(page.locator("[data-location-picker] .map-crosshair")).to_be_visible()

    start_lat, start_lon = map_centre(page)
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("([lat, lon]) => { const f = document.querySelector('[data-location-picker]');"
                           " const c = window[f.dataset.mapName].getCenter();"
                           " return c.lat > lat && c.lng < lon; }", arg=[start_lat, start_lon])
    lat, lon = page.locator("#lat"), page.locator("#lon")
    expect(lat).to_have_value("")
    page.keyboard.press("Enter")

    status = page.locator("#picker-status")
    expect(status).to_have_text(re.compile(r"^Pin placed: latitude 43\.\d+, longitude 76\.\d+\. Quarter: Old Town\.$"))
    expect(page.locator("[data-location-picker] .leaflet-marker-icon")).to_have_count(1)
    centre = map_centre(page)
    assert float(lat.input_value()) == pytest.approx(centre[0], abs=1e-6)
    assert float(lon.input_value()) == pytest.approx(centre[1], abs=1e-6)
    assert float(lat.input_value()) > start_lat and float(lon.input_value()) < start_lon
    expect(page).to_have_url(re.compile(r"/ideas/new"))  # Enter on the map sends nothing

    # The search box: type, choose with the arrows, take with Enter. The pin follows.
    search.focus()
    page.keyboard.type("kok tobe")
    results = page.get_by_role("listbox", name="Places found")
    expect(results.get_by_role("option").first).to_have_text(re.compile(r"^Kok-Tobe"))
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#place-search-status")).to_contain_text("Places found:")
    page.keyboard.press("ArrowDown")
    expect(search).to_have_attribute("aria-activedescendant", "place-search-option-0")
    expect(results.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(search).to_have_value("Kok-Tobe")
    expect(results).to_be_hidden()
    expect(status).to_have_text(re.compile(
        r"^Found: Kok-Tobe\. Pin placed: latitude 43\.233100, longitude 76\.976100\. "
        r"Not in a creative quarter"))
    expect(lat).to_have_value("43.233100")
    expect(lon).to_have_value("76.976100")
    assert map_centre(page) == pytest.approx(KOK_TOBE, abs=1e-4)
    expect(page).to_have_url(re.compile(r"/ideas/new"))

    # The button does what Enter does, for those who neither drag nor use the map's keys.
    page.get_by_role("button", name="Place the pin here").focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text(re.compile(r"^Pin placed: latitude 43\.233100, longitude 76\.976100\. Not in"))

    page.get_by_role("button", name="Send the idea").click()
    page.wait_for_url("**/ideas/mine*")
    mine = page.locator(".my-idea").filter(has_text="Benches along the cable car path")
    expect(mine).to_have_count(1)
    expect(mine.locator(".badge.pending")).to_have_text("Awaiting moderation")
    assert errors == []
    assert page.outside_requests == []


@pytest.mark.parametrize(("lang", "zoom_in", "zoom_out", "library"), [
    ("ru", "Приблизить", "Отдалить", "Leaflet — библиотека, которая рисует эту карту"),
    ("kk", "Жақындату", "Алыстату", "Leaflet — осы картаны салатын кітапхана"),
])
def test_the_zoom_buttons_are_named_in_the_pages_language(page, sign_in, lang, zoom_in, zoom_out, library):
    from playwright.sync_api import expect

    sign_in(make_user())
    db.session.commit()
    for path in ("/ideas/new", "/ideas/map"):
        page.goto(f"{page.base_url}{path}?lang={lang}")
        expect(page.get_by_role("button", name=zoom_in)).to_have_attribute("title", zoom_in)
        expect(page.get_by_role("button", name=zoom_out)).to_have_attribute("title", zoom_out)
        leaflet = page.locator(".leaflet-control-attribution a").first
        expect(leaflet).to_have_text("Leaflet")
        expect(leaflet).to_have_attribute("title", library)


@pytest.mark.parametrize(("lang", "metres", "kilometres"), [("ru", "м", "км"), ("kk", "м", "км"),
                                                          ("en", "m", "km")])
def test_the_scale_bar_is_metric_in_the_pages_units(page, sign_in, lang, metres, kilometres):
    from playwright.sync_api import expect

    idea = make_idea(title="Скамейки", author=make_user())
    sign_in(make_user())
    db.session.commit()
    for path in ("/ideas/map", "/ideas/new", f"/ideas/{idea.id}"):
        page.goto(f"{page.base_url}{path}?lang={lang}")
        scale = page.locator(".leaflet-control-scale-line")
        expect(scale).to_have_count(1)  # metric alone: no feet, no miles
        expect(scale).to_have_text(re.compile(rf"^\d+ ({metres}|{kilometres})$"))
    # Zoomed out far enough, the bar counts kilometres.
    name = page.locator(".map-frame").get_attribute("data-map-name")
    page.evaluate(f"window['{name}'].setZoom(9, {{animate: false}})")
    expect(page.locator(".leaflet-control-scale-line")).to_have_text(re.compile(rf"^\d+ {kilometres}$"))


def test_each_idea_page_shows_its_own_idea_at_the_centre_of_its_map(page):
    """The point map is drawn once per process: every page still gets its own place."""
    from playwright.sync_api import expect

    errors = watch_errors(page)
    ideas = [make_idea(title="Скамейки у арыка", lat=43.2567, lon=76.9286),
             make_idea(title="Сад на крыше", lat=43.2001, lon=76.8802)]
    db.session.commit()
    for idea in ideas:
        page.goto(f"{page.base_url}/ideas/{idea.id}?lang=ru")
        expect(page.locator(f"[data-idea-point] img.leaflet-marker-icon[alt='{idea.title}']")
               ).to_have_count(1)
        name = page.locator("[data-idea-point]").get_attribute("data-map-name")
        centre = page.evaluate(
            f"(() => {{ const c = window['{name}'].getCenter(); return [c.lat, c.lng]; }})()")
        assert centre == pytest.approx([idea.lat, idea.lon], abs=1e-6)
        assert page.evaluate(f"window['{name}'].getZoom()") == 15
    assert errors == []


@pytest.mark.parametrize(("lang", "many", "few"), [
    ("ru", "21 идея. Приблизьте карту, чтобы их увидеть.", "3 идеи. Приблизьте карту, чтобы их увидеть."),
    ("kk", "21 идея. Оларды көру үшін картаны жақындатыңыз.", "3 идея. Оларды көру үшін картаны жақындатыңыз."),
    ("en", "21 ideas. Zoom in to see them.", "3 ideas. Zoom in to see them."),
])
def test_a_cluster_says_how_many_ideas_it_holds(page, lang, many, few):
    from playwright.sync_api import expect

    author, category = make_user(), make_category()
    for n in range(21):
        make_idea(title=f"Idea {n}", author=author, category=category,
                  lat=CENTRE[0] + n * 0.00003, lon=CENTRE[1])
    for n in range(3):
        make_idea(title=f"Far idea {n}", author=author, category=category,
                  lat=43.2383 + n * 0.00003, lon=76.9156)
    make_idea(title="A lone idea", author=author, category=category, lat=43.2150, lon=76.8900)
    db.session.commit()
    errors = watch_errors(page)

    page.goto(f"{page.base_url}/ideas/map?lang={lang}")
    expect(page.locator("[data-ideas-map]")).to_have_attribute("data-loaded", "25")
    cluster = page.get_by_role("button", name=many, exact=True)
    expect(cluster).to_have_text("21")
    expect(page.get_by_role("button", name=few, exact=True)).to_have_text("3")
    # A single idea's marker is named by its title.
    lone = page.locator("img.leaflet-marker-icon[alt='A lone idea']")
    expect(lone).to_have_attribute("title", "A lone idea")
    assert errors == []


def test_the_public_map_moves_to_a_place_found_by_name(page):
    from playwright.sync_api import expect

    page.goto(page.base_url + "/ideas/map?lang=ru")
    # On a phone the search sits in the sheet with the filters, opened by the button over the map.
    page.get_by_role("button", name="Фильтры и список").click()
    search = page.get_by_role("combobox", name="Найти место")
    search.fill("Arbat")
    option = page.get_by_role("listbox", name="Найденные места").get_by_role("option").first
    expect(option).to_have_text(re.compile(r"^Арбат"))
    search.press("Enter")
    expect(page.locator("#map-place-search-status")).to_have_text(
        "На карте: Арбат (пешеходная улица Жибек Жолы).")
    name = page.locator("[data-ideas-map]").get_attribute("data-map-name")
    centre = page.evaluate(f"(() => {{ const c = window['{name}'].getCenter(); return [c.lat, c.lng]; }})()")
    assert centre == pytest.approx([43.2625, 76.9445], abs=1e-4)
    search.fill("Zzyzx")
    expect(page.locator("#map-place-search-status")).to_have_text(
        "Место с таким названием не найдено. Попробуйте другое написание, улицу или известное место.")
    assert page.outside_requests == []
