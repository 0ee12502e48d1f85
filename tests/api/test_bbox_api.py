"""GET /api/ideas?bbox=…: the ideas in a box, read by ranges of the finest grid cells, are
exactly those a plain comparison of coordinates finds, wherever the box's edges fall."""

from __future__ import annotations

import math
import random

import pytest

from myalmaty.core import grid
from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests.factories import make_category, make_idea, make_user

LEVEL = grid.BOX_LEVEL
# A corner of cells of the finest level in the centre of Almaty: its column's west edge and
# its row's north edge, as longitude and latitude.
X, Y = grid.cell_key(43.2383, 76.9456, LEVEL) // (1 << LEVEL), \
    grid.cell_key(43.2383, 76.9456, LEVEL) % (1 << LEVEL)


def _edge_lon(x: int) -> float:
    return x / (1 << LEVEL) * 360.0 - 180.0


def _edge_lat(y: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / (1 << LEVEL)))))


EDGE_LONS = [_edge_lon(X + dx) for dx in range(-2, 4)]
EDGE_LATS = [_edge_lat(Y + dy) for dy in range(-2, 4)]
NUDGES = (-1e-7, 0.0, 1e-7)


@pytest.fixture
def ideas_on_edges(app):
    """Published ideas on the cells' edges, a hair either side of them, and between them;
    and one of each other status on an edge (never in an answer)."""
    author, category = make_user(), make_category(slug="culture")
    points = [(lat + a, lon + b) for lat in EDGE_LATS for lon in EDGE_LONS
              for a in NUDGES for b in NUDGES]
    points += [((EDGE_LATS[n] + EDGE_LATS[n + 1]) / 2, (EDGE_LONS[n] + EDGE_LONS[n + 1]) / 2)
               for n in range(len(EDGE_LATS) - 1)]
    ideas = [make_idea(lat=lat, lon=lon, author=author, category=category)
             for lat, lon in points]
    for status in (IdeaStatus.PENDING, IdeaStatus.HIDDEN, IdeaStatus.REJECTED):
        make_idea(status=status, lat=EDGE_LATS[2], lon=EDGE_LONS[2], author=author,
                  category=category)
    db.session.commit()
    return {idea.id: (idea.lat, idea.lon) for idea in ideas}


def _answer(client, box: tuple[float, float, float, float]) -> list[int]:
    bbox = ",".join(repr(v) for v in box)
    response = client.get(f"/api/ideas?bbox={bbox}")
    assert response.status_code == 200
    return [feature["id"] for feature in response.get_json()["features"]]


def _plain(points: dict[int, tuple[float, float]], box: tuple[float, float, float, float]):
    min_lon, min_lat, max_lon, max_lat = box
    return sorted(id_ for id_, (lat, lon) in points.items()
                  if min_lon <= lon <= max_lon and min_lat <= lat <= max_lat)


def _boxes() -> list[tuple[float, float, float, float]]:
    """Boxes whose edges lie on cells' edges, a hair either side, or anywhere between."""
    rng = random.Random(18)
    lons = [lon + nudge for lon in EDGE_LONS for nudge in NUDGES]
    lats = [lat + nudge for lat in EDGE_LATS for nudge in NUDGES]
    boxes = []
    for _ in range(60):
        west, east = sorted(rng.sample(lons, 2))
        south, north = sorted(rng.sample(lats, 2))
        boxes.append((west, south, east, north))
    for _ in range(20):
        west, east = sorted(rng.uniform(EDGE_LONS[0], EDGE_LONS[-1]) for _ in range(2))
        south, north = sorted(rng.uniform(EDGE_LATS[-1], EDGE_LATS[0]) for _ in range(2))
        boxes.append((west, south, east, north))
    # A point's box; a line of longitude; the whole city; the whole world (past the most
    # ranges a box is read by, neighbouring columns share one).
    boxes += [(EDGE_LONS[2], EDGE_LATS[2], EDGE_LONS[2], EDGE_LATS[2]),
              (EDGE_LONS[2], EDGE_LATS[-1], EDGE_LONS[2], EDGE_LATS[0]),
              (76.75, 43.10, 77.15, 43.40), (-180.0, -90.0, 180.0, 90.0)]
    return boxes


def test_a_box_holds_what_a_plain_comparison_of_coordinates_finds(client, ideas_on_edges):
    for box in _boxes():
        assert _answer(client, box) == _plain(ideas_on_edges, box), box


def test_a_box_answers_in_one_query_of_the_ideas_whatever_its_width(client, ideas_on_edges,
                                                                    count_queries):
    for box in ((EDGE_LONS[1], EDGE_LATS[3], EDGE_LONS[3], EDGE_LATS[1]),
                (-180.0, -90.0, 180.0, 90.0)):
        with count_queries() as counted:
            assert _answer(client, box)
        reading_ideas = [s for s in counted.statements if "ideas" in s]
        assert len(reading_ideas) == 1
        assert len(counted.statements) <= 2  # and the change marker


def test_filters_narrow_a_box(client, ideas_on_edges):
    other = make_category(slug="parks")
    inside = make_idea(title="Skating rink", lat=EDGE_LATS[2], lon=EDGE_LONS[2], category=other)
    db.session.commit()
    box = ",".join(repr(v) for v in (EDGE_LONS[1], EDGE_LATS[3], EDGE_LONS[3], EDGE_LATS[1]))
    for query in (f"category=parks&bbox={box}", f"q=skating&bbox={box}"):
        features = client.get(f"/api/ideas?{query}").get_json()["features"]
        assert [f["id"] for f in features] == [inside.id]
