"""Languages: which one a page is shown in, and how it is remembered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, has_request_context, request, session
from flask_babel import (
    format_decimal,
    format_percent,
    format_timedelta,
    get_locale,
    get_translations,
    refresh,
)
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from myalmaty.core.models import utcnow

LANGUAGES = ("ru", "kk", "en")
DEFAULT_LANGUAGE = "ru"
LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def best_accepted_language(header_values: list[tuple[str, float]]) -> str | None:
    """The first language the browser accepts that we have, walked in the browser's order.

    werkzeug's `best_match` prefers an exact tag over an earlier primary-tag match, so for
    `ru-RU,en;q=0.5` it answers `en`; residents whose browser says Russian first get Russian.
    """
    for tag, _quality in header_values:
        primary = tag.split("-")[0].split("_")[0].lower()
        if primary in LANGUAGES:
            return primary
    return None


def select_locale() -> str:
    """flask-babel's locale selector: this request's `?lang=`, then the visit's choice (the
    session), then the signed-in person's saved preference, then the browser, then Russian."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    chosen_for_visit = session.get("lang")
    if chosen_for_visit in LANGUAGES:
        return chosen_for_visit
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return best_accepted_language(list(request.accept_languages)) or DEFAULT_LANGUAGE


def remember_language_for_visit() -> None:
    """`?lang=` on any page keeps that language for the rest of the visit, in the session only.

    It never touches the saved preference (`User.locale`, which also picks the language of
    e-mails): a link from another site must not change an account. Only the profile form does.
    """
    asked = request.args.get("lang")
    if asked in LANGUAGES and session.get("lang") != asked:
        session["lang"] = asked


def current_locale() -> str:
    """The language being rendered; honours flask-babel's `force_locale` (e-mails, exports)."""
    from flask import has_app_context

    if not has_app_context():
        return DEFAULT_LANGUAGE
    return str(get_locale() or DEFAULT_LANGUAGE)


def url_with_language(code: str) -> str:
    """The current page's address with `?lang=code`, keeping its other query parameters."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    query = urlencode(args, doseq=True)
    return f"{request.path}?{query}"


def machine_time(value: dt.datetime) -> str:
    """A `<time datetime>` value: ISO 8601 to the second, with its offset (HTML's valid
    global date and time string allows no more than three decimals; whole seconds read best)."""
    return value.replace(microsecond=0).isoformat()


def plural_forms(translate: Callable[[int], str]) -> dict[str, str]:
    """A plural message for a script, in each CLDR plural category of the current language
    (Russian: one, few, many); the script picks one with `Intl.PluralRules`.

    `translate(n)` is an `ngettext` call whose number is written as the text "{count}", for
    the script to fill in: `lambda n: ngettext("%(count)s idea", "%(count)s ideas", n,
    count="{count}")`. Each category gets the message for its smallest whole number.
    """
    locale = get_locale()
    return {category: translate(n)
            for category, n in _smallest_of_each_category(str(locale) if locale else None)}


@lru_cache(maxsize=16)
def _smallest_of_each_category(language: str | None) -> tuple[tuple[str, int], ...]:
    """(plural category, its smallest whole number) for a language: the same for every page in
    it, and 200 runs of the language's plural rule cost more than the rest of a map's texts."""
    locale = Locale.parse(language) if language else None
    smallest: dict[str, int] = {}
    for n in range(200):
        category = locale.plural_form(n) if locale else ("one" if n == 1 else "other")
        smallest.setdefault(category, n)  # one translation per category, not one per number
    return tuple(smallest.items())


def bound_translations() -> dict[str, Callable[..., str]]:
    """The templates' `_`, `gettext` and `ngettext`, bound to the translations of the page's
    language once per render. flask-babel's own (jinja's globals, which templates rendered
    outside a request still use) look the language and its catalogue up on every call, which
    cost more than the translation itself on a page of a hundred texts. They behave as jinja's
    "newstyle" ones: the text is a format string, its variables escaped when autoescaping."""
    translations = get_translations()

    @pass_context
    def gettext(context: Context, string: str, /, **variables: Any) -> str:
        text = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, /,
                 **variables: Any) -> str:
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def init_app(app: Flask) -> None:
    from myalmaty.extensions import babel

    babel.init_app(app, locale_selector=select_locale)
    # flask-babel caches the locale on the application context; a request that runs inside an
    # outer context (CLI scripts, tests) must choose its own language afresh.
    app.before_request(refresh)
    app.before_request(remember_language_for_visit)
    app.jinja_env.filters.update(
        format_number=format_decimal,
        format_percent=format_percent,
        timeago=lambda value: format_timedelta(value - utcnow(), add_direction=True),
        machine_time=machine_time,
    )

    app.context_processor(bound_translations)

    @app.context_processor
    def language_context() -> dict:
        return {
            "languages": LANGUAGES,
            "language_names": LANGUAGE_NAMES,
            "current_locale": current_locale(),
            "url_with_language": url_with_language,
        }



def catalogue_problems(directory: Path, languages: tuple[str, ...] = LANGUAGES) -> list[str]:
    """What is wrong with the compiled catalogues the pages are translated from (none: []).

    flask-babel shows the English source text for a language whose `.mo` file is missing, so
    a forgotten `translate compile` would silently serve English; one compiled before the last
    change to its `.po` file would serve yesterday's wording. Production refuses to start, and
    /readyz answers 503, on either.
    """
    problems = []
    for language in languages:
        po = directory / language / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if not mo.is_file():
            problems.append(f"{language}: {mo} is missing (run `flask translate compile`)")
        elif po.is_file() and mo.stat().st_mtime < po.stat().st_mtime:
            problems.append(f"{language}: {mo} is older than its .po file "
                            "(run `flask translate compile`)")
    return problems
