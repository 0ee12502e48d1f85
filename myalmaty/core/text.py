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
