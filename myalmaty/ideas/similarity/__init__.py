"""Ideas that read alike and lie close by: early duplicate warnings and grouping suggestions.

Each process keeps an index of the published ideas (`index.Index`: words folded across
scripts and Kazakh letters, a civic-terms lexicon across languages, the title counting over
the description, likeness discounted by distance). It is built once, and then kept current
from the change marker: before a search, one read of the marker; when it has moved, the ideas
marked since (`domain.similarity`) are put into or taken out of the index. So every process
and worker answers from the same published ideas without rebuilding.

Building takes a while at scale (15–20 s of one core for 100,000 ideas), so the process that
builds it keeps it in a file (`stored`, SIMILARITY_INDEX_FILE) that the next ones load instead,
and a web worker builds or loads it at start in a thread of its own (`start_warm_up`, called by
gunicorn's `post_worker_init`), not in the first request that needs it. A search that meets
that build answers at once the former way (`legacy.rough_matches`), over the newest 500 ideas
around the point: a less exact warning rather than a stalled form. One that meets another
thread's update (or a rebuild after a restore) waits for it at most `SIMILARITY_WAIT_MS`, then
uses the index as it stands (or, when there is none yet, the former way).

The former method (overlap of four-letter stems, `legacy`) stays for comparison in
`bench.similarity`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.ideas.similarity import legacy, queries, stored
from myalmaty.ideas.similarity.index import Hit, Index, alike_words
from myalmaty.ideas.similarity.legacy import distance_m, stems, text_likeness
from myalmaty.ideas.similarity.normalise import CONCEPT_PREFIX, MIN_WORD, lexicon, words

__all__ = ["IndexWarming", "SimilarIdea", "distance_m", "index_for_app", "similar_ideas",
           "start_warm_up", "stems", "text_likeness"]

log = logging.getLogger(__name__)

# Below this likeness of text, an idea is not suggested whatever its distance: ideas at the
# same place about something else share a street name and a few common words, not a topic.
MIN_LIKENESS = 0.09
_EXTENSION = "similarity_index"
# While the index is being built, at most this many ideas (the newest in the box around the
# point, or in the city) are read and compared the former way: tens of milliseconds.
FALLBACK_CANDIDATES = 500


class IndexWarming(Exception):
    """This process's index is being built and was not ready in the time given."""


@dataclass(frozen=True)
class SimilarIdea:
    idea: Idea
    likeness: float
    distance_m: float
    # Why: the idea's own words (as written, lower-cased) that the query shares, or has a word
    # or a term in another language for.
    shared_words: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        """Likeness, discounted by distance: 1 km away counts half."""
        return self.likeness / (1 + self.distance_m / 1000)


@dataclass
class _Kept:
    index: Index | None = None
    version: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The warm-up thread is building the first index: no search waits for it.
    warming: bool = False


def _kept() -> _Kept:
    return current_app.extensions.setdefault(_EXTENSION, _Kept())


def _rebuild() -> Index:
    index = Index()
    index.load((row.id, row.title, row.description, row.lat, row.lon)
               for row in queries.published_rows())
    return index


def index_for_app(wait: float | None = None) -> Index:
    """This process's index, brought up to the database's change marker.

    Another thread may hold it (building it, or bringing it up to date): `wait` is how many
    seconds to wait for it at most, then the index as it stands (a few changes behind) or,
    before there is one, `IndexWarming`; while the warm-up builds the first one, at once.
    None waits as long as it takes.
    """
    kept = _kept()
    if wait is not None and kept.warming and kept.index is None:
        raise IndexWarming
    if not kept.lock.acquire(timeout=-1 if wait is None else max(wait, 0.0)):
        if kept.index is not None:
            return kept.index
        raise IndexWarming
    try:
        return _brought_up_to_date(kept)
    finally:
        kept.lock.release()


def _brought_up_to_date(kept: _Kept) -> Index:
    version = queries.marker()
    if kept.index is None or kept.version is None or version < kept.version:
        path = _index_file()
        with stored.turn_to_build(path):
            found = stored.load(path, version, _source()) if kept.index is None else None
            if found is not None:
                kept.index, kept.version = found
                changes = _apply_changes(kept, version)
                if len(changes) >= stored.SAVE_AFTER:
                    stored.save(kept.index, path, version, _source())
            if found is None or not _matches_database(kept.index):
                if found is not None:
                    log.warning("The kept similarity index %s does not match the database: "
                                "building it", path)
                kept.index, kept.version = _rebuild(), version
                stored.save(kept.index, path, version, _source())
        assert kept.index is not None
        return kept.index
    if version == kept.version:
        return kept.index
    changes = _apply_changes(kept, version)
    # A database restored or emptied under a running process: start again.
    if changes and len(kept.index) != queries.published_count():
        kept.index = _rebuild()
    return kept.index


def _apply_changes(kept: _Kept, version: int) -> Sequence[queries.IndexedRow]:
    assert kept.index is not None and kept.version is not None
    changes = queries.changed_since(kept.version)
    for row in changes:
        if row.status is IdeaStatus.PUBLISHED:
            kept.index.put(row.id, row.title, row.description, row.lat, row.lon)
        else:
            kept.index.remove(row.id)
    kept.version = version
    return changes


def _matches_database(index: Index | None) -> bool:
    """The index holds the database's published ideas (their number and the sum of their
    ids): a file kept from before a restore, or from another database, does not."""
    return index is not None and index.fingerprint() == queries.published_fingerprint()


def _index_file() -> Path | None:
    name = current_app.config.get("SIMILARITY_INDEX_FILE")
    return Path(name) if name else None


