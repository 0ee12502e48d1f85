"""The glossary (translations/GLOSSARY.md) is kept: one word per concept and language, one brand.

For each concept, a message whose English names it says the chosen word in Russian and Kazakh,
and no message in any language uses a word the glossary rules out. Words are matched from a
word boundary, so a Kazakh or Russian stem matches every inflected form ("ұсыным" matches
"ұсынымдарымен"); a few phrases that use a ruled-out word in another sense are allowed by name.
The Kazakh and Russian demo data are held to the same words, and the brand is written one way
per language in catalogues, templates, code, demo data and test data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
DATA = ROOT / "myalmaty" / "data"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
CYRILLIC = re.compile("[а-яёА-ЯЁ]")


@dataclass(frozen=True)
class Term:
    """One concept. Patterns are regular expressions matched case-insensitively from a word
    boundary; `\\w*` after a stem lets any ending follow, otherwise the word ends there."""

    concept: str
    words: tuple[str, str, str]  # how GLOSSARY.md writes the chosen word: en, ru, kk
    en: str  # the English msgid names the concept
    ru: str  # ... so the Russian translation matches this
    kk: str  # ... and the Kazakh one this
    avoid: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language: ruled out
    scope: str | None = None  # rule words out only where the msgid matches this ...
    outside: str | None = None  # ... and does not match this
    allowed: tuple[str, ...] = ()  # phrases where a ruled-out word means something else
    unnamed: frozenset[str] = frozenset()  # msgids that may go without the chosen word
    # Residents' Russian may say "предложение" or "группа" as people do; the demo data's Russian
    # is held only to the words that name the platform's own things.
    russian_data: bool = False


TERMS = (
    Term("idea", ("idea", "идея", "идея"), r"ideas?", r"иде\w*", r"идея\w*",
         {"en": (r"proposals?",), "ru": (r"предложени\w*",)}),
    Term("theme", ("theme", "тема", "тақырып"), r"themes?", r"тем\w*", r"тақырып\w*|тақырыб\w*",
         {"en": (r"groups?", r"grouped", r"grouping"), "ru": (r"групп\w*",),
          "kk": (r"топ", r"топ(қа|та|тан|тың|пен|сыз|тар\w*)", r"тоб[ыаң]\w*")},
         allowed=("«қамқоршы» тобын",)),  # a resident's "group of caretakers", not a theme
    Term("title", ("title", "название", "атау"), r"titles?", r"назван\w*", r"атау\w*|атын\w*",
         {"ru": (r"заголов\w*",), "kk": (r"тақырып\w*|тақырыб\w*",)},
         scope=r"\btitles?\b|\bheadlines?\b", outside=r"\bthemes?\b"),
    Term("recommendation", ("recommendation", "рекомендация", "ұсыным"), r"recommendations?",
         r"рекомендаци\w*", r"ұсыным\w*",
         {"en": (r"advice",), "ru": (r"совет\w*",), "kk": (r"ұсыныс\w*", r"кеңес\w*")},
         allowed=("студенттер кеңес", "гранттармен және кеңеспен")),
    Term("quarter", ("quarter", "квартал", "орам"), r"quarters?", r"квартал\w*", r"орам\w*",
         {"kk": (r"квартал\w*",)}),
    Term("creative", ("creative", "креативный", "креативті"), r"creative",
         r"креативн\w*", r"креативті\w*",
         {"ru": (r"творческ\w*",), "kk": (r"шығармашыл\w*",)}, russian_data=True),
    Term("duplicate", ("duplicate", "дубликат", "көшірме"), r"duplicates?", r"дубликат\w*",
         r"көшірме\w*",
         {"ru": (r"повтор(?!и)\w*",), "kk": (r"қайталам\w*", r"қайталан\w*", r"қайталай\w*")},
         russian_data=True),
    Term("support", ("support", "поддержка", "қолдау"), r"support(s|ed)?", r"поддерж\w*|сторонник\w*",
         r"қолда\w*",
         {"en": (r"votes?", r"upvotes?"), "ru": (r"голос\w*", r"лайк\w*"), "kk": (r"дауыс\w*",)}),
    Term("supporter", ("supporter", "сторонник", "қолдаушы"), r"supporters?", r"сторонник\w*",
         r"қолдаушы\w*", {"ru": (r"поддержавш\w*",), "kk": (r"жақтаушы\w*",)}),
    Term("report", ("report", "жалоба", "шағым"), r"report(s|ed)?", r"жалоб\w*|пожал\w*",
         r"шағым\w*",
         {"en": (r"complaints?", r"flag(s|ged)?"), "ru": (r"донос\w*",), "kk": (r"арыз\w*",)}),
    Term("comment", ("comment", "комментарий", "пікір"), r"comment(s|ed)?",
         r"комментари\w*|\w*комментир\w*", r"пікір\w*",
         {"ru": (r"отзыв\w*",), "kk": (r"түсініктеме\w*", r"комментари\w*")}),
    Term("resident", ("resident", "житель", "тұрғын"), r"residents?", r"жител\w*", r"тұрғын\w*",
         {"ru": (r"граждан\w*", r"горожан\w*"), "kk": (r"азамат\w*",)},
         # A deleted account's ideas are shown as by a former participant of the platform;
         # "former resident" in ru/kk would read as someone who moved out of Almaty.
         unnamed=frozenset({
             "Former resident",
             "Your e-mail address, name and password are erased and you are signed out. Your "
             "ideas and comments stay on the platform, shown as by a former resident. This "
             "cannot be undone.",
         })),
    Term("moderator", ("moderator", "модератор", "модератор"), r"moderators?",
         r"модератор\w*", r"модератор\w*",
         {"en": (r"admins?", r"administrators?"), "ru": (r"администратор\w*",)}),
    Term("organiser", ("organiser", "организатор", "ұйымдастырушы"), r"organisers?",
         r"организатор\w*", r"ұйымдастырушы\w*",
         {"en": (r"organiz\w*",), "ru": (r"устроител\w*",), "kk": (r"ұйытқы\w*",)}),
    Term("agenda", ("agenda", "повестка", "күн тәртібі"), r"agenda", r"повестк\w*",
         r"күн тәртіб\w*", {"en": (r"programmes?",), "ru": (r"регламент\w*",), "kk": (r"жоспар\w*",)}),
    Term("stage", ("stage", "этап", "кезең"), r"stages?", r"этап\w*", r"кезең\w*",
         {"ru": (r"стади\w*",), "kk": (r"сатыс\w*",)}),
    Term("public", ("public", "публичный", "жария"), r"public", r"публичн\w*", r"жария\w*",
         {"ru": (r"открыт\w* (страниц|ответ)\w*",), "kk": (r"ашық (бет|жауап)\w*",)},
         unnamed=frozenset({"Not an idea for a public space"})),  # қоғамдық кеңістік
    Term("withdraw", ("withdraw", "отозвать", "кері алу"), r"withdr\w*", r"отозва\w*|отзыв\w*",
         r"кері ал\w*", {"kk": (r"қайтарып ал\w*",)}),
    Term("deactivate", ("deactivate", "отключить", "бұғаттау"), r"deactivat\w*", r"отключ\w*",
         r"бұғат\w*", {"ru": (r"деактив\w*",), "kk": (r"өшір\w*", r"өшіру\w*")}),
    Term("activate", ("activate", "включить", "бұғаттан шығару"), r"activate",
         r"включ\w*", r"бұғаттан шығар\w*", {"kk": (r"қосу",)}, scope=r"\bactivate\b"),
    Term("delete", ("delete", "удалить", "жою"), r"delet\w*|erased?", r"удал\w*|стёрт\w*",
         r"жо[йюя]\w*", {"ru": (r"стира\w*",), "kk": (r"өшір\w*",)}),
    Term("first small step", ("first small step", "первый маленький шаг",
                              "алғашқы кішкентай қадам"),
         r"first small step", r"перв\w* маленьк\w* шаг\w*", r"алғашқы кішкентай қадам\w*",
         {"ru": (r"небольш\w* шаг\w*",), "kk": (r"кішкене қадам\w*",)}, russian_data=True),
)

BRAND = {"en": "#MyAlmaty", "ru": "#МыАлматы", "kk": "#МыАлматы"}
# Any spelling of the brand, right or wrong: with or without "#", "My"/"Мы"/"Біз" + Almaty.
BRAND_LIKE = re.compile(r"#?(?<![\w-])(?:My|Мы|Біз)-?\s?(?:Almaty|Алматы)(?!\w)")


def _word(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)


def _catalogue(language: str) -> list[tuple[str, str]]:
    """(msgid, translation) with every plural form joined and placeholders removed."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale=language)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.append((ids[0], PLACEHOLDER.sub(" ", " | ".join(strings))))
    return pairs


