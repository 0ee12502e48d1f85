"""Text helpers for ideas. Cleaning what people type is `myalmaty.core.text`, shared by all."""

from myalmaty.core.text import fold_kazakh


def search_text(*parts: str) -> str:
    """What text search compares against: the parts case-folded, so that "Арбат" finds "арбат"
    on SQLite too (its LIKE folds ASCII only), and Kazakh letters folded to their nearest
    Russian ones (`core.text.fold_kazakh`), so that «кок» finds «көк»."""
    return fold_kazakh(" ".join(part for part in parts if part).casefold())