def _source() -> str:
    """Which database the index is of (its address, without the password)."""
    from myalmaty.extensions import db

    return db.engine.url.render_as_string(hide_password=True)


def start_warm_up(app: Flask) -> threading.Thread | None:
    """Build `app`'s index in a background thread, unless SIMILARITY_WARMUP is off.

    The index is held from before this returns, so a search arriving next meets the build
    (and answers the former way at once) instead of starting a second one. Call it in each
    process that serves requests, after it is forked: a thread does not cross a fork.
    """
    if not app.config.get("SIMILARITY_WARMUP", False):
        return None
    with app.app_context():
        kept = _kept()
    kept.lock.acquire()
    kept.warming = True

    def build() -> None:
        started = time.perf_counter()
        _yield_the_processor()
        try:
            with app.app_context():
                try:
                    index = _brought_up_to_date(kept)
                    log.info("Similarity index of %d ideas ready in %.1f s", len(index),
                             time.perf_counter() - started)
                finally:
                    from myalmaty.extensions import db

                    db.session.remove()
        except Exception:  # the first search builds it instead; the worker serves on
            log.exception("Building the similarity index at start failed")
        finally:
            kept.warming = False
            kept.lock.release()

    thread = threading.Thread(target=build, name="similarity-warm-up", daemon=True)
    thread.start()
    return thread


def _yield_the_processor() -> None:
    """Every worker builds at once after a restart: on Linux, this thread (alone) gives way to
    the threads and processes that answer requests."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):  # not Linux, or not allowed: build at the usual priority
        pass


def _wait_s() -> float:
    return float(current_app.config.get("SIMILARITY_WAIT_MS", 500)) / 1000


def similar_ideas(
    text: str,
    lat: float | None,
    lon: float | None,
    *,
    description: str = "",
    radius_m: float = 1500,
    min_likeness: float = MIN_LIKENESS,
    limit: int = 5,
    exclude_ids: tuple[int, ...] = (),
    statuses: tuple[IdeaStatus, ...] = (IdeaStatus.PUBLISHED,),
) -> list[SimilarIdea]:
    """Published ideas near (lat, lon) whose text is alike, best first.

    `text` counts as a title, `description` (if given apart) less. Without a point, the
    search is by text only over every published idea.
    """
    if statuses != (IdeaStatus.PUBLISHED,):
        # The index holds published ideas only; other states are compared the former way.
        return [SimilarIdea(s.idea, s.likeness, s.distance_m) for s in legacy.similar_ideas(
            text, lat, lon, radius_m=radius_m, limit=limit, exclude_ids=exclude_ids,
            statuses=statuses)]
    try:
        hits = search(text, description, lat, lon, radius_m=radius_m, min_likeness=min_likeness,
                      limit=limit, exclude_ids=exclude_ids, wait=_wait_s())
    except IndexWarming:
        rough = legacy.rough_matches(f"{text} {description}", lat, lon, radius_m=radius_m,
                                     limit=limit, exclude_ids=exclude_ids,
                                     max_candidates=FALLBACK_CANDIDATES)
        found = queries.ideas_by_id([idea_id for idea_id, _l, _d in rough])
        return [SimilarIdea(found[idea_id], likeness, distance)
                for idea_id, likeness, distance in rough if idea_id in found]
    ideas = queries.ideas_by_id([h.idea_id for h in hits])
    return [SimilarIdea(ideas[h.idea_id], h.likeness, h.distance_m or 0.0,
                        _as_written(ideas[h.idea_id], h.shared))
            for h in hits if h.idea_id in ideas]


SHOWN_WORDS = 8


def _as_written(idea: Idea, shared: tuple[str, ...]) -> tuple[str, ...]:
    """The idea's words behind the shared terms, as the idea writes them."""
    skeletons = [t for t in shared if not t.startswith(CONCEPT_PREFIX)]
    concepts = {t for t in shared if t.startswith(CONCEPT_PREFIX)}
    lex = lexicon()
    found: dict[str, None] = {}
    written = words(f"{idea.title} {idea.description}")
    folded = [f for _w, f in written]
    for i, form in enumerate(folded):
        singles, phrases = lex.starting_with(form)
        matched = [i] if concepts.intersection(singles) else []
        for prefixes, concept in phrases:
            rest = folded[i + 1:i + len(prefixes)]
            if concept in concepts and len(rest) == len(prefixes) - 1 and all(
                    t.startswith(p) for t, p in zip(rest, prefixes[1:], strict=True)):
                matched = list(range(i, i + len(prefixes)))
        if len(form) >= MIN_WORD and form not in lex.stopwords and not lex.is_place(form) \
                and any(form == s or alike_words(form, s) for s in skeletons):
            matched.append(i)
        for n in matched:
            found.setdefault(written[n][0].casefold(), None)
        if len(found) >= SHOWN_WORDS:
            break
    return tuple(found)[:SHOWN_WORDS]


def search(
    text: str,
    description: str = "",
    lat: float | None = None,
    lon: float | None = None,
    *,
    radius_m: float = 1500,
    min_likeness: float = MIN_LIKENESS,
    limit: int = 5,
    exclude_ids: tuple[int, ...] = (),
    wait: float | None = None,
) -> list[Hit]:
    """Like `similar_ideas`, without loading the ideas: their ids, likeness and distance.

    `wait`: as for `index_for_app` (IndexWarming when the index is not ready in time)."""
    return index_for_app(wait).search(text, description, lat, lon, radius_m=radius_m,
                                  min_likeness=min_likeness, limit=limit, exclude=exclude_ids)
