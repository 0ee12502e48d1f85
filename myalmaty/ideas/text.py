"""Text helpers for ideas. Cleaning what people type is `myalmaty.core.text`, shared by all."""


def search_text(*parts: str) -> str:
    """What text search compares against: the parts case-folded, so that "Арбат" finds "арбат"
    on SQLite too (its LIKE folds ASCII only)."""
    return " ".join(part for part in parts if part).casefold()
