"""An in-memory index of published ideas by text and place (no database access here).

Representation: each idea is a weighted bag of word skeletons and concept tokens
(`normalise`), the title counting twice the description, weighted by inverse document
frequency and L2-normalised. A query word also matches the index's words that share most of
their letter trigrams with it (Dice coefficient), weighted by that likeness: this is what
carries word endings ("скамейки" / "скамеек") and typos ("велодрожка") across, while the
index keeps one entry per distinct word of an idea, not one per character n-gram (about ten
times fewer: 100,000 ideas fit in a few tens of megabytes).

Layout: a compiled segment (an inverted index in numpy arrays, rebuilt rarely) plus a small
segment of ideas added or changed since (plain dicts), merged into the compiled one when it
grows. A removed idea is only masked out of the compiled segment until the next merge.
"""

from __future__ import annotations

import ctypes
import math
import sys
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from myalmaty.ideas.similarity.normalise import CONCEPT_PREFIX, lexicon, tokens

TITLE_WEIGHT = 2.0
DESCRIPTION_WEIGHT = 1.0
CONCEPT_WEIGHT = 3.0
# With a point, a street or landmark name says no more than the point itself.
PLACE_WEIGHT_WITH_POINT = 0.0
MIN_WORD_LIKENESS = 0.5
# Concepts (the lexicon) are what carries a topic across languages: the likeness of the
# concepts alone, so discounted, stands in when the words differ.
CONCEPT_CHANNEL = 0.6
# An idea far less alike than the best one found is another topic that shares a few words.
RELATIVE_CUT = 0.4
MERGE_AT = 2000
LOAD_BATCH = 20_000
EARTH_RADIUS_M = 6_371_000.0


def _give_back_memory() -> None:
    """Compiling frees large temporary arrays; glibc then raises its mmap threshold, so the
    next ones come from the heap and stay in the process after they are freed (300 MB more
    resident memory for a 100,000-idea build, 70 MB without). Hand that back to the system."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim this way
        pass


def _text_array(texts: list[str]) -> np.ndarray:
    """Words (no line breaks in them) as UTF-8 bytes, one a line."""
    return np.frombuffer("\n".join(texts).encode("utf-8"), dtype=np.uint8)


def _text_list(data: np.ndarray) -> list[str]:
    text = data.astype(np.uint8).tobytes().decode("utf-8")
    return text.split("\n") if text else []


def trigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def alike_words(a: str, b: str) -> bool:
    """Two word skeletons alike enough to be one word (an ending or a typo apart)."""
    ga, gb = trigrams(a), trigrams(b)
    return 2 * len(ga & gb) >= MIN_WORD_LIKENESS * (len(ga) + len(gb))


def bag(title: str, description: str) -> dict[str, float]:
    """Term → weight: field weight per occurrence, dampened (a word said five times is not
    five times the topic)."""
    raw: dict[str, float] = {}
    for text, weight in ((title, TITLE_WEIGHT), (description, DESCRIPTION_WEIGHT)):
        if not text:
            continue
        found = tokens(text)
        for word in found.words:
            raw[word] = raw.get(word, 0.0) + weight
        for concept in found.concepts:
            raw[concept] = raw.get(concept, 0.0) + weight * CONCEPT_WEIGHT
    return {term: math.sqrt(w) for term, w in raw.items()}


def distances_m(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p1, p2 = math.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - lon)
    h = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def _distances_between(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray,
                       lon2: np.ndarray) -> np.ndarray:
    """`distances_m`, pair by pair."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


@dataclass
class Hit:
    idea_id: int
    likeness: float
    distance_m: float | None
    # The query's terms this idea shares (skeletons and concept tokens).
    shared: tuple[str, ...]


@dataclass(frozen=True)
class Vectors:
    """Sparse vectors of ideas: `ids[rows[k]]` has weight `weights[k]` on term `terms[k]`."""

    ids: np.ndarray
    rows: np.ndarray
    terms: np.ndarray
    weights: np.ndarray


@dataclass
class _Fresh:
    """An idea of the fresh segment."""

    terms: np.ndarray
    weights: np.ndarray
    lat: float
    lon: float


