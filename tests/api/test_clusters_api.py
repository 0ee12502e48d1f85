"""GET /api/ideas/clusters: the map's view of every published idea, bounded at any number."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from myalmaty.api import clusters
from myalmaty.domain.ideas import IdeaStage, IdeaStatus
from myalmaty.extensions import db
from myalmaty.ideas import queries
from myalmaty.ideas.filters import IdeaFilters, Sort
from tests.factories import make_category, make_idea, make_quarter

CITY = "76.80,43.15,77.10,43.35"
WORLD = "-180,-85,180,85"


@pytest.fixture
def spread(app):
    """60 published ideas over the centre, in two categories and three stages, and a few
    that the map must never show."""
    rng = random.Random(7)
    culture = make_category(slug="culture", name_en="Culture")
    parks = make_category(slug="parks", name_en="Parks")
    panfilov = make_quarter(slug="panfilov")
    stages = [IdeaStage.NEW, IdeaStage.IN_PROGRESS, IdeaStage.DONE]
    for n in range(60):
        make_idea(title=f"Idea {n} cinema" if n % 4 == 0 else f"Idea {n}",
                  category=culture if n % 2 else parks,
                  quarter=panfilov if n % 3 == 0 else None, stage=stages[n % 3],
                  lat=43.20 + rng.random() * 0.08, lon=76.85 + rng.random() * 0.12)
    for status in (IdeaStatus.PENDING, IdeaStatus.HIDDEN, IdeaStatus.REJECTED):
        make_idea(status=status, category=culture)
    db.session.commit()


def view(client, query: str) -> dict:
    response = client.get(f"/api/ideas/clusters?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def shown(data: dict) -> int:
    return sum(c["count"] for c in data["clusters"]) + len(data["points"])


@pytest.fixture
def clustering(monkeypatch):
    """Clusters already at a few dozen ideas (the real thresholds need hundreds)."""
    monkeypatch.setattr(clusters, "POINTS_UP_TO", 5)


def test_a_city_view_is_clusters_with_count_centre_and_bounds(client, spread, clustering):
    data = view(client, f"bbox={CITY}&zoom=12&lang=en")
    assert data["total"] == 60 and not data["truncated"]
    assert data["clusters"]
    for cluster in data["clusters"]:
        assert set(cluster) == {"count", "centre", "bounds"}
        assert cluster["count"] >= 2
        min_lon, min_lat, max_lon, max_lat = cluster["bounds"]
        lon, lat = cluster["centre"]
        assert min_lon <= lon <= max_lon and min_lat <= lat <= max_lat
    for point in data["points"]:  # a cell holding one idea shows the idea
        assert set(point) == {"id", "point", "title", "category", "stage"}


def test_few_ideas_in_view_come_one_by_one_as_slim_features(client, spread):
    data = view(client, f"bbox={CITY}&zoom=12&lang=en")
    assert data["clusters"] == []
    assert len(data["points"]) == 60
    point = data["points"][0]
    assert point["category"] in {"Culture", "Parks"}
    assert point["stage"] in {"new", "in_progress", "done"}
    assert "@" not in json.dumps(data)


@pytest.mark.parametrize("query", [
    "", "category=culture", "stage=in_progress", "quarter=panfilov", "quarter=none", "q=cinema",
    "category=parks&stage=done&quarter=none",
])
def test_the_map_the_list_and_the_api_count_the_same_ideas(client, spread, clustering, query):
    args = dict(pair.split("=") for pair in query.split("&") if pair)
    filters = IdeaFilters(category=args.get("category", ""), quarter=args.get("quarter", ""),
                          stage=IdeaStage(args["stage"]) if "stage" in args else None,
                          q=args.get("q", ""))
    listed = queries.published_page(filters, Sort.NEWEST, 1, 10).total
    api = len(client.get(f"/api/ideas?{query}").get_json()["features"])
    for zoom in (3, 10, 12, 14, 16, 18):
        data = view(client, f"bbox={WORLD}&zoom={zoom}&{query}")
        assert shown(data) == data["total"] == listed == api, zoom
    assert listed > 0


def test_every_idea_is_reachable_by_zooming_in(client, spread, clustering):
    for feature in client.get("/api/ideas").get_json()["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        box = f"{lon - 0.0005},{lat - 0.0005},{lon + 0.0005},{lat + 0.0005}"
        data = view(client, f"bbox={box}&zoom=18")
        assert feature["id"] in {p["id"] for p in data["points"]}


def test_from_the_zoom_of_a_street_every_idea_comes_one_by_one(client, spread, clustering):
    data = view(client, f"bbox={CITY}&zoom=18")
    assert data["clusters"] == [] and len(data["points"]) == 60
    assert view(client, f"bbox={CITY}&zoom=17")["clusters"]


def test_the_answer_stays_bounded_whatever_the_number_of_ideas(client, spread, monkeypatch):
    monkeypatch.setattr(clusters, "POINTS_UP_TO", 5)
    monkeypatch.setattr(clusters, "MAX_CELLS", 6)
    monkeypatch.setattr(clusters, "MAX_POINTS", 6)
    for zoom in (0, 12, 18, 22):
        for box in (CITY, WORLD):
            data = view(client, f"bbox={box}&zoom={zoom}")
            assert len(data["clusters"]) + len(data["points"]) <= 6
            if not data["truncated"]:
                assert shown(data) == 60


def test_queries_stay_constant_as_ideas_grow(client, spread, clustering, count_queries):
    with count_queries() as few:
        view(client, f"bbox={CITY}&zoom=14")
    for n in range(40):
        make_idea(lat=43.21 + n * 0.001, lon=76.86 + n * 0.002)
    db.session.commit()
    with count_queries() as many:
        assert view(client, f"bbox={CITY}&zoom=14")["total"] == 100
    assert many.count == few.count <= 5


def test_a_published_idea_changes_the_etag_and_an_unchanged_view_is_a_304(client, spread):
    path = f"/api/ideas/clusters?bbox={CITY}&zoom=12"
    etag = client.get(path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    idea = make_idea(status=IdeaStatus.PENDING)
    db.session.commit()
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304  # not shown
    idea.status = IdeaStatus.PUBLISHED
    db.session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["total"] == 61


def test_hiding_a_published_idea_changes_the_etag(client, spread):
    path = "/api/ideas?stage=done"
    etag = client.get(path).headers["ETag"]
    idea = db.session.scalars(db.select(clusters.Idea).where(
        clusters.Idea.status == IdeaStatus.PUBLISHED)).first()
    idea.status = IdeaStatus.HIDDEN
    db.session.commit()
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize(("query", "parameter"), [
    ("zoom=12", "bbox"),
    (f"bbox={CITY}", "zoom"),
    (f"bbox={CITY}&zoom=23", "zoom"),
    (f"bbox={CITY}&zoom=-1", "zoom"),
    (f"bbox={CITY}&zoom=1.5", "zoom"),
    ("bbox=1,2,3&zoom=3", "bbox"),
    (f"bbox={CITY}&zoom=3&category=unknown", "category"),
])
def test_bad_views_get_a_json_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/api/ideas/clusters?lang=kk&{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == parameter


def test_json_is_gzipped_for_clients_that_accept_it(client, spread):
    plain = client.get("/api/ideas")
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    packed = client.get("/api/ideas", headers={"Accept-Encoding": "br, gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert packed.headers["ETag"] == plain.headers["ETag"]


def test_small_answers_are_not_compressed(client):
    response = client.get("/api/ideas/999999", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers


def test_a_view_asked_again_is_served_from_the_body_built_first(client, spread, count_queries):
    path = f"/api/ideas/clusters?bbox={CITY}&zoom=12"
    first = client.get(path, headers={"Accept-Encoding": "gzip"})
    with count_queries() as again:
        packed = client.get(path, headers={"Accept-Encoding": "gzip"})
        plain = client.get(path)
    assert again.count == 2  # the change marker, once per request
    assert packed.get_data() == first.get_data()
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert packed.headers["ETag"] == plain.headers["ETag"]
    make_idea(lat=43.21, lon=76.86)
    db.session.commit()
    assert client.get(path).get_json()["total"] == 61
