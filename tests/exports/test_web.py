"""The organisers' export page and download: access, the file, and refused filters."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from myalmaty.core.permissions import PermissionDenied, Role
from myalmaty.exports.filters import ExportFilters
from myalmaty.exports.services import PLATFORM, ExportFormat, export_ideas
from myalmaty.extensions import db
from tests.exports.conftest import csv_ids, read_csv
from tests.factories import make_recommendation, make_user

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User
    from tests.conftest import AuthActions

ROUTES = ["/organise/exports", "/organise/exports/download?format=csv"]


def _sign_in(auth: AuthActions, role: Role | None) -> User | None:
    if role is None:
        return None
    user = make_user(role=role)
    db.session.commit()
    auth.as_user(user)
    return user


@pytest.mark.parametrize("url", ROUTES)
@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), (Role.RESIDENT, 403), (Role.MODERATOR, 403), (Role.ORGANISER, 200)],
    ids=["anonymous", "resident", "moderator", "organiser"],
)
def test_only_organisers_reach_exports(world, client, auth, url, role, status):
    _sign_in(auth, role)
    response = client.get(url)
    assert response.status_code == status
    if role is None:
        assert "/account/login" in response.headers["Location"]
    if status != 200:
        assert b"\xef\xbb\xbf" not in response.data  # no export leaks with the error page
    response.close()


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.MODERATOR])
def test_the_export_service_refuses_anyone_but_an_organiser(app, role):
    actor = make_user(role=role) if role else None
    with pytest.raises(PermissionDenied):
        export_ideas(actor, ExportFormat.CSV, ExportFilters())


def test_the_command_line_exports_as_the_platform(app):
    export = export_ideas(PLATFORM, ExportFormat.CSV, ExportFilters(), locale="en")
    assert b"".join(export.chunks).startswith(b"\xef\xbb\xbfNumber,")


def test_organiser_downloads_a_dated_streamed_file(world, client, auth):
    _sign_in(auth, Role.ORGANISER)
    response = client.get("/organise/exports/download?format=csv&language=en&quarter=west")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    assert re.fullmatch(r"attachment; filename=myalmaty-ideas-en-west-\d{4}-\d\d-\d\d\.csv",
                        response.headers["Content-Disposition"])
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"\xef\xbb\xbfNumber,")
    assert csv_ids(response.data) == {world.bikes.id, world.formula.id}


@pytest.mark.parametrize(
    ("fmt", "mimetype", "extension"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        ("geojson", "application/geo+json", "geojson"),
        ("html", "text/html", "html"),
        ("pack", "application/zip", "zip"),
    ],
)
def test_every_format_downloads_from_the_page(world, client, auth, fmt, mimetype, extension):
    _sign_in(auth, Role.ORGANISER)
    response = client.get(f"/organise/exports/download?format={fmt}&forum={world.forum.id}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Type"].count("charset") <= 1
    assert re.fullmatch(rf"attachment; filename=myalmaty-[a-z-]+-forum{world.forum.id}-ru-"
                        rf"\d{{4}}-\d\d-\d\d\.{extension}", response.headers["Content-Disposition"])
    assert len(response.data) > 100


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("format=csv&language=ru", "myalmaty-ideas-ru-all-{day}.csv"),
        ("format=csv&language=kk", "myalmaty-ideas-kk-all-{day}.csv"),
        ("format=xlsx&language=en&forum={forum}", "myalmaty-ideas-forum{forum}-en-{day}.xlsx"),
        ("format=csv&language=ru&forum={forum}&quarter=centre&category=culture&group={group}"
         "&recommendation={rec}&stage=selected_for_forum&since=2020-01-01&until=2030-12-31",
         "myalmaty-ideas-forum{forum}-ru-centre-culture-theme{group}-rec{rec}-selected-for-forum"
         "-from-2020-01-01-to-2030-12-31-{day}.csv"),
        ("format=geojson&language=en&quarter=west", "myalmaty-ideas-en-west-{day}.geojson"),
        ("format=html&language=kk", "myalmaty-ideas-map-kk-all-{day}.html"),
        ("format=pack&language=ru&forum={forum}", "myalmaty-pack-forum{forum}-ru-{day}.zip"),
    ],
)
def test_file_names_tell_forum_language_filters_and_day_apart(world, client, auth, query, name):
    from myalmaty.core.models import utcnow

    _sign_in(auth, Role.ORGANISER)
    values = {"forum": world.forum.id, "group": world.courtyards.id, "rec": world.believe.id,
              "day": utcnow().astimezone(ZoneInfo("Asia/Almaty")).date().isoformat()}
    response = client.get("/organise/exports/download?" + query.format(**values))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=" + name.format(**values)
    response.close()


def test_a_name_outside_ascii_gets_an_ascii_fallback_and_an_rfc5987_name():
    from myalmaty.exports.routes import attachment_names

    assert attachment_names("myalmaty-ideas-ru-all.csv") == {"filename": "myalmaty-ideas-ru-all.csv"}
    assert attachment_names("идеи-café.csv") == {
        "filename": "-cafe.csv",
        "filename*": "UTF-8''%D0%B8%D0%B4%D0%B5%D0%B8-caf%C3%A9.csv",
    }


def test_choosing_the_files_language_does_not_switch_the_sites(world, client, auth):
    organiser = _sign_in(auth, Role.ORGANISER)
    response = client.get("/organise/exports/download?format=csv&language=kk")
    assert "Атауы" in response.data.decode("utf-8-sig").splitlines()[0]
    db.session.refresh(organiser)
    assert organiser.locale == "ru"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("quarter=atlantis", "quarter", "Нет квартала с кратким именем «atlantis»."),
        ("since=21.07.2018", "since", "«21.07.2018» — не дата; укажите её в виде ГГГГ-ММ-ДД."),
        ("stage=finished", "stage", "«finished» — не этап"),
        ("format=docx", "format", "Выберите один из форматов в списке."),
        ("forum=²", "forum", "Нет форума с номером «²»."),
        ("format=pack", "forum", "Пакет для обсуждения собирается для одного форума: выберите форум."),
    ],
)
def test_invalid_filters_come_back_to_the_form_with_a_translated_message(
    world, client, auth, query, field, message
):
    _sign_in(auth, Role.ORGANISER)
    response = client.get(f"/organise/exports/download?{query}&until=2030-01-01&category=culture")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error"' in html
    # What was typed is kept.
    assert 'value="2030-01-01"' in html
    assert '<option selected value="culture">' in html
    if field == "since":
        assert 'value="21.07.2018"' in html


def test_export_page_offers_the_filters_in_constant_queries(world, client, auth, count_queries):
    _sign_in(auth, Role.ORGANISER)
    with count_queries() as few:
        assert client.get("/organise/exports").status_code == 200
    for _ in range(5):
        make_recommendation(world.other_forum)
    db.session.commit()
    with count_queries() as many:
        response = client.get("/organise/exports")
    assert many.count == few.count
    html = response.get_data(as_text=True)
    for name in ("format", "forum", "quarter", "category", "group", "recommendation", "stage",
                 "since", "until", "language", "separator"):
        assert f'name="{name}"' in html
    # The page asks for a file to be written by a job (a change: posted, with a CSRF token).
    assert 'action="/organise/exports/jobs"' in html and 'method="post"' in html


@pytest.mark.parametrize("fmt", ["xlsx", "geojson", "html", "pack"])
@pytest.mark.parametrize(("separator", "lang", "message"), [
    ("semicolon", "ru", "Разделитель есть только у файла CSV"),
    ("comma", "kk", "Бөлгіш тек CSV файлында болады"),
    ("semicolon", "en", "Only a CSV file has a separator"),
])
def test_a_separator_with_another_format_is_refused_and_the_form_keeps_its_values(
    world, client, auth, fmt, separator, lang, message
):
    _sign_in(auth, Role.ORGANISER)
    response = client.get(f"/organise/exports/download?format={fmt}&separator={separator}"
                          f"&forum={world.forum.id}&quarter=west&lang={lang}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'id="separator-error"' in html
    assert f'<option selected value="{fmt}">' in html
    assert f'<option selected value="{separator}">' in html
    assert '<option selected value="west">' in html


@pytest.mark.parametrize(("query", "delimiter", "lat"), [
    ("language=ru", ";", "43,23"),
    ("language=kk", ";", "43,23"),
    ("language=en", ",", "43.23"),
    ("language=ru&separator=comma", ",", "43.23"),
    ("language=en&separator=semicolon", ";", "43,23"),
])
def test_the_csv_dialect_follows_the_language_unless_chosen(world, client, auth, query, delimiter, lat):
    _sign_in(auth, Role.ORGANISER)
    response = client.get(f"/organise/exports/download?format=csv&{query}")
    assert response.status_code == 200
    header, *rows = read_csv(response.data, delimiter=delimiter)
    assert len(header) == 18
    bikes = next(r for r in rows if r[0] == str(world.bikes.id))
    assert bikes[14] == lat
