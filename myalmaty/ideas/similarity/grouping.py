"""Groups of alike ideas for suggested themes: the index's likeness and distance decay, not a
second measure.

Every idea is asked of the index as `search` would ask it, in one pass (`Index.alike_pairs`);
two ideas are linked when either finds the other with a score (likeness discounted by distance,
as suggestions are ranked) of at least `MIN_SCORE`. Groups then form around their best-linked
ideas: the idea with the most weight of links not yet taken opens a group with every linked
idea not yet taken (a star, not a chain: each member is alike the idea at its heart, so two
topics that share one idea between them do not run together). A group needs `MIN_IDEAS`.

Each group is labelled by its centre (`centres.centre`): the idea closest to it stands for the
group, and the centre's weightiest words, read back to the words its ideas write, are its key
words.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from myalmaty.ideas.similarity.centres import centre
from myalmaty.ideas.similarity.index import Index

RADIUS_M = 1500
DECAY_M = 1000
# Likeness discounted by distance, at least. On the labelled set (`tests/data/similarity`) 0.1
# puts half the pairs of ideas labelled as one topic at one place in one group, and 1.7 % of
# the pairs labelled as another topic at the same place (0.09: 58 % and 2.7 %).
MIN_SCORE = 0.1
MIN_IDEAS = 2
KEY_WORDS = 5


@dataclass(frozen=True)
class Group:
    # The idea closest to the centre first, then the others by closeness.
    idea_ids: tuple[int, ...]
    score: float
    key_terms: tuple[str, ...]  # word skeletons, weightiest first

    @property
    def representative_id(self) -> int:
        return self.idea_ids[0]


def _links(index: Index, among: list[int]) -> dict[tuple[int, int], float]:
    pairs = index.alike_pairs(among, radius_m=RADIUS_M)
    scores = pairs.likeness / (1 + pairs.distance_m / DECAY_M)
    strong = scores >= MIN_SCORE
    links: dict[tuple[int, int], float] = {}
    for a, b, score in zip(pairs.query[strong].tolist(), pairs.found[strong].tolist(),
                           scores[strong].tolist(), strict=True):
        key = (a, b) if a < b else (b, a)
        if score > links.get(key, 0.0):
            links[key] = score
    return links


def alike_groups(index: Index, among: Iterable[int]) -> list[Group]:
    """Groups of the ideas `among` (published ideas in the index), the largest first."""
    links = _links(index, list(among))
    neighbours: dict[int, dict[int, float]] = {}
    for (a, b), score in links.items():
        neighbours.setdefault(a, {})[b] = score
        neighbours.setdefault(b, {})[a] = score
    # Each idea's weight of links to ideas not yet taken, kept current as ideas are taken;
    # the heap holds stale entries too, recognised by their weight.
    weights = {idea: sum(near.values()) for idea, near in neighbours.items()}
    # Ties go to the older idea, so the same data always gives the same groups.
    heap = [(-w, idea) for idea, w in weights.items()]
    heapq.heapify(heap)
    taken: set[int] = set()
    stars: list[tuple[int, list[int]]] = []
    while heap:
        weight, heart = heapq.heappop(heap)
        if heart in taken or -weight != weights[heart]:
            continue
        if weights[heart] <= 0:
            break
        members = [heart, *sorted(o for o in neighbours[heart] if o not in taken)]
        taken.update(members)
        for member in members:
            for other, score in neighbours[member].items():
                if other not in taken:
                    weights[other] -= score
                    heapq.heappush(heap, (-weights[other], other))
        if len(members) >= MIN_IDEAS:
            stars.append((heart, members))
    found = []
    for heart, members in stars:
        middle = centre(index, members, closest=len(members), key_words=KEY_WORDS * 2)
        found.append(Group(middle.closest,
                           round(float(np.mean([neighbours[heart][o] for o in members[1:]])), 4),
                           tuple(index.term(t) for t, _source in middle.terms)))
    found.sort(key=lambda g: (-len(g.idea_ids), -g.score, g.idea_ids[0]))
    return found


def theme_title(key_words: list[str], fallback: Callable[[], str]) -> str:
    """A title to start from: the first key words, capitalised."""
    if not key_words:
        return fallback()
    title = ", ".join(key_words[:3])
    return title[:1].upper() + title[1:]
