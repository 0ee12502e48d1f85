import pytest

from myalmaty.core.i18n import best_accepted_language
from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from myalmaty.moderation import services
from tests.factories import make_idea, make_user

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,en;q=0.5", "ru"),  # werkzeug's best_match would answer "en" here
        ("kk-KZ,ru;q=0.8,en;q=0.5", "kk"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,fr;q=0.8", None),
        ("de-DE,en-US;q=0.7,ru;q=0.6", "en"),
    ],
)
def test_accept_language_is_walked_in_the_browsers_order(app, header, expected):
    with app.test_request_context(headers={"Accept-Language": header}):
        from flask import request

        assert best_accepted_language(list(request.accept_languages)) == expected


def test_russian_is_the_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ru">' in page
    assert "Идеи для креативных кварталов Алматы" in page


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("ru", "Идеи для креативных кварталов Алматы"),
        ("kk", "Алматының креативті орамдарына арналған идеялар"),
        ("en", "Ideas for Almaty's creative quarters"),
    ],
)
def test_lang_parameter_switches_and_is_remembered(client, lang, heading):
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert heading in page
    # The next page, without ?lang=, stays in the chosen language.
    assert f'<html lang="{lang}">' in client.get("/").get_data(as_text=True)


def test_unknown_lang_parameter_is_ignored(client):
    assert '<html lang="ru">' in client.get("/?lang=xx").get_data(as_text=True)


def test_browser_language_is_used_without_a_choice(client):
    page = client.get("/", headers={"Accept-Language": "kk-KZ,ru;q=0.5"}).get_data(as_text=True)
    assert '<html lang="kk">' in page


def test_a_lang_link_shows_the_language_for_the_visit_without_changing_the_account(
    app, client, auth, outbox
):
    moderator = make_user(role=Role.MODERATOR, locale="en")
    author = make_user(locale="ru")
    idea = make_idea(status=IdeaStatus.PENDING, author=author, title="Скамейки у канала")
    db.session.commit()
    auth.as_user(author)

    page = client.get("/?lang=kk").get_data(as_text=True)
    assert '<html lang="kk">' in page
    assert "Алматының креативті орамдарына арналған идеялар" in page
    db.session.refresh(author)
    assert author.locale == "ru"  # a link from anywhere must not change the account

    # The visit keeps Kazakh on the next page, without ?lang=.
    assert '<html lang="kk">' in client.get("/ideas/").get_data(as_text=True)

    # E-mails follow the saved preference, not the visit.
    services.publish_idea(moderator, idea, version=idea.version)
    db.session.commit()
    assert len(outbox) == 1
    assert "Опубликована" in outbox[0].subject


def test_a_lang_link_writes_nothing_to_the_database(app, client, auth, count_queries):
    user = make_user(locale="ru")
    db.session.commit()
    auth.as_user(user)
    with count_queries() as counter:
        client.get("/?lang=en")
    assert [s for s in counter.statements if s.lstrip().upper().startswith(WRITES)] == []


