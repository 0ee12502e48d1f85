"""The organisers' dashboard and quarter preview in a real browser: maps draw, nothing from outside."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from myalmaty.core.permissions import Role
from myalmaty.extensions import db
from tests import factories
from tests.factories import PANFILOV_SQUARE


def _sign_in(page, app, user) -> None:
    """Give the browser the session cookie of a signed-in organiser (sign-in is another feature's)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    cookie = client.get_cookie("session")
    page.context.add_cookies([{"name": "session", "value": cookie.value, "url": page.base_url}])


def _only_tiles(requests: list[str]) -> bool:
    return all(url.startswith("http://tiles.test/") for url in requests)


def test_the_dashboard_draws_its_map_and_charts_offline(page, app):
    organiser = factories.make_user(role=Role.ORGANISER)
    quarter = factories.make_quarter(name_ru="Панфилова")
    factories.make_idea(quarter=quarter)
    db.session.commit()
    _sign_in(page, app, organiser)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(page.base_url + "/organise/")

    assert page.get_by_role("heading", level=1).inner_text() == "Сводка для организаторов"
    assert page.locator(".chart[role=img]").count() == 4
    name = page.locator("[data-map-name]").get_attribute("data-map-name")
    shapes = page.evaluate(
        f"() => {{ let n = 0; {name}.eachLayer(l => {{ if (l.feature) n++; }}); return n; }}")
    assert shapes == 2  # the quarter, coloured by its ideas, and the city's outline
    assert page.locator("path.leaflet-interactive").count() == 1  # only the quarter
    assert errors == []
    assert _only_tiles(page.outside_requests)


def test_a_pasted_boundary_is_previewed_on_the_map_before_saving(page, app):
    organiser = factories.make_user(role=Role.ORGANISER, locale="en")
    db.session.commit()
    _sign_in(page, app, organiser)

    page.goto(page.base_url + "/organise/quarters/new")
    page.get_by_label("Short name for addresses").fill("panfilov")
    page.get_by_label("Name in Russian").fill("Панфиловский")
    page.get_by_label("Name in Kazakh").fill("Панфилов")
    page.get_by_label("Name in English").fill("Panfilov")
    page.get_by_label("Or paste the boundary as GeoJSON").fill(json.dumps(PANFILOV_SQUARE))
    page.get_by_role("button", name="Check and preview").click()

    expect(page.get_by_text("The boundary is valid. Check it on the map, then save.")).to_be_visible()
    expect(page.locator(".leaflet-interactive")).to_have_count(1)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The quarter was created.")).to_be_visible()
    assert _only_tiles(page.outside_requests)
