"""Turns the hand-written sources of the similarity evaluation set into its two JSON files.

The texts are written by hand in `tests/data/similarity/source/` (one idea or query per line);
this module only numbers them, places the points and derives the labels, so the labels follow
from two facts written next to each text: its topic tag and its place. Ideas with the same tag
at the same place are duplicates of one another; the relevant ideas of a query follow from that, and its
"near, other topic" ideas are those within 300 m. Run `python -m tests.similarity.build_eval_data`
after editing a source; `test_eval_data.py` fails while the JSON files lag behind.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "similarity"
SOURCE = DATA / "source"
NEAR_M = 300.0
FAR_M = 3000.0
KINDS = (
    "paraphrase_same_place",
    "cross_language",
    "typos_forms",
    "transliteration",
    "same_topic_far",
    "same_place_other_topic",
)
SAME_PLACE_KINDS = KINDS[:4]

# Real places of Almaty (lat, lon): a point of each idea lies within about 140 m of its place.
PLACES: dict[str, tuple[float, float]] = {
    "arbat": (43.2617, 76.9440),  # Жибек Жолы, the pedestrian "Arbat"
    "panfilov": (43.2587, 76.9537),  # Park of the 28 Panfilov Guardsmen, Zenkov cathedral
    "zelbazar": (43.2656, 76.9530),  # Green Bazaar
    "oldsquare": (43.2570, 76.9445),  # Old square (Astana square), Tole bi / Panfilov
    "republic": (43.2381, 76.9455),  # Republic square
    "palace": (43.2388, 76.9565),  # Palace of the Republic, Abay / Dostyk, lower cable car
    "koktobe": (43.2330, 76.9770),  # top of Kok-Tobe
    "gorkypark": (43.2597, 76.9710),  # Central park (Gorky park)
    "samal": (43.2325, 76.9515),  # Samal-2
    "esentai": (43.2185, 76.9275),  # Esentai river at Al-Farabi
    "botsad": (43.2225, 76.9145),  # Main botanical garden
    "atakent": (43.2275, 76.9040),  # Atakent, Timiryazev
    "stadium": (43.2385, 76.9190),  # Central stadium, Abay / Baitursynov
    "almaty2": (43.2720, 76.9410),  # Almaty-2 station
    "sayakhat": (43.2733, 76.9555),  # Sayakhat bus station
    "remizovka": (43.2055, 76.9590),  # Remizovka, foothills
    "kamenskoe": (43.1880, 76.9680),  # Kamenskoe plateau
    "medeu": (43.1597, 77.0560),  # Medeu, the road below the rink
    "baoroad": (43.1200, 76.9520),  # road to the Big Almaty Lake in the gorge
    "bao": (43.0510, 76.9850),  # Big Almaty Lake
    "sairan": (43.2385, 76.8705),  # Sairan lake
    "tastak": (43.2500, 76.8830),  # Tastak
    "aksai": (43.2330, 76.8310),  # Aksai
    "mamyr": (43.2130, 76.8530),  # Mamyr
    "orbita": (43.1985, 76.8850),  # Orbita
    "ppark": (43.1875, 76.8895),  # First President's park
    "baraholka": (43.2630, 76.8600),  # Barakholka market
    "kalkaman": (43.2400, 76.7950),  # Kalkaman
    "shanyrak": (43.3050, 76.8380),  # Shanyrak, Alatau district
    "almaty1": (43.3395, 76.9445),  # Almaty-1 station, Turksib district
    "pervomay": (43.3210, 77.0090),  # Pervomaiskie ponds
    "ainabulak": (43.2960, 76.9230),  # Ainabulak, Zhetysu district
    "nurkent": (43.2790, 76.8150),  # Nurkent, Alatau district
}

# Topic tags and the category each one belongs to.
TAGS: dict[str, str] = {
    "mural": "public-art",
    "graffiti_wall": "public-art",
    "transformer": "public-art",
    "sculpture": "public-art",
    "popup_gallery": "public-art",
    "stage": "music-performance",
    "busk_spots": "music-performance",
    "park_concerts": "music-performance",
    "dance": "music-performance",
    "bike_lane": "walking-cycling",
    "bike_parking": "walking-cycling",
    "crosswalk": "walking-cycling",
    "pedestrian_street": "walking-cycling",
    "toilet": "walking-cycling",
    "ramp": "walking-cycling",
    "trail_signs": "walking-cycling",
    "bus_shelter": "walking-cycling",
    "viewpoint": "walking-cycling",
    "benches": "green-courtyards",
    "shade": "green-courtyards",
    "trees": "green-courtyards",
    "aryk": "green-courtyards",
    "courtyard": "green-courtyards",
    "dog_park": "green-courtyards",
    "drinking_water": "green-courtyards",
    "quiet_zone": "green-courtyards",
    "recycling": "green-courtyards",
    "night_light": "lighting-safety",
    "underpass": "lighting-safety",
    "makers_market": "small-business-crafts",
    "craft_kiosks": "small-business-crafts",
    "food_court": "food-markets",
    "farmers": "food-markets",
    "open_workshop": "workshops-studios",
    "youth_studio": "workshops-studios",
    "book_shelf": "workshops-studios",
    "heritage_house": "heritage",
    "plaques": "heritage",
    "playground": "children-families",
    "skatepark": "children-families",
    "splash": "children-families",
    "ice_rink": "children-families",
    "cinema": "street-events",
    "festival": "street-events",
    "chess": "street-events",
}


@dataclass(frozen=True)
class Row:
    lang: str
    tag: str
    place: str
    has_point: bool
    title: str
    description: str
    kind: str = ""


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance on the ground; an equirectangular projection is exact enough within a city."""
    dy = (a[0] - b[0]) * 111_195.0
    dx = (a[1] - b[1]) * 111_195.0 * math.cos(math.radians((a[0] + b[0]) / 2))
    return math.hypot(dx, dy)