def test_only_the_profile_form_changes_the_saved_language(app, client, auth):
    user = make_user(locale="ru", display_name="Aidos")
    db.session.commit()
    auth.as_user(user)
    client.get("/?lang=en")
    response = client.post("/account/profile", data={"display_name": "Aidos", "locale": "kk"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.locale == "kk"
    # The saved choice is shown at once, even though the visit had chosen English before.
    assert '<html lang="kk">' in client.get("/").get_data(as_text=True)


def test_the_visits_choice_wins_over_the_saved_language(app, client, auth):
    user = make_user(locale="kk")
    db.session.commit()
    auth.as_user(user)
    client.get("/?lang=en")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_profile_language_wins_over_the_browser(app, client, auth):
    user = make_user(locale="kk")
    db.session.commit()
    auth.as_user(user)
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="kk">' in page


def test_language_switcher_keeps_the_query(client):
    page = client.get("/?page=2").get_data(as_text=True)
    assert "/?page=2&amp;lang=kk" in page


def test_dates_are_formatted_for_the_locale(app):
    import datetime as dt

    from flask_babel import force_locale, format_date

    with app.test_request_context():
        with force_locale("ru"):
            assert format_date(dt.date(2018, 7, 21), "long") .replace("\u202f", " ") == "21 июля 2018 г."
        with force_locale("en"):
            assert format_date(dt.date(2018, 7, 21), "long") == "July 21, 2018"
        with force_locale("kk"):
            assert "2018" in format_date(dt.date(2018, 7, 21), "long")
            assert "шілде" in format_date(dt.date(2018, 7, 21), "long").lower()


@pytest.mark.parametrize(("lang", "expected"), [
    ("ru", {"one": "{count} идея", "few": "{count} идеи", "many": "{count} идей"}),
    ("kk", {"one": "{count} идея", "other": "{count} идея"}),
    ("en", {"one": "{count} idea", "other": "{count} ideas"}),
])
def test_a_plural_message_reaches_scripts_in_every_plural_category_of_the_language(app, lang, expected):
    from flask_babel import ngettext

    from myalmaty.core.i18n import plural_forms

    with app.test_request_context(f"/?lang={lang}"):
        app.preprocess_request()
        forms = plural_forms(lambda n: ngettext("%(count)s idea", "%(count)s ideas", n, count="{count}"))
    assert forms == expected


def test_every_map_frame_carries_leaflets_texts_in_the_pages_language(client, app):
    import json
    import re
    from html import unescape

    from tests.factories import make_user

    user = make_user()
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    page = client.get("/ideas/new?lang=kk").get_data(as_text=True)
    frame = re.search(r'<div class="map-frame[^>]*>', page).group(0)
    attributes = {name: unescape(value) for name, value in re.findall(r'data-([\w-]+)="([^"]*)"', frame)}
    assert attributes["text-zoom-in"] == "Жақындату"
    assert attributes["text-zoom-out"] == "Алыстату"
    assert json.loads(attributes["text-ideas"]) == {"one": "{count} идея", "other": "{count} идея"}


@pytest.mark.parametrize(("lang", "expected"), [
    ("ru", "Обязательное поле."),
    ("kk", "Бұл өріс міндетті түрде керек."),
    ("en", "This field is required."),
])
def test_the_forms_own_messages_follow_the_page_language(app, lang, expected):
    """wtforms' messages are read once per language, and each page still gets its own."""
    from werkzeug.datastructures import MultiDict

    from myalmaty.ideas.forms import CommentForm

    for first in ("ru", "kk", "en"):  # another language asked before in the same process
        with app.test_request_context(f"/?lang={first}"):
            app.preprocess_request()
            CommentForm(formdata=MultiDict()).validate()
    with app.test_request_context(f"/?lang={lang}"):
        app.preprocess_request()
        form = CommentForm(formdata=MultiDict())
        assert not form.validate()
    assert form.errors["body"] == [expected]


# Texts as templates write them: a plain one, one with an escaped variable, a literal percent
# sign, a plural block and a plural call.
TEMPLATE_TEXTS = (
    '{{ _("Ideas") }}|{{ _("Suggested by %(name)s", name="<b>Ана</b>") }}|{{ _("100%%") }}|'
    "{% trans count=3 %}{{ count }} support{% pluralize %}{{ count }} supports{% endtrans %}|"
    '{{ ngettext("%(num)d similar idea nearby", "%(num)d similar ideas nearby", 5) }}'
)


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_pages_translate_as_flask_babels_own_template_functions(app, lang):
    """A page's texts, translated once per render, read as flask-babel's functions (which
    templates rendered outside a request still use) would render them."""
    from flask import render_template_string

    with app.test_request_context(f"/?lang={lang}"):
        app.preprocess_request()
        rendered = render_template_string(TEMPLATE_TEXTS)
        assert rendered == app.jinja_env.from_string(TEMPLATE_TEXTS).render()
    assert "&lt;b&gt;Ана&lt;/b&gt;" in rendered and "100%|" in rendered
    if lang != "en":
        assert not rendered.startswith("Ideas|")


def test_a_page_looks_its_translations_up_once(app, monkeypatch):
    from flask import render_template_string
    from flask_babel import Domain

    looked_up = []
    original = Domain.get_translations
    monkeypatch.setattr(Domain, "get_translations",
                        lambda self: looked_up.append(1) or original(self))
    with app.test_request_context("/?lang=kk"):
        app.preprocess_request()
        render_template_string(TEMPLATE_TEXTS * 10)
    assert len(looked_up) == 1
