"""Text → comparable tokens, the same way for Russian, Kazakh and English, in either script.

Every word is folded to one Latin skeleton: case-folded; Kazakh letters folded to their nearest
Russian ones (ә→а, қ→к, ө→о, ү/ұ→у, і→и ...), so a word typed with Russian letters matches;
Cyrillic spelled out in Latin the way Almaty types it (ж→zh, ш→sh, х→h, я→ia); and the
spellings that vary in Latin collapsed (kh→h, y→i, j→zh, doubled letters → one). "Арбат" and
"Arbat", "Жибек жолы" and "Zhibek Zholy", "қала" and "кала" then become the same token.

Words cannot link "велодорожка" and "bike lane": a small hand-written lexicon of civic terms
(`myalmaty/data/similarity_lexicon.json`) adds a concept token, the same in every language,
wherever one of its phrases occurs.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

LEXICON_PATH = Path(__file__).resolve().parents[2] / "data" / "similarity_lexicon.json"
CONCEPT_PREFIX = "~"
MIN_WORD = 3

_KAZAKH = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у",
                         "һ": "х", "і": "и", "ё": "е"})
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "",
    "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # Kazakh Latin letters without a decomposition.
    "ə": "a", "ı": "i", "ß": "ss",
}
_TO_LATIN = str.maketrans(_CYRILLIC)
# Latin spellings of one sound, to one spelling (order matters: shch before sh, kh before h).
_LATIN_VARIANTS = (("shch", "sh"), ("sch", "sh"), ("kh", "h"), ("x", "ks"), ("w", "v"),
                   ("q", "k"), ("j", "zh"), ("y", "i"), ("c", "ts"), ("tts", "ts"))
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """One word's comparable form (a word already case-folded)."""
    text = word.translate(_KAZAKH).translate(_TO_LATIN)
    # ä, ö, ü, ş, ğ, ñ (Kazakh and Turkish Latin) lose their marks: a, o, u, s, g, n.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.replace("'", "").replace("’", "").replace("-", "")
    for old, new in _LATIN_VARIANTS:
        text = text.replace(old, new)
    return _DOUBLED.sub(r"\1", text)


def words(text: str) -> list[tuple[str, str]]:
    """(word as written, its skeleton) for each word of `text`, numbers left out."""
    return [(w, skeleton(w.casefold())) for w in _WORD.findall(text)]


@dataclass(frozen=True)
class Lexicon:
    stopwords: frozenset[str]
    # First word's prefix → [(the phrase's prefixes, concept token)], longest phrase first.
    phrases: dict[str, list[tuple[tuple[str, ...], str]]]
    # Skeleton prefixes that name a place: the point says where, so with a point they count less.
    places: tuple[str, ...]
    # Words (in their forms) and concepts that name where, not what: "в парке", "у базара".
    place_words: frozenset[str]
    _starts: dict[str, tuple[tuple[str, ...], list[tuple[tuple[str, ...], str]]]] = field(
        default_factory=dict)
    # Each first word's prefix → its place in `phrases`: a token's phrases are found by looking
    # up each of its beginnings, and kept in the order of `phrases`.
    _order: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._order.update((first, n) for n, first in enumerate(self.phrases))

    def starting_with(self, token: str) -> tuple[tuple[str, ...], list[tuple[tuple[str, ...], str]]]:
        """The concepts `token` alone stands for, and the longer phrases it can begin (a
        token's answer is kept: texts repeat their words)."""
        known = self._starts.get(token)
        if known is None:
            firsts = sorted((token[:n] for n in range(len(token) + 1) if token[:n] in self._order),
                            key=self._order.__getitem__)
            entries = [entry for first in firsts for entry in self.phrases[first]]
            singles = tuple(dict.fromkeys(c for prefixes, c in entries if len(prefixes) == 1))
            known = (singles, [e for e in entries if len(e[0]) > 1 and e[1] not in singles])
            if len(self._starts) < 200_000:
                self._starts[token] = known
        return known

    def is_place(self, token: str) -> bool:
        if token in self.place_words:
            return True
        return token.lstrip(CONCEPT_PREFIX).startswith(self.places) if self.places else False


def _prefixes(phrase: str) -> tuple[str, ...]:
    return tuple(skeleton(w.casefold()) for w in phrase.split())


@cache
def lexicon() -> Lexicon:
    data = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for concept, terms in data["concepts"].items():
        for term in terms:
            prefixes = _prefixes(term)
            phrases.setdefault(prefixes[0], []).append((prefixes, CONCEPT_PREFIX + concept))
    for entries in phrases.values():
        entries.sort(key=lambda e: -len(e[0]))
    stopwords = frozenset(skeleton(w.casefold()) for w in data["stopwords"])
    places = tuple(sorted({p for place in data.get("places", []) for p in _prefixes(place)[:1]}))
    place_words = frozenset(
        w if w.startswith(CONCEPT_PREFIX) else skeleton(w.casefold())
        for w in data.get("place_words", []))
    return Lexicon(stopwords=stopwords, phrases=phrases, places=places, place_words=place_words)


@dataclass(frozen=True)
class Tokens:
    """A text's comparable words (skeletons, stopwords left out) and its concept tokens."""

    words: tuple[str, ...]
    concepts: tuple[str, ...]


@lru_cache(maxsize=4096)
def tokens(text: str) -> Tokens:
    lex = lexicon()
    known = _known_words
    found = [known.get(w) or _word(lex, w) for w in _WORD.findall(text)]
    kept = tuple(f[0] for f in found if f[1])
    # Concepts: each word's own (`Lexicon.starting_with`), and those of the phrases it begins
    # when the next words start with the phrase's next prefixes.
    concepts: list[str] = []
    all_words: list[str] | None = None
    for i, (_skeleton, _kept, singles, phrases) in enumerate(found):
        if singles:
            concepts.extend(singles)
        if phrases:
            if all_words is None:
                all_words = [f[0] for f in found]
            for prefixes, concept in phrases:
                rest = all_words[i + 1:i + len(prefixes)]
                if concept not in singles and len(rest) == len(prefixes) - 1 and all(
                        t.startswith(p) for t, p in zip(rest, prefixes[1:], strict=True)):
                    concepts.append(concept)
    return Tokens(words=kept, concepts=tuple(concepts))


# A word as written → its skeleton, whether it is kept (long enough, not a stopword), and the
# terms it stands for or can begin (`Lexicon.starting_with`).
_WordFacts = tuple[str, bool, tuple[str, ...], list[tuple[tuple[str, ...], str]]]
_known_words: dict[str, _WordFacts] = {}


def _word(lex: Lexicon, word: str) -> _WordFacts:
    form = skeleton(word.casefold())
    facts = (form, len(form) >= MIN_WORD and form not in lex.stopwords,
             *lex.starting_with(form))
    if len(_known_words) < 100_000:
        _known_words[word] = facts
    return facts
