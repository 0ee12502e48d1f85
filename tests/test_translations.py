"""Every string found by extraction is translated, not fuzzy, in every language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from myalmaty.cli import TRANSLATIONS, extract_messages


@pytest.fixture(scope="module")
def extracted_ids(tmp_path_factory) -> set[str]:
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    extract_messages(pot)
    with open(pot, "rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_catalogue_is_complete(extracted_ids, language):
    path = Path(TRANSLATIONS) / language / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as f:
        catalog = read_po(f, locale=language)
    messages = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}
    missing = sorted(extracted_ids - messages.keys())
    untranslated = sorted(
        key
        for key, m in messages.items()
        if not (all(m.string) if isinstance(m.string, tuple) else m.string)
    )
    fuzzy = sorted(key for key, m in messages.items() if m.fuzzy)
    assert missing == [], f"{language}: not in the catalogue"
    assert untranslated == [], f"{language}: untranslated"
    assert fuzzy == [], f"{language}: fuzzy"


def test_kazakh_is_written_in_cyrillic():
    path = Path(TRANSLATIONS) / "kk" / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as f:
        catalog = read_po(f, locale="kk")
    kazakh_letters = set("әғқңөұүһі")
    text = " ".join(m.string if isinstance(m.string, str) else " ".join(m.string)
                    for m in catalog if m.id)
    assert kazakh_letters & set(text.lower()), "Kazakh catalogue has no Kazakh letters"
