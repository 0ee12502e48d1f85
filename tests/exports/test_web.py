"""The organisers' export page and download: access, the file, and refused filters."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from myalmaty.core.permissions import PermissionDenied, Role
from myalmaty.exports.filters import ExportFilters
from myalmaty.exports.services import PLATFORM, ExportFormat, export_ideas
from myalmaty.extensions import db
from tests.exports.conftest import csv_ids
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
    assert response.mimetype == "text/csv"
    assert re.fullmatch(r"attachment; filename=myalmaty-ideas-\d{4}-\d\d-\d\d\.csv",
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
    assert response.headers["Content-Disposition"].endswith(f".{extension}")
    assert len(response.data) > 100


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
                 "since", "until", "language", "semicolon"):
        assert f'name="{name}"' in html
    assert 'action="/organise/exports/download"' in html and 'method="get"' in html
