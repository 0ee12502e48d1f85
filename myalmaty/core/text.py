"""Text as people meant it: the one cleaning every field and query parameter passes through.

Forms apply it to every text field (`core.forms.AppForm`); code that reads a query string
itself calls it too. So SQLite and PostgreSQL store the same thing, and PostgreSQL never sees
a NUL (it refuses them in text, which would be a server error).
"""

from __future__ import annotations

import re
import unicodedata

# Control characters (C0, DEL, C1) other than tab and newline, and lone surrogates: PostgreSQL
# refuses NUL, no encoder takes a surrogate, and the others only arrive by accident or malice.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str | None) -> str:
    """Several lines: NFC, Unix newlines, tabs kept, other control characters dropped, no outer
    blanks.

    NFC comes after dropping controls, so that a control between a letter and its combining
    mark does not keep them apart: "и", NUL, U+0306 becomes one "й", as a keyboard types it.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _CONTROL.sub("", text)).strip()


def clean_line(text: str | None) -> str:
    """One line: as `clean_text`, and any run of blanks, tabs or newlines becomes one space."""
    return " ".join(clean_text(text).split())


def name_variants(text: str) -> set[str]:
    """Spellings to try when searching a name: SQLite folds case only for ASCII letters, not
    Cyrillic, so "дана" finds "Дана" only through one of these."""
    return {text, text.lower(), text.capitalize(), text.title(), text.upper()}


# Kazakh letters as the Russian letters nearest them, so that «кок» finds «көк»: the one fold
# of Kazakh letters. Full-text search folds both the stored text and the searched words with
# it (`ideas.text.search_text`, `domain.search.search_words`); `search_key` folds with it
# before spelling the result in Latin.
KAZAKH_LETTERS = {
    "ә": "а", "і": "и", "ң": "н", "ғ": "г", "ү": "у", "ұ": "у", "қ": "к", "ө": "о", "һ": "х",
}
_KAZAKH_TABLE = str.maketrans(KAZAKH_LETTERS)


def fold_kazakh(text: str) -> str:
    """`text` (already case-folded) with Kazakh letters as their nearest Russian ones."""
    return text.translate(_KAZAKH_TABLE)


# One Latin spelling for Russian (and, through `fold_kazakh`, Kazakh) Cyrillic, so that
# "Arbat" finds "Арбат" and "Zhibek Zholy", "Jibek Joly" and "Жібек жолы" meet.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Kazakh Latin letters that lose meaning when their marks are stripped
    "ş": "sh", "ç": "ch", "ı": "i",
}
# Spellings that differ between transliteration schemes, folded to one (order matters:
# "shch" before "sh", two-letter sounds before the single letters they contain).
_SPELLINGS = (
    ("shch", "sh"), ("zh", "j"), ("dj", "j"), ("kh", "h"), ("ts", "c"), ("ch", "c"),
    ("yu", "u"), ("ya", "a"), ("yo", "o"), ("ye", "e"), ("q", "k"), ("w", "v"), ("x", "ks"),
    ("y", "i"),
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DOUBLED = re.compile(r"(.)\1+")


def search_key(text: str) -> str:
    """`text` as a search compares it: lower case Latin letters and digits, words separated
    by one space, Cyrillic transliterated and spelling variants folded (Qazybek = Kazybek,
    Abylay = Abylai, Tselinny = Целинный)."""
    letters = "".join(_CYRILLIC.get(c, c) for c in fold_kazakh(text.casefold()))
    letters = "".join(c for c in unicodedata.normalize("NFKD", letters) if not unicodedata.combining(c))
    words = []
    for word in _NOT_ALNUM.sub(" ", letters).split():
        for spelling, folded in _SPELLINGS:
            word = word.replace(spelling, folded)
        words.append(_DOUBLED.sub(r"\1", word))
    return " ".join(words)