CATALOGUES = {language: _catalogue(language) for language in ("ru", "kk", "en")}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _data_texts() -> list[tuple[str, str]]:
    """Every string in the shipped demo and reference data, with its file name."""
    texts = []
    for path in sorted(DATA.glob("*.json")) + sorted(DATA.glob("*.geojson")):
        texts += [(path.name, s) for s in _strings(json.loads(path.read_text("utf-8")))]
    return texts


def _language_of(text: str) -> str:
    if KAZAKH_LETTERS.search(text):
        return "kk"
    return "ru" if CYRILLIC.search(text) else "en"


def _ruled_out(term: Term, language: str, text: str) -> list[str]:
    text = text.lower()
    for phrase in term.allowed:
        text = text.replace(phrase.lower(), " ")
    return [m.group(0) for p in term.avoid.get(language, ()) for m in _word(p).finditer(text)]


def _in_scope(term: Term, msgid: str) -> bool:
    msgid = PLACEHOLDER.sub(" ", msgid)
    if term.scope and not re.search(term.scope, msgid, re.IGNORECASE):
        return False
    return not (term.outside and re.search(term.outside, msgid, re.IGNORECASE))


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.concept)
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_message_naming_the_concept_uses_the_chosen_word(term, language):
    named = _word(term.en)
    chosen = _word(getattr(term, language))
    wrong = [
        (msgid, text)
        for msgid, text in CATALOGUES[language]
        if named.search(PLACEHOLDER.sub(" ", msgid)) and msgid not in term.unnamed
        and _in_scope(term, msgid) and not chosen.search(text)
    ]
    assert wrong == []


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.concept)
@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_no_message_uses_a_ruled_out_word(term, language):
    found = [
        (msgid, words)
        for msgid, text in CATALOGUES[language]
        if _in_scope(term, msgid)
        and (words := _ruled_out(term, language, msgid if language == "en" else text))
    ]
    assert found == []


