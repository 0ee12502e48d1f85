"""GET /api/ideas/similar: published ideas that read alike and lie close by."""

from __future__ import annotations

import pytest

from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests.factories import CENTRE, make_idea


@pytest.fixture
def ideas(app):
    found = {
        "near": make_idea(title="Летний кинотеатр во дворе", lat=CENTRE[0] + 0.002, lon=CENTRE[1]),
        "far": make_idea(title="Летний кинотеатр во дворе", lat=CENTRE[0] + 0.1, lon=CENTRE[1]),
        "pending": make_idea(title="Летний кинотеатр во дворе", status=IdeaStatus.PENDING),
    }
    db.session.commit()
    return found


def test_alike_and_close_published_ideas(client, ideas):
    response = client.get("/api/ideas/similar", query_string={
        "text": "Кинотеатр во дворе летом", "lat": CENTRE[0], "lon": CENTRE[1]})
    assert response.status_code == 200
    [found] = response.get_json()["ideas"]
    near = ideas["near"]
    assert found == {"id": near.id, "reference": near.reference,
                     "title": "Летний кинотеатр во дворе", "url": f"/ideas/{near.id}",
                     "distance_m": 222}


def test_the_idea_being_edited_is_left_out(client, ideas):
    response = client.get("/api/ideas/similar", query_string={
        "text": "Кинотеатр во дворе", "lat": CENTRE[0], "lon": CENTRE[1],
        "exclude": ideas["near"].id})
    assert response.get_json()["ideas"] == []


def test_without_a_point_by_text_only(client, ideas):
    response = client.get("/api/ideas/similar", query_string={"text": "кинотеатр во дворе"})
    assert {i["id"] for i in response.get_json()["ideas"]} == {ideas["near"].id, ideas["far"].id}


def test_the_description_apart_counts_too(client, ideas):
    response = client.get("/api/ideas/similar", query_string={
        "text": "Летом", "description": "Кино во дворе для соседей",
        "lat": CENTRE[0], "lon": CENTRE[1]})
    assert [i["id"] for i in response.get_json()["ideas"]] == [ideas["near"].id]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"text": "x", "lat": "abc", "lon": "76.9"}, "lat"),
        ({"text": "x", "lat": "43.2"}, "lon"),
        ({"text": "x", "lat": "nan", "lon": "76.9"}, "lat"),
        ({"text": "x", "lat": "95", "lon": "76.9"}, "lat"),
        ({"text": "x", "lat": "43", "lon": "-200"}, "lon"),
        ({"text": "x" * 2001}, "text"),
        ({"text": "x", "description": "x" * 2001}, "description"),
    ],
)
def test_bad_parameters_are_400(client, query, parameter):
    response = client.get("/api/ideas/similar", query_string=query)
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == parameter