@dataclass
class Index:
    """Published ideas by text and place. Methods are safe to call from several threads."""

    words: list[str] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)
    grams: dict[str, array] = field(default_factory=dict)
    gram_counts: array = field(default_factory=lambda: array("i"))
    concept_flags: array = field(default_factory=lambda: array("b"))
    df: np.ndarray = field(default_factory=lambda: np.zeros(1024))
    # Compiled segment.
    slot_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    lats: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lons: np.ndarray = field(default_factory=lambda: np.zeros(0))
    alive: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    norms: np.ndarray = field(default_factory=lambda: np.ones(0))
    concept_norms: np.ndarray = field(default_factory=lambda: np.ones(0))
    indptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    # The same, by idea: what a search near a point reads for the ideas around it only.
    by_slot: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    slot_terms: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    slot_weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    slots: dict[int, int] = field(default_factory=dict)
    # Fresh segment: ideas added or changed since the last merge.
    fresh: dict[int, _Fresh] = field(default_factory=dict)
    _expansions: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def __len__(self) -> int:
        return len(self.slots) + len(self.fresh)

    def fingerprint(self) -> tuple[int, int]:
        """How many ideas it holds and the sum of their ids."""
        with self._lock:
            return len(self), sum(self.slots) + sum(self.fresh)

    def memory_bytes(self) -> int:
        """What the index holds: its arrays, and its dicts with their keys (an estimate that
        leaves out the small fixed overhead of the objects)."""
        arrays = sum(a.nbytes for a in (self.df, self.slot_ids, self.lats, self.lons, self.alive,
                                        self.norms, self.concept_norms, self.indptr, self.rows,
                                        self.weights, self.by_slot, self.slot_terms,
                                        self.slot_weights))
        arrays += sum(a.itemsize * len(a) + 64 for a in (*self.grams.values(), self.gram_counts,
                                                        self.concept_flags))
        strings = sum(sys.getsizeof(w) for w in self.words)
        dicts = sum(sys.getsizeof(d) for d in (self.ids, self.grams, self.slots, self.words))
        dicts += sys.getsizeof(0) * 2 * len(self.slots) + sys.getsizeof("abc") * len(self.grams)
        fresh = sum(f.terms.nbytes + f.weights.nbytes + 200 for f in self.fresh.values())
        return arrays + strings + dicts + fresh

    # --- vocabulary ------------------------------------------------------------------------

    def _term_id(self, term: str) -> int:
        known = self.ids.get(term)
        if known is not None:
            return known
        new = len(self.words)
        self.words.append(term)
        self.ids[term] = new
        if new >= len(self.df):
            self.df = np.concatenate([self.df, np.zeros(len(self.df))])
        self.concept_flags.append(term.startswith(CONCEPT_PREFIX))
        if term.startswith(CONCEPT_PREFIX):
            self.gram_counts.append(0)
        else:
            found = trigrams(term)
            self.gram_counts.append(len(found))
            for gram in found:
                self.grams.setdefault(gram, array("i")).append(new)
            self._expansions.clear()
        return new

    def idf(self) -> np.ndarray:
        n = len(self) + 1
        return np.log(n / (self.df[:len(self.words)] + 1.0)) + 1.0

    # --- changes ---------------------------------------------------------------------------

    def _vector(self, title: str, description: str) -> tuple[np.ndarray, np.ndarray]:
        terms = bag(title, description)
        known, term_id = self.ids.get, self._term_id
        ids = [known(t) for t in terms]
        if None in ids:
            ids = [term_id(t) for t in terms]
        return np.array(ids, dtype=np.int32), np.array(list(terms.values()), dtype=np.float32)

    def put(self, idea_id: int, title: str, description: str, lat: float, lon: float) -> None:
        with self._lock:
            self._remove(idea_id)
            terms, weights = self._vector(title, description)
            self.df[terms] += 1
            self.fresh[idea_id] = _Fresh(terms, weights, lat, lon)
            if len(self.fresh) >= MERGE_AT:
                self.merge()
                _give_back_memory()

    def remove(self, idea_id: int) -> None:
        with self._lock:
            self._remove(idea_id)

    def _remove(self, idea_id: int) -> None:
        old = self.fresh.pop(idea_id, None)
        if old is not None:
            self.df[old.terms] -= 1
            return
        slot = self.slots.pop(idea_id, None)
        if slot is not None:
            self.alive[slot] = False
            # The compiled segment keeps the terms by term: finding one slot's is a scan, so
            # its document frequencies are corrected at the next merge instead.

    def load(self, ideas: Iterable[tuple[int, str, str, float, float]]) -> None:
        """Replace everything with these ideas (id, title, description, lat, lon)."""
        with self._lock:
            for idea_id, title, description, lat, lon in ideas:
                terms, weights = self._vector(title, description)
                self.fresh[idea_id] = _Fresh(terms, weights, lat, lon)
                if len(self.fresh) >= LOAD_BATCH:
                    self.merge()  # a batch at a time: the small arrays do not pile up
            if self.fresh or not len(self.slot_ids):  # not again when the last batch was full
                self.merge()
            _give_back_memory()

    def merge(self) -> None:
        """Compile the live ideas of both segments into one segment."""
        with self._lock:
            keep = np.flatnonzero(self.alive)
            counts = np.diff(self.indptr)
            term_of = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
            live = self.alive[self.rows] if len(self.rows) else np.zeros(0, dtype=bool)
            new_slot = np.full(len(self.alive), -1, dtype=np.int64)
            new_slot[keep] = np.arange(len(keep))
            old_rows, old_terms = new_slot[self.rows[live]], term_of[live]
            old_weights = self.weights[live]
            fresh = list(self.fresh.items())
            base = len(keep)
            f_rows = np.concatenate([np.full(len(f.terms), base + i, dtype=np.int64)
                                     for i, (_id, f) in enumerate(fresh)] or
                                    [np.zeros(0, dtype=np.int64)])
            f_terms = np.concatenate([f.terms for _id, f in fresh] or [np.zeros(0, np.int32)])
            f_weights = np.concatenate([f.weights for _id, f in fresh] or
                                       [np.zeros(0, np.float32)])
            rows = np.concatenate([old_rows, f_rows]).astype(np.int32)
            terms = np.concatenate([old_terms, f_terms]).astype(np.int32)
            weights = np.concatenate([old_weights, f_weights]).astype(np.float32)
            by_slot = np.lexsort((terms, rows))
            self.by_slot = np.zeros(len(keep) + len(fresh) + 1, dtype=np.int64)
            np.cumsum(np.bincount(rows, minlength=len(keep) + len(fresh)), out=self.by_slot[1:])
            self.slot_terms, self.slot_weights = terms[by_slot], weights[by_slot]
            order = np.lexsort((rows, terms))
            rows, terms, weights = rows[order], terms[order], weights[order]
            vocabulary = len(self.words)
            self.indptr = np.zeros(vocabulary + 1, dtype=np.int64)
            np.cumsum(np.bincount(terms, minlength=vocabulary), out=self.indptr[1:])
            self.rows, self.weights = rows, weights
            self.slot_ids = np.concatenate([self.slot_ids[keep],
                                            np.array([i for i, _f in fresh], dtype=np.int64)])
            self.lats = np.concatenate([self.lats[keep], np.array([f.lat for _i, f in fresh])])
            self.lons = np.concatenate([self.lons[keep], np.array([f.lon for _i, f in fresh])])
            self.alive = np.ones(len(self.slot_ids), dtype=bool)
            self.slots = {int(i): n for n, i in enumerate(self.slot_ids)}
            self.fresh = {}
            self.df = np.zeros(max(1024, vocabulary * 2))
            self.df[:vocabulary] = np.bincount(terms, minlength=vocabulary)
            idf = self.idf()
            self.norms = np.sqrt(np.bincount(rows, (weights * idf[terms]) ** 2,
                                             minlength=len(self.slot_ids)))
            self.norms[self.norms == 0] = 1.0
            concept = self._concept_mask()[terms]
            self.concept_norms = np.sqrt(np.bincount(
                rows, (weights * idf[terms] * concept) ** 2, minlength=len(self.slot_ids)))
            self.concept_norms[self.concept_norms == 0] = 1.0

    # --- kept in a file ---------------------------------------------------------------------

    _ARRAYS = ("gram_counts", "concept_flags", "df", "slot_ids", "lats", "lons", "norms",
               "concept_norms", "indptr", "rows", "weights", "by_slot", "slot_terms",
               "slot_weights")

    def arrays(self) -> dict[str, np.ndarray]:
        """Everything the index holds, as plain arrays (compiled first): what `from_arrays`
        takes back. Words and trigrams as UTF-8 text, one per line, not as Python objects."""
        with self._lock:
            if self.fresh or not self.alive.all():
                self.merge()
            grams = list(self.grams)
            found = {name: np.asarray(getattr(self, name)) for name in self._ARRAYS}
            found["gram_counts"] = np.frombuffer(self.gram_counts, dtype=np.int32).copy()
            found["concept_flags"] = self._concept_mask().copy()
            found["words"] = _text_array(self.words)
            found["grams"] = _text_array(grams)
            found["gram_terms"] = np.concatenate(
                [np.frombuffer(self.grams[g], dtype=np.int32) for g in grams] or
                [np.zeros(0, np.int32)])
            found["gram_ends"] = np.cumsum([len(self.grams[g]) for g in grams], dtype=np.int64)
            return found

    @classmethod
    def from_arrays(cls, found: dict[str, np.ndarray]) -> Index:
        """The index `arrays` gave (ValueError or KeyError when they do not fit together)."""
        words = _text_list(found["words"])
        grams = _text_list(found["grams"])
        ends = found["gram_ends"].astype(np.int64)
        terms = found["gram_terms"].astype(np.int32)
        slot_ids = found["slot_ids"].astype(np.int64)
        n, vocabulary = len(slot_ids), len(words)
        consistent = (len(ends) == len(grams) and (not len(ends) or ends[-1] == len(terms))
                      and len(found["gram_counts"]) == vocabulary
                      and len(found["concept_flags"]) == vocabulary
                      and len(found["df"]) >= vocabulary
                      and len(found["indptr"]) == vocabulary + 1
                      and len(found["by_slot"]) == n + 1
                      and all(len(found[k]) == n for k in ("lats", "lons", "norms",
                                                            "concept_norms"))
                      and int(found["indptr"][-1]) == len(found["rows"]) == len(found["weights"])
                      and int(found["by_slot"][-1]) == len(found["slot_terms"])
                      == len(found["slot_weights"]))
        if not consistent:
            raise ValueError("the arrays do not fit together")
        starts = np.concatenate([np.zeros(1, np.int64), ends[:-1]])
        index = cls(
            words=words, ids={w: i for i, w in enumerate(words)},
            grams={g: array("i", terms[a:b].tobytes())
                   for g, a, b in zip(grams, starts.tolist(), ends.tolist(), strict=True)},
            gram_counts=array("i", found["gram_counts"].astype(np.int32).tobytes()),
            concept_flags=array("b", found["concept_flags"].astype(np.int8).tobytes()),
            df=found["df"].astype(np.float64), slot_ids=slot_ids,
            lats=found["lats"].astype(np.float64), lons=found["lons"].astype(np.float64),
            alive=np.ones(n, dtype=bool), norms=found["norms"].astype(np.float64),
            concept_norms=found["concept_norms"].astype(np.float64),
            indptr=found["indptr"].astype(np.int64), rows=found["rows"].astype(np.int32),
            weights=found["weights"].astype(np.float32),
            by_slot=found["by_slot"].astype(np.int64),
            slot_terms=found["slot_terms"].astype(np.int32),
            slot_weights=found["slot_weights"].astype(np.float32),
            slots={int(i): k for k, i in enumerate(slot_ids)})
        return index

    def _concept_mask(self) -> np.ndarray:
        return np.frombuffer(self.concept_flags, dtype=np.int8).view(bool)

    # --- vectors ---------------------------------------------------------------------------

    def vectors(self, idea_ids: Iterable[int]) -> Vectors:
        """These ideas' vectors as the search compares them (weights times idf, unit length),
        one row per idea found in the index (others are left out)."""
        with self._lock:
            idf = self.idf()
            found: list[int] = []
            compiled: list[int] = []
            parts_terms: list[np.ndarray] = []
            parts_weights: list[np.ndarray] = []
            fresh_rows: list[int] = []
            for idea_id in idea_ids:
                entry = self.fresh.get(idea_id)
                if entry is not None:
                    fresh_rows.append(len(found))
                    parts_terms.append(entry.terms)
                    parts_weights.append(entry.weights)
                    found.append(idea_id)
                elif idea_id in self.slots:
                    compiled.append(self.slots[idea_id])
                    found.append(idea_id)
            lengths = np.zeros(len(found), dtype=np.int64)
            fresh_at = np.array(fresh_rows, dtype=np.int64)
            compiled_at = np.setdiff1d(np.arange(len(found)), fresh_at)
            slots = np.array(compiled, dtype=np.int64)
            starts, ends = self.by_slot[slots], self.by_slot[slots + 1]
            lengths[compiled_at] = ends - starts
            lengths[fresh_at] = [len(t) for t in parts_terms]
            total = int(lengths[compiled_at].sum())
            positions = np.repeat(starts - np.cumsum(ends - starts) + (ends - starts),
                                  ends - starts) + np.arange(total)
            # Rows in the order the ideas were found: compiled and fresh interleaved.
            order = np.argsort(np.concatenate([np.repeat(compiled_at, ends - starts),
                                               np.repeat(fresh_at, lengths[fresh_at])]),
                               kind="stable")
            terms = np.concatenate([self.slot_terms[positions], *parts_terms]).astype(np.int64)
            weights = np.concatenate([self.slot_weights[positions], *parts_weights])
            terms, weights = terms[order], weights[order].astype(np.float64) * idf[terms[order]]
            rows = np.repeat(np.arange(len(found)), lengths)
            norms = np.sqrt(np.bincount(rows, weights ** 2, minlength=len(found)))
            norms[norms == 0] = 1.0
            return Vectors(np.array(found, dtype=np.int64), rows, terms, weights / norms[rows])

    def term(self, term_id: int) -> str:
        return self.words[term_id]

    # --- queries ---------------------------------------------------------------------------

    def expand(self, word: str) -> list[tuple[int, float]]:
        """The index's words like `word`: (term id, likeness), likeness ≥ MIN_WORD_LIKENESS."""
        known = self._expansions.get(word)
        if known is not None:
            return known
        grams = trigrams(word)
        lists = [np.frombuffer(self.grams[g], dtype=np.int32) for g in grams if g in self.grams]
        found: list[tuple[int, float]] = []
        if lists:
            shared = np.bincount(np.concatenate(lists), minlength=len(self.words))
            candidates = np.flatnonzero(shared * 2 >= MIN_WORD_LIKENESS * (len(grams) + 1))
            totals = np.frombuffer(self.gram_counts, dtype=np.int32)[candidates] + len(grams)
            dice = 2 * shared[candidates] / totals
            good = dice >= MIN_WORD_LIKENESS
            found = [(int(t), float(d)) for t, d in zip(candidates[good], dice[good],
                                                         strict=True)]
        if len(self._expansions) > 50_000:
            self._expansions.clear()
        self._expansions[word] = found
        return found

    def search(
        self,
        title: str,
        description: str = "",
        lat: float | None = None,
        lon: float | None = None,
        *,
        radius_m: float = 1500,
        min_likeness: float = 0.09,
        limit: int = 5,
        exclude: Iterable[int] = (),
        decay_m: float = 1000,
    ) -> list[Hit]:
        with self._lock:
            return self._search(title, description, lat, lon, radius_m, min_likeness, limit,
                                set(exclude), decay_m)

    def _query(self, title: str, description: str, with_point: bool
               ) -> tuple[dict[int, float], dict[int, str], float, float]:
        """Coefficients per term id, which query term each came from, the query's norm and
        the norm of its concepts."""
        idf = self.idf()
        top_idf = math.log(len(self) + 1) + 1.0
        lex = lexicon()
        coefficients: dict[int, float] = {}
        origin: dict[int, str] = {}
        norm2 = concept_norm2 = 0.0
        for term, weight in bag(title, description).items():
            if with_point and lex.is_place(term):
                weight *= PLACE_WEIGHT_WITH_POINT
            if term.startswith(CONCEPT_PREFIX):
                matches = [(self.ids[term], 1.0)] if term in self.ids else []
            else:
                matches = self.expand(term)
            best_idf = top_idf
            if matches:
                best = max(matches, key=lambda m: m[1])
                best_idf = float(idf[best[0]])
            norm2 += (weight * best_idf) ** 2
            if term.startswith(CONCEPT_PREFIX):
                concept_norm2 += (weight * best_idf) ** 2
            for term_id, likeness in matches:
                value = weight * likeness * float(idf[term_id])
                if value > coefficients.get(term_id, 0.0):
                    coefficients[term_id] = value
                    origin[term_id] = term
        return coefficients, origin, math.sqrt(norm2) or 1.0, math.sqrt(concept_norm2) or 1.0

    def _search(self, title: str, description: str, lat: float | None, lon: float | None,
                radius_m: float, min_likeness: float, limit: int, exclude: set[int],
                decay_m: float) -> list[Hit]:
        with_point = lat is not None and lon is not None
        coefficients, origin, q_norm, q_concept_norm = self._query(title, description,
                                                                   with_point)
        if not coefficients:
            return []
        idf = self.idf()
        term_ids = np.fromiter(coefficients, dtype=np.int64, count=len(coefficients))
        values = np.fromiter(coefficients.values(), dtype=np.float64, count=len(coefficients))
        candidates: list[tuple[int, float, float | None]] = []
        scores = self._scores_near(term_ids, values, q_norm, q_concept_norm, lat, lon,
                                   radius_m) if with_point else \
            self._scores_all(term_ids, values, q_norm, q_concept_norm)
        if scores is not None:
            scores[~self.alive] = 0.0
            for idea_id in exclude:
                if idea_id in self.slots:
                    scores[self.slots[idea_id]] = 0.0
            slots = np.flatnonzero(scores >= min_likeness)
            distances = np.zeros(len(slots))
            if with_point and len(slots):
                distances = distances_m(lat, lon, self.lats[slots], self.lons[slots])  # type: ignore[arg-type]
                inside = distances <= radius_m
                slots, distances = slots[inside], distances[inside]
            # Only the best few are turned into Python objects, however many ideas match.
            ranks = np.minimum(scores[slots], 1.0) / (1 + distances / decay_m)
            if len(slots):
                best_likeness = float(scores[slots].max())
                candidates.append((-1, best_likeness, None))
            if len(slots) > limit:
                top = np.argpartition(-ranks, limit)[:limit]
                slots, distances = slots[top], distances[top]
            for slot, distance in zip(slots, distances, strict=True):
                candidates.append((int(self.slot_ids[slot]), float(scores[slot]),
                                   float(distance) if with_point else None))
        for idea_id, entry in self.fresh.items():
            if idea_id in exclude:
                continue
            concept = self._concept_mask()[entry.terms]
            weighted = (entry.weights * idf[entry.terms]) ** 2
            norm = float(np.sqrt(weighted.sum())) or 1.0
            concept_norm = float(np.sqrt((weighted * concept).sum())) or 1.0
            products = [float(w) * coefficients.get(int(t), 0.0)
                        for t, w in zip(entry.terms, entry.weights, strict=True)]
            likeness = max(sum(products) / norm / q_norm,
                           CONCEPT_CHANNEL * sum(p for p, c in zip(products, concept, strict=True)
                                                 if c) / concept_norm / q_concept_norm)
            if likeness < min_likeness:
                continue
            away: float | None = None
            if lat is not None and lon is not None:
                away = float(distances_m(lat, lon, np.array([entry.lat]),
                                         np.array([entry.lon]))[0])
                if away > radius_m:
                    continue
            candidates.append((idea_id, likeness, away))
        if candidates:
            best = max(c[1] for c in candidates)
            candidates = [c for c in candidates if c[1] >= RELATIVE_CUT * best and c[0] >= 0]
        candidates.sort(key=lambda c: -(min(c[1], 1.0) / (1 + (c[2] or 0.0) / decay_m)))
        return [Hit(idea_id, min(likeness, 1.0), distance,
                    self._shared(idea_id, coefficients, origin))
                for idea_id, likeness, distance in candidates[:limit]]

    def _combine(self, rows: np.ndarray, products: np.ndarray, concept: np.ndarray,
                 norms: np.ndarray, concept_norms: np.ndarray, q_norm: float,
                 q_concept_norm: float) -> np.ndarray:
        scores = np.bincount(rows, products, minlength=len(norms)) / norms / q_norm
        concept_scores = np.bincount(rows, products * concept, minlength=len(norms))
        concept_scores = concept_scores / concept_norms / q_concept_norm
        return np.maximum(scores, CONCEPT_CHANNEL * concept_scores)

    def _scores_all(self, term_ids: np.ndarray, values: np.ndarray, q_norm: float,
                    q_concept_norm: float) -> np.ndarray | None:
        """Every compiled idea's likeness, from the postings of the query's terms."""
        known = term_ids < len(self.indptr) - 1
        compiled = term_ids[known]
        if not len(compiled) or not len(self.slot_ids):
            return None
        starts, ends = self.indptr[compiled], self.indptr[compiled + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if not total:
            return None
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        products = self.weights[positions] * np.repeat(values[known], lengths)
        concept = np.repeat(self._concept_mask()[compiled], lengths)
        return self._combine(self.rows[positions], products, concept, self.norms,
                             self.concept_norms, q_norm, q_concept_norm)

    def _scores_near(self, term_ids: np.ndarray, values: np.ndarray, q_norm: float,
                     q_concept_norm: float, lat: float | None, lon: float | None,
                     radius_m: float) -> np.ndarray | None:
        """The likeness of the compiled ideas in the box around the point (others: 0), read
        idea by idea, so the cost follows the ideas around the point, not the whole city."""
        if not len(self.slot_ids) or lat is None or lon is None:
            return None
        dlat = radius_m / 111_320
        dlon = radius_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))
        near = np.flatnonzero((np.abs(self.lats - lat) <= dlat) & (np.abs(self.lons - lon) <= dlon)
                              & self.alive)
        scores = np.zeros(len(self.slot_ids))
        if not len(near):
            return scores
        wanted = np.zeros(len(self.words))
        known = term_ids < len(wanted)
        wanted[term_ids[known]] = values[known]
        starts, ends = self.by_slot[near], self.by_slot[near + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        terms = self.slot_terms[positions]
        products = self.slot_weights[positions] * wanted[terms]
        local = np.repeat(np.arange(len(near)), lengths)
        scores[near] = self._combine(local, products, self._concept_mask()[terms],
                                     self.norms[near], self.concept_norms[near], q_norm,
                                     q_concept_norm)
        return scores

    def _shared(self, idea_id: int, coefficients: dict[int, float], origin: dict[int, str]
                ) -> tuple[str, ...]:
        """The query's terms that this idea has (or has a word like)."""
        entry = self.fresh.get(idea_id)
        if entry is not None:
            present = {int(t) for t in entry.terms}
        else:
            slot = self.slots[idea_id]
            present = set()
            for term_id in coefficients:
                if term_id >= len(self.indptr) - 1:
                    continue
                segment = self.rows[self.indptr[term_id]:self.indptr[term_id + 1]]
                at = np.searchsorted(segment, slot)
                if at < len(segment) and segment[at] == slot:
                    present.add(term_id)
        terms = {origin[t] for t in present if t in coefficients}
        return tuple(sorted(terms))

    # --- every idea at once ----------------------------------------------------------------

    def alike_pairs(self, among: Iterable[int], *, radius_m: float = 1500,
                    min_likeness: float = 0.09) -> Pairs:
        """What `search` answers for each idea of `among`, asked with its own words and point,
        over the other ideas of `among`, in one pass: every (idea, alike idea) pair within
        `radius_m`, with the likeness and distance `search` gives it (the relative cut
        included). The same coefficients, norms and concept channel, worked out by blocks of
        the map instead of one query at a time (tests hold the two to the same figures)."""
        with self._lock:
            if self.fresh or not self.alive.all():
                self.merge()
            wanted = np.zeros(len(self.slot_ids), dtype=bool)
            slots = [self.slots[i] for i in among if i in self.slots]
            wanted[slots] = True
            chosen = np.flatnonzero(wanted)
            if len(chosen) < 2:
                return Pairs.empty()
            return self._alike_pairs(chosen, radius_m, min_likeness)

    def _query_postings(self, chosen: np.ndarray, idf: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each chosen idea as `_query` makes a query of its words (with a point): postings
        (query slot, term, coefficient) by slot, and the query norms."""
        lex = lexicon()
        mask = self._concept_mask()
        starts, ends = self.by_slot[chosen], self.by_slot[chosen + 1]
        lengths = ends - starts
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + \
            np.arange(int(lengths.sum()))
        q_slot = np.repeat(chosen, lengths)
        terms = self.slot_terms[positions]
        weights = self.slot_weights[positions].astype(np.float64)
        distinct = np.unique(terms)
        place = np.zeros(len(self.words), dtype=bool)
        place[distinct] = [lex.is_place(self.words[t]) for t in distinct]
        weights = np.where(place[terms], weights * PLACE_WEIGHT_WITH_POINT, weights)
        # A query term matches itself best (likeness 1), so its norm uses its own idf.
        own = (weights * idf[terms]) ** 2
        q_norms = np.sqrt(np.bincount(q_slot, own, minlength=len(self.slot_ids)))
        q_concept_norms = np.sqrt(np.bincount(q_slot, own * mask[terms],
                                              minlength=len(self.slot_ids)))
        q_norms[q_norms == 0] = 1.0
        q_concept_norms[q_concept_norms == 0] = 1.0
        # Expansions of every distinct term, as (term, like term, likeness).
        src: list[np.ndarray] = []
        dst: list[np.ndarray] = []
        like: list[np.ndarray] = []
        for term in distinct:
            word = self.words[term]
            found = [(int(term), 1.0)] if mask[term] else self.expand(word)
            if found:
                src.append(np.full(len(found), term, dtype=np.int64))
                dst.append(np.fromiter((f[0] for f in found), np.int64, len(found)))
                like.append(np.fromiter((f[1] for f in found), np.float64, len(found)))
        e_src = np.concatenate(src) if src else np.zeros(0, np.int64)
        order = np.argsort(e_src, kind="stable")
        e_src, e_dst = e_src[order], (np.concatenate(dst) if dst else e_src)[order]
        e_like = (np.concatenate(like) if like else np.zeros(0))[order]
        first = np.searchsorted(e_src, terms, "left")
        count = np.searchsorted(e_src, terms, "right") - first
        at = np.repeat(first - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        p_slot = np.repeat(q_slot, count)
        p_term = e_dst[at]
        p_value = np.repeat(weights, count) * e_like[at] * idf[p_term]
        keep = p_value > 0
        p_slot, p_term, p_value = p_slot[keep], p_term[keep], p_value[keep]
        # The best coefficient per (query, term), as `_query` keeps it.
        order = np.lexsort((-p_value, p_term, p_slot))
        p_slot, p_term, p_value = p_slot[order], p_term[order], p_value[order]
        first_of = np.ones(len(p_slot), dtype=bool)
        first_of[1:] = (p_slot[1:] != p_slot[:-1]) | (p_term[1:] != p_term[:-1])
        return p_slot[first_of], p_term[first_of], p_value[first_of], q_norms, q_concept_norms

    def _alike_pairs(self, chosen: np.ndarray, radius_m: float, min_likeness: float) -> Pairs:
        idf = self.idf()
        mask = self._concept_mask()
        q_slot, q_term, q_value, q_norms, q_concept_norms = self._query_postings(chosen, idf)
        q_start = np.searchsorted(q_slot, chosen, "left")
        q_end = np.searchsorted(q_slot, chosen, "right")
        # Blocks of the map a radius wide: an idea's alike ideas lie in its block or the
        # eight around it.
        lat0 = float(self.lats[chosen].mean())
        cell_lat = radius_m / 111_320
        cell_lon = radius_m / (111_320 * max(math.cos(math.radians(lat0)), 0.01))
        rows = np.floor(self.lats[chosen] / cell_lat).astype(np.int64)
        cols = np.floor(self.lons[chosen] / cell_lon).astype(np.int64)
        cells: dict[tuple[int, int], list[int]] = {}
        for n, key in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
            cells.setdefault(key, []).append(n)
        out_q: list[np.ndarray] = []
        out_d: list[np.ndarray] = []
        out_like: list[np.ndarray] = []
        out_dist: list[np.ndarray] = []
        for (row, col), members in cells.items():
            here = np.array(members, dtype=np.int64)
            around = np.concatenate([np.array(cells.get((row + dr, col + dc), []), dtype=np.int64)
                                     for dr in (-1, 0, 1) for dc in (-1, 0, 1)])
            q_slots, d_slots = chosen[here], chosen[around]
            # The neighbours' postings, by term.
            starts, ends = self.by_slot[d_slots], self.by_slot[d_slots + 1]
            lengths = ends - starts
            positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + \
                np.arange(int(lengths.sum()))
            d_local = np.repeat(np.arange(len(d_slots)), lengths)
            d_terms = self.slot_terms[positions]
            d_weights = self.slot_weights[positions].astype(np.float64)
            order = np.argsort(d_terms, kind="stable")
            d_local, d_terms, d_weights = d_local[order], d_terms[order], d_weights[order]
            # The queries' postings.
            lengths = q_end[here] - q_start[here]
            positions = np.repeat(q_start[here] - np.cumsum(lengths) + lengths, lengths) + \
                np.arange(int(lengths.sum()))
            qq_local = np.repeat(np.arange(len(q_slots)), lengths)
            qq_terms, qq_values = q_term[positions], q_value[positions]
            # Join on the term.
            first = np.searchsorted(d_terms, qq_terms, "left")
            count = np.searchsorted(d_terms, qq_terms, "right") - first
            at = np.repeat(first - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
            pair_q = np.repeat(qq_local, count)
            pair_d = d_local[at]
            products = np.repeat(qq_values, count) * d_weights[at]
            concept = mask[d_terms[at]]
            size = len(q_slots) * len(d_slots)
            pair_key = pair_q * len(d_slots) + pair_d
            text = np.bincount(pair_key, products, minlength=size)
            # Only the pairs that share a term go further, row by row (the flat order).
            shared = np.flatnonzero(text)
            qi, di = np.divmod(shared, len(d_slots))
            concepts = np.bincount(pair_key, products * concept, minlength=size)[shared]
            q_of, d_of = q_slots[qi], d_slots[di]
            likeness = np.maximum(
                text[shared] / self.norms[d_of] / q_norms[q_of],
                CONCEPT_CHANNEL * concepts / self.concept_norms[d_of] / q_concept_norms[q_of])
            keep = (likeness >= min_likeness) & (q_of != d_of)
            qi, di, q_of, d_of, likeness = qi[keep], di[keep], q_of[keep], d_of[keep], \
                likeness[keep]
            distance = _distances_between(self.lats[q_of], self.lons[q_of], self.lats[d_of],
                                          self.lons[d_of])
            keep = distance <= radius_m
            qi, q_of, d_of, likeness, distance = qi[keep], q_of[keep], d_of[keep], \
                likeness[keep], distance[keep]
            if not len(qi):
                continue
            starts = np.flatnonzero(np.r_[True, qi[1:] != qi[:-1]])
            best = np.maximum.reduceat(likeness, starts)
            keep = likeness >= RELATIVE_CUT * np.repeat(best, np.diff(np.r_[starts, len(qi)]))
            out_q.append(self.slot_ids[q_of[keep]])
            out_d.append(self.slot_ids[d_of[keep]])
            out_like.append(np.minimum(likeness[keep], 1.0))
            out_dist.append(distance[keep])
        if not out_q:
            return Pairs.empty()
        return Pairs(np.concatenate(out_q), np.concatenate(out_d), np.concatenate(out_like),
                     np.concatenate(out_dist))


@dataclass(frozen=True)
class Pairs:
    """Alike ideas: `query[k]` finds `found[k]` with `likeness[k]` at `distance_m[k]`."""

    query: np.ndarray
    found: np.ndarray
    likeness: np.ndarray
    distance_m: np.ndarray

    @classmethod
    def empty(cls) -> Pairs:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))

    def __len__(self) -> int:
        return len(self.query)
