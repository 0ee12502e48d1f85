"""Text helpers for ideas."""

import re

# Control characters other than tab and newline: PostgreSQL refuses NUL outright, and the
# others only ever arrive by accident or malice.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def search_text(*parts: str) -> str:
    """What text search compares against: the parts case-folded, so that "Арбат" finds "арбат"
    on SQLite too (its LIKE folds ASCII only)."""
    return " ".join(part for part in parts if part).casefold()


def clean_text(text: str | None) -> str:
    """Text as a resident meant it: Unix newlines, no control characters, no outer blanks."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def clean_line(text: str | None) -> str:
    """One line of text: any run of blanks or newlines becomes one space."""
    return " ".join(clean_text(text).split())
