"""The former way of finding alike ideas (overlap of four-letter stems), kept for comparison.

Text likeness is the overlap of word stems (the first four letters of each word of four or more
letters, case-folded): crude, but it works the same for Russian, Kazakh and English, whose
endings vary while the stems stay. Place is the distance on the ground. Candidates are first
narrowed in SQL to a box around the point, so the cost does not grow with the whole city.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa

from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.extensions import db

T = TypeVar("T")

WORD = re.compile(r"\w{4,}", re.UNICODE)
STEM_LENGTH = 4
EARTH_RADIUS_M = 6_371_000


def stems(text: str) -> set[str]:
    return {word[:STEM_LENGTH] for word in WORD.findall(text.casefold()) if not word.isdigit()}


def text_likeness(a: set[str], b: set[str]) -> float:
    """Overlap coefficient: shared stems over the smaller set (a short title can still match)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def _box(lat: float, lon: float, radius_m: float) -> tuple[sa.ColumnElement[bool], ...]:
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    return (Idea.lat.between(lat - dlat, lat + dlat), Idea.lon.between(lon - dlon, lon + dlon))


@dataclass(frozen=True)
class LegacySimilarIdea:
    idea: Idea
    likeness: float
    distance_m: float

    @property
    def score(self) -> float:
        """Likeness, discounted by distance: 1 km away counts half."""
        return self.likeness / (1 + self.distance_m / 1000)


def similar_ideas(
    text: str,
    lat: float | None,
    lon: float | None,
    *,
    radius_m: float = 1500,
    min_likeness: float = 0.34,
    limit: int = 5,
    exclude_ids: tuple[int, ...] = (),
    statuses: tuple[IdeaStatus, ...] = (IdeaStatus.PUBLISHED,),
) -> list[LegacySimilarIdea]:
    """Published ideas near (lat, lon) whose text is alike, best first.

    Without a point, the search is by text only over the most recent ideas.
    """
    wanted = stems(text)
    if not wanted:
        return []
    query = sa.select(Idea).where(Idea.status.in_(statuses))
    if exclude_ids:
        query = query.where(Idea.id.not_in(exclude_ids))
    if lat is not None and lon is not None:
        query = query.where(*_box(lat, lon, radius_m))
    else:
        query = query.order_by(Idea.created_at.desc()).limit(2000)
    candidates = ((idea, idea.search_text, idea.lat, idea.lon)
                  for idea in db.session.scalars(query))
    found = [LegacySimilarIdea(idea, likeness, distance) for idea, likeness, distance
             in _alike(wanted, candidates, lat, lon, radius_m, min_likeness)]
    found.sort(key=lambda s: s.score, reverse=True)
    return found[:limit]


def _alike(wanted: set[str], candidates: Iterable[tuple[T, str, float, float]],
           lat: float | None, lon: float | None, radius_m: float, min_likeness: float
           ) -> Iterator[tuple[T, float, float]]:
    """(candidate, likeness, distance) of the candidates (each with its search text and point)
    alike enough and near enough."""
    for candidate, search_text, idea_lat, idea_lon in candidates:
        likeness = text_likeness(wanted, stems(search_text))
        if likeness < min_likeness:
            continue
        distance = 0.0
        if lat is not None and lon is not None:
            distance = distance_m(lat, lon, idea_lat, idea_lon)
            if distance > radius_m:
                continue
        yield candidate, likeness, distance


def rough_matches(
    text: str,
    lat: float | None,
    lon: float | None,
    *,
    radius_m: float = 1500,
    min_likeness: float = 0.34,
    limit: int = 5,
    exclude_ids: tuple[int, ...] = (),
    max_candidates: int = 500,
) -> list[tuple[int, float, float]]:
    """The same comparison over the newest `max_candidates` published ideas (around the point,
    when there is one), reading three columns of each, not whole ideas: what answers while
    the index is being built. (idea id, likeness, distance), best first."""
    wanted = stems(text)
    if not wanted:
        return []
    query = sa.select(Idea.id, Idea.search_text, Idea.lat, Idea.lon).where(
        Idea.status == IdeaStatus.PUBLISHED)
    if exclude_ids:
        query = query.where(Idea.id.not_in(exclude_ids))
    if lat is not None and lon is not None:
        query = query.where(*_box(lat, lon, radius_m))
    rows = db.session.execute(query.order_by(Idea.id.desc()).limit(max_candidates))
    found = list(_alike(wanted, ((r[0], r[1], r[2], r[3]) for r in rows), lat, lon, radius_m,
                        min_likeness))
    found.sort(key=lambda f: f[1] / (1 + f[2] / 1000), reverse=True)
    return found[:limit]