def _point(seed: str, place: str, spread_m: float) -> tuple[float, float]:
    # A fixed seed per key keeps every point where it was when the key was first written.
    rnd = random.Random(seed)
    lat, lon = PLACES[place]
    dy, dx = rnd.uniform(-spread_m, spread_m), rnd.uniform(-spread_m, spread_m)
    return (
        round(lat + dy / 111_195.0, 6),
        round(lon + dx / (111_195.0 * math.cos(math.radians(lat))), 6),
    )


def _rows(name: str, with_kind: bool) -> list[Row]:
    rows = []
    for number, line in enumerate((SOURCE / name).read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split(" | ")]
        kind = cells.pop(1) if with_kind else ""
        if len(cells) != 5:
            raise ValueError(f"{name}:{number}: expected 5 or 6 cells, got {len(cells)}")
        lang, tag, place, title, description = cells
        has_point = not place.startswith("~")
        place = place.lstrip("~")
        if lang not in ("ru", "kk", "en") or tag not in TAGS or place not in PLACES:
            raise ValueError(f"{name}:{number}: unknown language, tag or place")
        if with_kind and kind not in KINDS:
            raise ValueError(f"{name}:{number}: unknown kind {kind}")
        rows.append(Row(lang, tag, place, has_point, title, description, kind))
    return rows


def build() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    ideas: list[dict[str, object]] = []
    facts: dict[str, Row] = {}
    points: dict[str, tuple[float, float]] = {}
    counters = {"ru": 0, "kk": 0, "en": 0}
    for row in _rows("ideas.txt", with_kind=False):
        counters[row.lang] += 1
        key = f"{row.lang}-{counters[row.lang]:03d}"
        lat = lon = None
        if row.has_point:
            lat, lon = points[key] = _point(key, row.place, 100.0)
        facts[key] = row
        ideas.append({"key": key, "lang": row.lang, "category": TAGS[row.tag],
                      "title": row.title, "description": row.description,
                      "lat": lat, "lon": lon})
    queries: list[dict[str, object]] = []
    for number, q in enumerate(_rows("queries.txt", with_kind=True), 1):
        qid = f"q{number:03d}"
        point = _point(qid, q.place, 60.0) if q.has_point else None
        where = point or PLACES[q.place]
        if q.kind == "same_topic_far":
            relevant = [k for k, r in facts.items() if r.tag == q.tag
                        and metres(PLACES[r.place], where) > FAR_M]
        else:
            relevant = [k for k, r in facts.items() if r.tag == q.tag and r.place == q.place]
        near = [] if point is None else [
            k for k, p in points.items() if k not in relevant and facts[k].tag != q.tag
            and metres(p, point) <= NEAR_M]
        queries.append({"id": qid, "lang": q.lang, "kind": q.kind, "title": q.title,
                        "description": q.description,
                        "lat": point[0] if point else None, "lon": point[1] if point else None,
                        "relevant": relevant, "near_other_topic": near})
        _check(qid, q, relevant, facts)
    return ideas, queries


def _check(qid: str, q: Row, relevant: list[str], facts: dict[str, Row]) -> None:
    """Refuses a query whose labels cannot mean what its kind says."""
    same_tag = [r for r in facts.values() if r.tag == q.tag]
    if q.kind in SAME_PLACE_KINDS and not relevant:
        raise ValueError(f"{qid}: no idea with tag {q.tag} at {q.place}")
    if q.kind == "cross_language" and any(facts[k].lang == q.lang for k in relevant):
        raise ValueError(f"{qid}: a relevant idea is in the query's own language")
    if q.kind == "same_topic_far":
        if not q.has_point or not relevant:
            raise ValueError(f"{qid}: a far query needs a point and ideas on its topic")
        if any(metres(PLACES[r.place], PLACES[q.place]) <= FAR_M for r in same_tag):
            raise ValueError(f"{qid}: an idea on {q.tag} lies within 3 km")
    if q.kind == "same_place_other_topic" and (relevant or not q.has_point):
        raise ValueError(f"{qid}: {q.tag} already exists at {q.place}, or no point")


def dump(items: list[dict[str, object]]) -> str:
    """One object per line: a diff shows which idea or query changed."""
    lines = [json.dumps(item, ensure_ascii=False) for item in items]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def main() -> None:
    ideas, queries = build()
    (DATA / "ideas.json").write_text(dump(ideas), "utf-8")
    (DATA / "queries.json").write_text(dump(queries), "utf-8")
    print(f"{len(ideas)} ideas, {len(queries)} queries")


if __name__ == "__main__":
    main()