# A rule with a scope is about interface messages: a resident may write «тақырып» for a topic.
@pytest.mark.parametrize("term", [t for t in TERMS if t.scope is None], ids=lambda t: t.concept)
def test_demo_data_uses_no_ruled_out_word(term):
    found = [
        (name, words)
        for name, text in _data_texts()
        if ((language := _language_of(text)) == "kk" or language == "ru" and term.russian_data)
        and (words := _ruled_out(term, language, text))
    ]
    assert found == []


def test_the_glossary_document_lists_every_concept_with_its_words():
    rows = {}
    for line in (TRANSLATIONS / "GLOSSARY.md").read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 4:
            rows[cells[0].lower()] = cells
    for term in TERMS:
        assert term.concept in rows, term.concept
        en, ru, kk = term.words
        assert en in rows[term.concept][1], term.concept
        assert ru in rows[term.concept][2], term.concept
        assert kk in rows[term.concept][3], term.concept


def test_a_ruled_out_word_is_caught_in_any_inflected_form():
    """The rules themselves can fail: inflected and capitalised forms are found, and a longer
    word that only starts like an allowed one is not mistaken for it."""
    by_concept = {t.concept: t for t in TERMS}
    assert _ruled_out(by_concept["recommendation"], "kk", "Ұсыныстардың реті") == ["ұсыныстардың"]
    assert _ruled_out(by_concept["duplicate"], "kk", "идеяны қайталайды") == ["қайталайды"]
    assert _ruled_out(by_concept["duplicate"], "kk", "Құпиясөзді қайталаңыз") == []
    assert _ruled_out(by_concept["duplicate"], "ru", "Повторите пароль") == []
    assert _ruled_out(by_concept["theme"], "kk", "Топтар") == ["топтар"]
    assert _ruled_out(by_concept["theme"], "kk", "топырақ") == []
    assert _ruled_out(by_concept["recommendation"], "kk", "Студенттер кеңесімен") == []
    assert not _in_scope(by_concept["title"], "Theme title")
    assert _in_scope(by_concept["title"], "Title in Kazakh")
    assert BRAND_LIKE.findall("«Идей МыАлматы», #БізАлматы, #MyAlmaty, myalmaty.local") == [
        "МыАлматы", "#БізАлматы", "#MyAlmaty"]


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_catalogue_spells_the_brand_one_way(language):
    texts = [msgid if language == "en" else text for msgid, text in CATALOGUES[language]]
    forms = {form for text in texts for form in BRAND_LIKE.findall(text)}
    assert forms == {BRAND[language]}


def _source_files() -> Iterator[Path]:
    for folder, pattern in (("templates", "*.*"), ("myalmaty", "*.py"), ("tests", "*.py")):
        for path in sorted((ROOT / folder).rglob(pattern)):
            if path != Path(__file__).resolve() and "__pycache__" not in path.parts:
                yield path


def test_templates_code_demo_data_and_test_data_spell_the_brand_one_way():
    """Latin text says #MyAlmaty, Cyrillic text #МыАлматы, whatever the file."""
    wrong = []
    texts = [(str(p.relative_to(ROOT)), p.read_text("utf-8")) for p in _source_files()]
    for name, text in texts + _data_texts():
        for form in BRAND_LIKE.findall(text):
            if form not in (BRAND["en"], BRAND["ru"]):
                wrong.append((name, form))
    assert wrong == []
    assert any(BRAND["kk"] in text for _name, text in _data_texts())


def test_demo_data_in_each_language_uses_that_languages_brand():
    """A field for one language (`title_kk`) carries that language's form."""
    wrong = []
    for path in sorted(DATA.glob("*.json")) + sorted(DATA.glob("*.geojson")):
        stack: list[object] = [json.loads(path.read_text("utf-8"))]
        while stack:
            value = stack.pop()
            if isinstance(value, list):
                stack += value
            elif isinstance(value, dict):
                for key, item in value.items():
                    language = key.rsplit("_", 1)[-1]
                    if isinstance(item, str) and language in BRAND:
                        wrong += [(path.name, key, f) for f in BRAND_LIKE.findall(item)
                                  if f != BRAND[language]]
                    else:
                        stack.append(item)
    assert wrong == []
