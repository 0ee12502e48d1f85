import pytest

from myalmaty.core.i18n import best_accepted_language
from tests.factories import make_user


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


def test_signed_in_choice_is_stored_in_the_profile(app, client, auth):
    from myalmaty.extensions import db

    user = make_user(locale="ru")
    db.session.commit()
    auth.as_user(user)
    client.get("/?lang=en")
    db.session.refresh(user)
    assert user.locale == "en"


def test_profile_language_wins_over_the_browser(app, client, auth):
    from myalmaty.extensions import db

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
