"""GET /api/places: the maps' search box finds quarters and well-known places of Almaty by name,
from the shipped gazetteer, however the name is typed."""

from __future__ import annotations

import pytest

from myalmaty.core.geo import is_in_almaty
from myalmaty.domain import gazetteer
from myalmaty.extensions import db
from tests.factories import make_quarter


def names(response) -> list[str]:
    assert response.status_code == 200
    return [place["name"] for place in response.get_json()["places"]]


def test_the_gazetteer_is_large_inside_the_city_and_named_in_three_languages():
    places = gazetteer.gazetteer()
    assert len(places) >= 150
    assert len({place.id for place in places}) == len(places)
    assert {place.kind for place in places} <= set(gazetteer.KINDS)
    for place in places:
        assert is_in_almaty(place.lat, place.lon), place.id
        assert all(place.names[language].strip() for language in ("ru", "kk", "en")), place.id
    kinds = {place.kind for place in places}
    assert {"landmark", "park", "square", "street", "district", "metro"} <= kinds


@pytest.mark.parametrize(("query", "lang", "expected"), [
    ("Arbat", "ru", "Арбат (пешеходная улица Жибек Жолы)"),
    ("арбат", "en", "The Arbat (pedestrian Zhibek Zholy)"),
    ("Qazybek", "kk", "Қазыбек би көшесі"),
    ("kok-tobe", "ru", "Кок-Тобе"),
    ("Көктөбе", "en", "Kok-Tobe"),
    ("TSELINNY", "en", "Tselinny Centre of Contemporary Culture"),
    ("улица Абая", "en", "Abai Avenue"),
    ("Furmanov", "en", "Nazarbayev Avenue"),  # the street's old name
    ("Bostandyq", "ru", "Бостандыкский район"),
])
def test_a_place_is_found_whatever_the_script_case_or_spelling(client, query, lang, expected):
    found = names(client.get("/api/places", query_string={"q": query, "lang": lang}))
    assert expected in found[:3]


def test_a_result_says_what_the_place_is_and_where(client):
    response = client.get("/api/places", query_string={"q": "Panfilov Park", "lang": "kk"})
    first = response.get_json()["places"][0]
    assert first["name"] == "28 гвардияшы-панфиловшылар атындағы саябақ"
    assert first["kind"] == "park" and first["kind_label"] == "Саябақ немесе бақ"
    assert (first["lat"], first["lon"]) == (43.2585, 76.9536)
    assert first["zoom"] == gazetteer.DEFAULT_ZOOM


def test_the_quarters_in_use_are_found_as_the_organisers_named_them(client, app):
    make_quarter(slug="yard", name_ru="Двор художников", name_kk="Суретшілер ауласы",
                 name_en="Artists' Yard")
    make_quarter(slug="gone", name_en="Artists' Gone Yard", archived=True)
    db.session.commit()
    response = client.get("/api/places", query_string={"q": "Dvor hudozhnikov", "lang": "en"})
    assert names(response) == ["Artists' Yard"]
    assert response.get_json()["places"][0]["kind"] == "quarter"
    assert names(client.get("/api/places", query_string={"q": "Artists", "lang": "ru"})) == ["Двор художников"]


def test_best_matches_come_first_and_the_list_is_short(client):
    found = names(client.get("/api/places", query_string={"q": "Abai", "lang": "en"}))
    assert found[:2] == ["Abai Square", "Abai Avenue"]  # the whole name before its beginning
    assert "Abai Opera and Ballet Theatre" in found
    assert len(names(client.get("/api/places", query_string={"q": "ka"}))) == gazetteer.MAX_RESULTS
    assert names(client.get("/api/places", query_string={"q": "Zzyzx Road"})) == []


@pytest.mark.parametrize(("query", "message"), [
    ({}, "Type at least 2 letters of the place's name."),
    ({"q": " a "}, "Type at least 2 letters of the place's name."),
    ({"q": "x" * 101}, "The text is too long (at most 100 characters)."),
])
def test_a_query_too_short_or_too_long_gets_a_clear_400(client, query, message):
    response = client.get("/api/places", query_string=query | {"lang": "en"})
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": 400, "message": message, "parameter": "q"}


def test_the_message_is_in_the_visitors_language(client):
    response = client.get("/api/places", query_string={"q": "a", "lang": "kk"})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "Орынның атауын жазыңыз: кемінде 2 әріп."


def test_nul_and_control_characters_are_dropped_not_a_server_error(client):
    assert "Кок-Тобе" in names(client.get("/api/places", query_string={"q": "Kok\x00-Tobe", "lang": "ru"}))
