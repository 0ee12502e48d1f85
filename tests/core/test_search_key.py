"""search_key: one spelling for a name however it is typed, so searches meet across scripts."""

from __future__ import annotations

import pytest

from myalmaty.core.text import search_key


@pytest.mark.parametrize(("typed", "written"), [
    ("Arbat", "Арбат"),
    ("ARBAT", "арбат"),
    ("Zhibek Zholy", "Жібек жолы"),
    ("Jibek Joly", "Жибек Жолы"),
    ("Qazybek bi", "Казыбек би"),
    ("Töle bi", "Төле би"),
    ("Abylay Khan", "Абылай хан"),
    ("Tselinny", "Целинный"),
    ("Yesentai", "Есентай"),
    ("Kok-Tobe", "Кок-Тобе"),
    ("Shevchenko", "Шевченко"),
])
def test_latin_spellings_meet_the_cyrillic_name(typed, written):
    assert search_key(typed) == search_key(written)


def test_kazakh_letters_fold_to_their_plain_latin_sound():
    assert search_key("Әуезов Қонаев Өтепов Ұлы Үй Ғалым Ңң Һ І") == "auezov konaev otepov uli ui galim n h i"


def test_punctuation_and_blanks_only_separate_words():
    assert search_key("  «Кок-Тобе»,\tпарк!! ") == "kok tobe park"
    assert search_key("!!!") == ""


def test_different_names_stay_different():
    assert search_key("Абай") != search_key("Абылай")
    assert search_key("Samal-1") != search_key("Samal-2")


def test_kazakh_letters_fold_to_the_nearest_russian_ones_before_any_spelling():
    from myalmaty.core.text import fold_kazakh

    assert fold_kazakh("әіңғүұқөһ") == "аингуукох"
    assert search_key("көк") == search_key("кок")
