"""GET /api/place: the quarter of the point the picker map placed, or why there is none."""

from __future__ import annotations

import pytest

from myalmaty.core.geo import is_in_almaty
from myalmaty.extensions import db
from tests.factories import CENTRE, make_quarter

IN_ALMATY_NO_QUARTER = (43.2000, 76.8700)
ASTANA = (51.1280, 71.4300)


@pytest.fixture
def quarter(app):
    found = make_quarter(slug="panfilov", name_en="Panfilov Park", name_ru="Панфиловский парк")
    archived = make_quarter(slug="old", name_en="Old quarter", archived=True)
    db.session.commit()
    return found, archived


def test_a_point_in_a_quarter_names_it_in_the_visitors_language(client, quarter):
    panfilov, _archived = quarter
    response = client.get("/api/place", query_string={"lat": CENTRE[0], "lon": CENTRE[1],
                                                     "lang": "en"})
    assert response.status_code == 200
    assert response.get_json() == {"inside_almaty": True,
                                   "quarter": {"id": panfilov.id, "name": "Panfilov Park"}}
    ru = client.get("/api/place", query_string={"lat": CENTRE[0], "lon": CENTRE[1], "lang": "ru"})
    assert ru.get_json()["quarter"]["name"] == "Панфиловский парк"


def test_a_point_in_almaty_outside_every_quarter(client, quarter):
    assert is_in_almaty(*IN_ALMATY_NO_QUARTER)
    lat, lon = IN_ALMATY_NO_QUARTER
    response = client.get("/api/place", query_string={"lat": lat, "lon": lon})
    assert response.get_json() == {"inside_almaty": True, "quarter": None}


def test_a_point_outside_the_city(client, quarter):
    lat, lon = ASTANA
    response = client.get("/api/place", query_string={"lat": lat, "lon": lon})
    assert response.get_json() == {"inside_almaty": False, "quarter": None}


@pytest.mark.parametrize(("query", "parameter"), [
    ({}, "lat"),
    ({"lat": "43.25"}, "lon"),
    ({"lat": "abc", "lon": "76.9"}, "lat"),
    ({"lat": "nan", "lon": "76.9"}, "lat"),
    ({"lat": "95", "lon": "76.9"}, "lat"),
    ({"lat": "43.25", "lon": "200"}, "lon"),
])
def test_bad_coordinates_get_a_clear_400(client, app, query, parameter):
    response = client.get("/api/place", query_string=query | {"lang": "en"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == parameter and error["message"]
