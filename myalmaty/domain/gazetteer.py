"""Finding a place by name for the maps' search box: well-known places of Almaty from our own
data file (myalmaty/data/gazetteer.json, no geocoding service) and the creative quarters in use.

Names are compared through `core.text.search_key`, so case, Kazakh letters and the usual Latin
spellings of Cyrillic names do not matter: "Arbat" finds "Арбат", "Qazybek" finds "Казыбек би".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from myalmaty.core.text import search_key
from myalmaty.domain.lookups import active_quarters

GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "gazetteer.json"
LANGUAGES = ("ru", "kk", "en")

# What a place is: the order in which equally good matches are listed, and how close the map
# comes to show it (a district needs a wider view than a monument).
KINDS = ("quarter", "landmark", "square", "park", "street", "metro", "microdistrict", "district")
ZOOM = {"district": 13, "microdistrict": 15, "street": 16, "quarter": 16}
DEFAULT_ZOOM = 17

# Words every street or district has; "улица Абая" should find Abai Avenue ("проспект Абая").
_GENERIC = frozenset(search_key(word) for word in (
    "улица ул проспект пр просп бульвар площадь микрорайон микрорайоны мкр район станция метро "
    "көшесі даңғылы бульвары алаңы шағын ауданы аудандары бекеті "
    "street st avenue ave boulevard square microdistrict microdistricts district metro station"
).split())

MIN_QUERY = 2
MAX_QUERY = 100
MAX_RESULTS = 8


@dataclass(frozen=True)
class Place:
    id: str
    kind: str
    names: dict[str, str]
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names["en"]

    @property
    def zoom(self) -> int:
        return ZOOM.get(self.kind, DEFAULT_ZOOM)


@lru_cache(maxsize=1)
def gazetteer() -> tuple[Place, ...]:
    data = json.loads(GAZETTEER.read_text(encoding="utf-8"))
    return tuple(
        Place(id=entry["id"], kind=entry["kind"], names=dict(entry["name"]),
              lat=float(entry["lat"]), lon=float(entry["lon"]),
              aliases=tuple(entry.get("aliases", ())))
        for entry in data["places"]
    )


def _words(key: str) -> list[str]:
    return [word for word in key.split() if word not in _GENERIC] or key.split()


@lru_cache(maxsize=2048)
def _name_keys(name: str) -> tuple[tuple[str, ...], str]:
    words = _words(search_key(name))
    return tuple(words), "".join(words)


def match_rank(query: str, names: Iterable[str]) -> int | None:
    """How well a (search-keyed) query matches the best of `names`: 0 the whole name, 1 its
    beginning, 2 the beginnings of its words, 3 somewhere inside; None not at all."""
    query_words = _words(query)
    joined = "".join(query_words)
    best: int | None = None
    for name in names:
        words, whole = _name_keys(name)
        if whole == joined:
            rank = 0
        elif whole.startswith(joined):
            rank = 1
        elif all(any(word.startswith(q) for word in words) for q in query_words):
            rank = 2
        elif len(joined) >= 4 and joined in whole:
            rank = 3
        else:
            continue
        best = rank if best is None else min(best, rank)
    return best


def find_places(query: str, locale: str, limit: int = MAX_RESULTS) -> list[Place]:
    """The places whose name in any language (or a common other spelling) matches `query`,
    best first. The quarters come from the database, as organisers drew them."""
    key = search_key(query)
    if not key:
        return []
    quarters = [
        Place(id=f"quarter-{q.slug}", kind="quarter",
              names={"ru": q.name_ru, "kk": q.name_kk, "en": q.name_en},
              lat=q.centre_lat, lon=q.centre_lon)
        for q in active_quarters()
    ]
    found: list[tuple[int, int, str, Place]] = []
    for place in (*quarters, *gazetteer()):
        rank = match_rank(key, (*place.names.values(), *place.aliases))
        if rank is not None:
            found.append((rank, KINDS.index(place.kind), place.name(locale).casefold(), place))
    found.sort(key=lambda item: item[:3])
    return [item[3] for item in found[:limit]]
