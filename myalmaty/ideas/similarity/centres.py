"""The centre of a set of ideas in the similarity index, and its key words as people write them.

One measure for every place that sums ideas up (the synthesis of a recommendation or a theme,
the suggested themes): each idea is its vector as the search compares it (words and civic
concepts weighted by idf, the title over the description, unit length); the centre is their
mean; the ideas closest to it by the index's own likeness (the cosine) stand for the set, and
the centre's heaviest words are its key words. Concepts and place names are left out of the key
words (they say what links ideas or where they are, not what they ask for), and so is a word
form alike one already chosen ("скамейку" after "скамейки").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from myalmaty.ideas.similarity.index import Index, alike_words
from myalmaty.ideas.similarity.normalise import CONCEPT_PREFIX, lexicon, words

__all__ = ["Centre", "centre", "readable_words"]


@dataclass(frozen=True)
class Centre:
    """The ids closest to the centre, best first, and its heaviest words (term ids), each with
    the idea that weighs it most."""

    closest: tuple[int, ...]
    terms: tuple[tuple[int, int], ...]


def centre(index: Index, idea_ids: Sequence[int], *, closest: int, key_words: int) -> Centre:
    """Ideas missing from the index are left out; ties (two ideas saying the same) go to the
    older idea, so the same ideas always give the same answer."""
    vectors = index.vectors(idea_ids)
    n = len(vectors.ids)
    if not n:
        return Centre((), ())
    terms, at = np.unique(vectors.terms, return_inverse=True)
    mean = np.bincount(at, vectors.weights, minlength=len(terms)) / n
    length = float(np.sqrt((mean ** 2).sum())) or 1.0
    likeness = np.bincount(vectors.rows, vectors.weights * mean[at], minlength=n) / length
    order = np.lexsort((vectors.ids, -np.round(likeness, 9)))
    best = tuple(int(vectors.ids[i]) for i in order[:closest])

    lex = lexicon()
    chosen: list[tuple[int, int]] = []
    chosen_words: list[str] = []
    for k in np.argsort(-mean, kind="stable"):
        word = index.term(int(terms[k]))
        if word.startswith(CONCEPT_PREFIX) or lex.is_place(word) \
                or any(alike_words(word, w) for w in chosen_words):
            continue
        holders = np.flatnonzero(at == k)
        source = holders[np.argmax(vectors.weights[holders])]
        chosen.append((int(terms[k]), int(vectors.ids[vectors.rows[source]])))
        chosen_words.append(word)
        if len(chosen) == key_words:
            break
    return Centre(best, tuple(chosen))


def readable_words(terms: Iterable[str], texts: Iterable[str], limit: int) -> list[str]:
    """Each term (a word skeleton) as the texts write it most often, lower-cased; terms no text
    writes are left out."""
    wanted = list(dict.fromkeys(terms))
    forms: dict[str, Counter[str]] = {term: Counter() for term in wanted}
    for text in texts:
        for written, folded in words(text):
            if folded in forms:
                forms[folded][written.casefold()] += 1
    shown: list[str] = []
    for term in wanted:
        counted = forms[term]
        if counted:
            word = min(counted, key=lambda w: (-counted[w], w))
            if word not in shown:
                shown.append(word)
        if len(shown) >= limit:
            break
    return shown
