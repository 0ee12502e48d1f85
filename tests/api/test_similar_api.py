"""GET /api/ideas/similar: published ideas that read alike and lie close by."""

from __future__ import annotations

import pytest

from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests.factories import CENTRE, make_idea, make_support, make_user

CINEMA = "Летний кинотеатр во дворе"


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
                     "distance_m": 222, "supporters": 0,
                     "supporters_text": "Эту идею поддерживают 0 жителей",
                     "support_url": f"/ideas/{near.id}/support",
                     "yours": False, "supported": False}


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


def nearby(client, text=CINEMA, **extra):
    response = client.get("/api/ideas/similar", query_string={
        "text": text, "lat": CENTRE[0], "lon": CENTRE[1], **extra})
    assert response.status_code == 200
    return response.get_json()


def test_at_most_five_ideas_the_nearest_alike_first(client, app):
    made = [make_idea(title=CINEMA, lat=CENTRE[0] + 0.001 * n, lon=CENTRE[1]) for n in range(7)]
    db.session.commit()
    found = nearby(client)["ideas"]
    assert [i["id"] for i in found] == [idea.id for idea in made[:5]]


@pytest.mark.parametrize("status", [IdeaStatus.PENDING, IdeaStatus.HIDDEN, IdeaStatus.REJECTED,
                                    IdeaStatus.WITHDRAWN, IdeaStatus.DUPLICATE])
def test_only_published_ideas_are_suggested(client, app, status):
    shown = make_idea(title=CINEMA, lat=CENTRE[0] + 0.003)
    original = {"duplicate_of": shown} if status is IdeaStatus.DUPLICATE else {}
    make_idea(title=CINEMA, status=status, **original)
    db.session.commit()
    assert [i["id"] for i in nearby(client)["ideas"]] == [shown.id]


def test_the_summary_counts_them_in_the_visitors_language(client, app):
    for n in range(3):
        make_idea(title=CINEMA, lat=CENTRE[0] + 0.001 * n)
    db.session.commit()
    assert nearby(client)["summary"] == "3 похожие идеи рядом"
    assert nearby(client, lang="en")["summary"] == "3 similar ideas nearby"
    assert nearby(client, lang="kk")["summary"] == "Жақын жерде 3 ұқсас идея"
    assert client.get("/api/ideas/similar", query_string={"text": CINEMA, "lang": "en"}
                      ).get_json()["summary"] == "3 similar published ideas"
    assert nearby(client, text="Ремонт крыши гаража", lang="en") == {
        "summary": "", "signed_in": False, "ideas": []}


def test_a_signed_in_resident_sees_which_they_support_and_which_are_their_own(client, auth, app):
    resident = make_user()
    own = make_idea(title=CINEMA, author=resident)
    supported = make_idea(title=CINEMA, lat=CENTRE[0] + 0.001)
    other = make_idea(title=CINEMA, lat=CENTRE[0] + 0.002)
    make_support(supported, resident)
    make_support(other)
    db.session.commit()
    auth.as_user(resident)
    answer = nearby(client, lang="en")
    assert answer["signed_in"] is True
    found = {i["id"]: i for i in answer["ideas"]}
    assert (found[own.id]["yours"], found[own.id]["supported"]) == (True, False)
    assert (found[supported.id]["yours"], found[supported.id]["supported"]) == (False, True)
    assert (found[other.id]["yours"], found[other.id]["supported"]) == (False, False)
    assert found[other.id]["supporters"] == 1
    assert found[other.id]["supporters_text"] == "1 resident supports this idea"


def test_hostile_text_comes_back_as_json_text(client, app):
    hostile = "<script>alert(1)</script> Летний кинотеатр во дворе"
    make_idea(title=hostile)
    db.session.commit()
    response = client.get("/api/ideas/similar", query_string={
        "text": CINEMA, "lat": CENTRE[0], "lon": CENTRE[1]})
    assert response.mimetype == "application/json"
    assert response.get_json()["ideas"][0]["title"] == hostile


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"text": "x", "exclude": "abc"}, "exclude"),
        ({"text": "x", "exclude": "99999999999999999999"}, "exclude"),
        ({"text": "x", "lat": "inf", "lon": "76.9"}, "lat"),
        ({"text": "x", "lat": "", "lon": "76.9"}, "lat"),
    ],
)
def test_more_bad_parameters_are_400_with_a_translated_message(client, app, query, parameter):
    response = client.get("/api/ideas/similar", query_string={**query, "lang": "ru"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == parameter
    assert error["message"] and not error["message"].isascii()


def test_odd_text_is_no_error(client, app):
    for text in ("", "\x00\x00", "🙂" * 50, "a", "   ", "%%%(num)s"):
        assert client.get("/api/ideas/similar", query_string={"text": text}).status_code == 200
