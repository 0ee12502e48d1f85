"""The labelled set behind the similarity evaluation holds what its README promises.

Every idea is well formed and, when it has a point, lies in Almaty; every query names ideas
that exist, and its labels can mean what its kind says: the same idea lies near, a far
topic lies more than 3 km away, and an idea "near, other topic" is within 300 m. The JSON files
are what the hand-written sources build to, so neither can drift from the other.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from tests.similarity.build_eval_data import (
    DATA,
    FAR_M,
    KINDS,
    NEAR_M,
    SAME_PLACE_KINDS,
    build,
    metres,
)

ROOT = Path(__file__).resolve().parent.parent.parent
IDEAS = json.loads((DATA / "ideas.json").read_text("utf-8"))
QUERIES = json.loads((DATA / "queries.json").read_text("utf-8"))
BY_KEY = {idea["key"]: idea for idea in IDEAS}
CATEGORIES = {c["slug"] for c in json.loads(
    (ROOT / "myalmaty" / "data" / "categories.json").read_text("utf-8"))["categories"]}
KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
CYRILLIC = re.compile("[а-яёА-ЯЁ]")
# Some slack around 300 m: two duplicates each lie up to ~140 m from its place.
SAME_PLACE_M = 400.0


def _where(item) -> tuple[float, float] | None:
    return None if item["lat"] is None else (item["lat"], item["lon"])


def test_the_json_files_are_what_the_sources_build_to():
    ideas, queries = build()
    assert IDEAS == ideas
    assert QUERIES == queries


def test_every_idea_is_well_formed():
    assert len(BY_KEY) == len(IDEAS)
    for idea in IDEAS:
        assert set(idea) == {"key", "lang", "category", "title", "description", "lat", "lon"}
        assert re.fullmatch(rf"{idea['lang']}-\d{{3}}", idea["key"])
        assert idea["category"] in CATEGORIES
        assert 0 < len(idea["title"]) <= 120
        assert 0 < len(idea["description"]) <= 600
        assert (idea["lat"] is None) == (idea["lon"] is None)


def _outside_almaty(items) -> list[str]:
    boundary = json.loads(
        (ROOT / "myalmaty" / "data" / "almaty-boundary.geojson").read_text("utf-8"))
    almaty = shape(boundary["features"][0]["geometry"])
    return [item.get("key") or item["id"] for item in items
            if (p := _where(item)) and not almaty.contains(Point(p[1], p[0]))]


def test_every_point_lies_inside_almaty():
    assert _outside_almaty(IDEAS + QUERIES) == []


def test_a_point_outside_the_city_is_caught():
    """Kapchagay lies 70 km north, the Ile-Alatau peaks just south of the boundary."""
    far = [{"key": "ru-998", "lat": 43.8833, "lon": 77.0833},
           {"key": "ru-999", "lat": 43.0200, "lon": 77.0000}]
    assert _outside_almaty(far) == ["ru-998", "ru-999"]


def test_kazakh_is_written_with_kazakh_letters_or_in_latin():
    """A Kazakh idea in Cyrillic uses ә ғ қ ң ө ұ ү һ і; typed-as-Russian text is a query kind."""
    wrong = [idea["key"] for idea in IDEAS if idea["lang"] == "kk"
             and CYRILLIC.search(text := idea["title"] + idea["description"])
             and not KAZAKH_LETTERS.search(text)]
    assert wrong == []


def test_every_query_is_well_formed_and_names_existing_ideas():
    assert len({q["id"] for q in QUERIES}) == len(QUERIES)
    for q in QUERIES:
        assert set(q) == {"id", "lang", "kind", "title", "description", "lat", "lon",
                          "relevant", "near_other_topic"}
        assert q["lang"] in ("ru", "kk", "en") and q["kind"] in KINDS
        assert q["title"] and q["description"]
        named = q["relevant"] + q["near_other_topic"]
        assert len(set(named)) == len(named), q["id"]
        assert set(named) <= set(BY_KEY), q["id"]


@pytest.mark.parametrize("query", [q for q in QUERIES if q["kind"] in SAME_PLACE_KINDS],
                         ids=lambda q: q["id"])
def test_a_same_place_query_has_its_duplicates_nearby(query):
    assert query["relevant"]
    if (here := _where(query)) is not None:
        for key in query["relevant"]:
            if (there := _where(BY_KEY[key])) is not None:
                assert metres(here, there) <= SAME_PLACE_M, key


@pytest.mark.parametrize("query", [q for q in QUERIES if q["kind"] == "cross_language"],
                         ids=lambda q: q["id"])
def test_a_cross_language_query_has_no_relevant_idea_in_its_own_language(query):
    assert {BY_KEY[k]["lang"] for k in query["relevant"]}.isdisjoint({query["lang"]})


@pytest.mark.parametrize("query", [q for q in QUERIES if q["kind"] == "same_topic_far"],
                         ids=lambda q: q["id"])
def test_a_far_query_finds_its_topic_only_more_than_3_km_away(query):
    here = _where(query)
    assert here is not None and query["relevant"]
    for key in query["relevant"]:
        if (there := _where(BY_KEY[key])) is not None:
            assert metres(here, there) > FAR_M - 300, key


@pytest.mark.parametrize("query", [q for q in QUERIES if q["kind"] == "same_place_other_topic"],
                         ids=lambda q: q["id"])
def test_an_other_topic_query_stands_among_ideas_it_must_not_suggest(query):
    assert _where(query) is not None
    assert query["near_other_topic"]


def test_near_other_topic_ideas_lie_within_300_m_and_are_not_relevant():
    for q in QUERIES:
        here = _where(q)
        assert here is not None or not q["near_other_topic"], q["id"]
        for key in q["near_other_topic"]:
            there = _where(BY_KEY[key])
            assert here and there and metres(here, there) <= NEAR_M, (q["id"], key)
            assert key not in q["relevant"]



def test_the_set_has_the_size_and_the_mix_of_languages_and_kinds_it_promises():
    """At least 400 ideas and 300 queries; about half Russian, a third Kazakh, the rest English."""
    assert len(IDEAS) >= 400 and len(QUERIES) >= 300
    for items in (IDEAS, QUERIES):
        share = {lang: n / len(items) for lang, n in Counter(i["lang"] for i in items).items()}
        assert 0.45 <= share["ru"] <= 0.55
        assert 0.28 <= share["kk"] <= 0.38
        assert 0.12 <= share["en"] <= 0.22
    kinds = Counter(q["kind"] for q in QUERIES)
    assert set(kinds) == set(KINDS) and min(kinds.values()) >= 40
    assert 0.05 <= sum(i["lat"] is None for i in IDEAS) / len(IDEAS) <= 0.15
