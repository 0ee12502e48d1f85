"""Numbers from outside never reach the database beyond what it stores.

PostgreSQL's integer stops at 2^31−1 and SQLite's at 2^63−1; past them a query was a server
error. Ids in addresses are 404s, page numbers past the last show the last page, and numbers
typed into forms or query strings are refused with a message. The suite runs on both databases.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from myalmaty.core.numbers import MAX_ID, bounded_number
from myalmaty.core.permissions import Role
from myalmaty.domain.audit import record_event
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.extensions import db
from myalmaty.moderation import queries as moderation_queries
from myalmaty.organise import queries as organise_queries
from tests.factories import make_forum, make_group, make_idea, make_user

INT_ARGUMENT = re.compile(r"<int(?:\([^)]*\))?:(\w+)>")

# What an address may carry where an id goes, and none of them names anything.
OUT_OF_BOUNDS = ["0", "-1", str(2**31), str(2**63), "9" * 300, "9" * 5000, "١٢"]


@pytest.fixture
def organiser(app):
    user = make_user(role=Role.ORGANISER, locale="en")
    db.session.commit()
    return user


@pytest.fixture
def as_organiser(client, auth, organiser):
    auth.as_user(organiser)
    return client


def id_routes(app) -> list[tuple[str, str, list[str]]]:
    """(method, rule, id arguments) of every route with an `<int:…>` in it, from the URL map:
    a new route is checked without anyone adding it here."""
    found = []
    for rule in app.url_map.iter_rules():
        names = INT_ARGUMENT.findall(rule.rule)
        if names:
            method = "GET" if "GET" in (rule.methods or ()) else "POST"
            found.append((method, rule.rule, names))
    return found


def address(rule: str, value: str) -> str:
    return INT_ARGUMENT.sub(value, rule)


def test_the_url_map_has_the_id_routes_this_file_means(app):
    rules = {rule for _method, rule, _names in id_routes(app)}
    assert {"/ideas/<int:idea_id>", "/api/ideas/<int:idea_id>", "/groups/<int:group_id>",
            "/recommendations/<int:recommendation_id>", "/organise/users/<int:user_id>",
            "/moderation/groups/<int:group_id>/ideas/<int:idea_id>/remove"} <= rules
    assert len(rules) > 40


@pytest.mark.parametrize("value", OUT_OF_BOUNDS)
def test_an_id_out_of_bounds_is_a_404_on_every_route(app, as_organiser, value):
    answers = {
        (method, address(rule, value)): as_organiser.open(address(rule, value), method=method).status_code
        for method, rule, _names in id_routes(app)
    }
    assert {key: status for key, status in answers.items() if status != 404} == {}


def test_the_largest_id_passes_the_address_and_names_nothing_here(app, as_organiser):
    answers = {
        (method, rule): as_organiser.open(address(rule, str(MAX_ID)), method=method).status_code
        for method, rule, _names in id_routes(app)
    }
    assert {key: status for key, status in answers.items() if status != 404} == {}


def test_the_largest_id_is_found_when_it_exists(app, client):
    make_idea(id=MAX_ID, title="The last number")
    db.session.commit()
    assert "The last number" in client.get(f"/ideas/{MAX_ID}").get_data(as_text=True)
    assert client.get(f"/api/ideas/{MAX_ID}").get_json()["properties"]["title"] == "The last number"
    assert client.get(f"/ideas/{MAX_ID + 1}").status_code == 404


def test_the_404_is_the_translated_page(client):
    response = client.get(f"/ideas/{2**31}?lang=kk")
    assert response.status_code == 404
    assert "Бет табылмады" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", 1), ("007", 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("0", None),
     ("-1", None), ("+1", None), ("1_000", None), ("²", None), ("١", None), (" 12 ", 12),
     ("9" * 5000, None), ("", None), (None, None)],
)
def test_bounded_number(text, expected):
    assert bounded_number(text) == expected


# --- the page parameter of every list -------------------------------------------------------

LISTS = ["/ideas/", "/moderation/", "/moderation/published", "/moderation/log", "/organise/users"]


@pytest.fixture
def two_pages_each(app, monkeypatch, organiser):
    """Every list one item a page, and at least two items in each."""
    app.config["IDEAS_PER_PAGE"] = 1
    monkeypatch.setattr(moderation_queries, "QUEUE_PAGE_SIZE", 1)
    monkeypatch.setattr(moderation_queries, "LOG_PAGE_SIZE", 1)
    monkeypatch.setattr(organise_queries, "USERS_PER_PAGE", 1)
    for status in (IdeaStatus.PENDING, IdeaStatus.PUBLISHED):
        for _ in range(2):
            idea = make_idea(status=status)
            record_event(organiser, "idea.submit", idea=idea, after={"status": "pending"})
    db.session.commit()


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("page", [str(2**31), str(2**63), "9" * 300, "9" * 5000, "99"])
def test_a_page_past_the_last_shows_the_last_page(as_organiser, two_pages_each, url, page):
    response = as_organiser.get(f"{url}?page={page}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'rel="prev"' in html and 'rel="next"' not in html


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("page", ["0", "000", "-1", "abc", "1.5", "²", "1e3"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400_that_says_so(as_organiser, two_pages_each, url, page):
    response = as_organiser.get(f"{url}?page={page}&lang=en")
    assert response.status_code == 400
    assert "The page must be a whole number from 1." in response.get_data(as_text=True)


@pytest.mark.parametrize("url", LISTS)
def test_the_second_page_is_the_second_page(as_organiser, two_pages_each, url):
    html = as_organiser.get(f"{url}?page=2").get_data(as_text=True)
    assert '<span aria-current="page">2</span>' in html


# --- numbers in forms and query strings -----------------------------------------------------

WHOLE_NUMBER = "Enter a whole number from 1 to 2,147,483,647."
OUT_OF_DATE = "This form is out of date: reload the page and try again."


@pytest.fixture
def things(app):
    pending = make_idea(status=IdeaStatus.PENDING)
    published = make_idea()
    group = make_group()
    forum = make_forum()
    db.session.commit()
    return {"pending": pending.id, "published": published.id, "group": group.id,
            "forum": forum.id, "author": pending.author, "version": pending.version}


@pytest.mark.parametrize("number", [str(2**31), str(2**63), "9" * 300, "²", "-1", "0"])
@pytest.mark.parametrize(
    ("method", "url", "data", "status", "message"),
    [
        ("POST", "/moderation/ideas/{pending}/duplicate",
         {"duplicate-version": "{version}", "duplicate-original": "{n}"}, 400, WHOLE_NUMBER),
        ("POST", "/moderation/groups/{group}/ideas", {"add-idea": "{n}"}, 400, WHOLE_NUMBER),
        ("POST", "/moderation/ideas/{pending}/publish", {"publish-version": "{n}"}, 400, OUT_OF_DATE),
        ("POST", "/moderation/bulk/queue", {"ideas": "{n}:1", "action": "publish"}, 400, OUT_OF_DATE),
        ("POST", "/moderation/bulk/queue", {"ideas": "{pending}:{n}", "action": "publish"}, 400, OUT_OF_DATE),
        ("GET", "/moderation/log?idea={n}", None, 400, WHOLE_NUMBER),
        ("GET", "/api/ideas/similar?text=cinema&exclude={n}", None, 400, "Give the idea's number."),
        ("GET", "/organise/exports/download?forum={n}", None, 400, "There is no forum with the number"),
        ("GET", "/organise/exports/download?group={n}", None, 400, "There is no theme with the number"),
    ],
)
def test_a_number_out_of_range_in_a_form_is_refused_with_a_message(
    as_organiser, things, method, url, data, status, message, number
):
    fill = {**things, "n": number}
    response = as_organiser.open(
        url.format(**fill), method=method,
        data={key: value.format(**fill) for key, value in (data or {}).items()},
        follow_redirects=False,
    )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("version", [str(2**31), "²", "9" * 300])
def test_an_authors_form_with_a_version_out_of_range_is_refused(client, auth, things, version):
    auth.as_user(things["author"])
    response = client.post(f"/ideas/{things['pending']}/withdraw?lang=en", data={"version": version})
    assert response.status_code == 400
    assert db.session.get(Idea, things["pending"]).status is IdeaStatus.PENDING


@pytest.mark.parametrize(
    "url",
    [
        "/moderation/log?since=0001-01-01", "/moderation/log?until=9999-12-31",
        "/organise/exports/download?since=0001-01-01", "/organise/exports/download?until=9999-12-31",
    ],
)
def test_a_date_far_from_now_is_refused_with_a_message(as_organiser, url):
    response = as_organiser.get(url + "&lang=en")
    assert response.status_code == 400
    assert "Enter a date between 2000 and 2100." in response.get_data(as_text=True)


@pytest.mark.parametrize("coordinates", ["lat=1e999&lon=76.9", "lat=43.2&lon=-1e400", "lat=nan&lon=76.9",
                                         "lat=43.2&lon=" + "9" * 400])
def test_coordinates_that_are_no_ordinary_number_are_refused(client, coordinates):
    response = client.get(f"/api/ideas/similar?text=cinema&{coordinates}&lang=en")
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] in ("lat", "lon")


def test_nothing_was_written_by_the_refusals(as_organiser, things):
    as_organiser.post(f"/moderation/ideas/{things['pending']}/duplicate",
                      data={"duplicate-version": things["version"], "duplicate-original": str(2**31)})
    assert db.session.scalar(sa.select(Idea.status).where(Idea.id == things["pending"])) is IdeaStatus.PENDING


@pytest.mark.parametrize(
    ("lang", "page_message", "number_message"),
    [
        ("ru", "Номер страницы должен быть целым числом от 1.", "Введите целое число от 1 до 2"),
        ("kk", "Бет нөмірі 1-ден бастап бүтін сан болуы керек.", "аралығындағы бүтін санды енгізіңіз."),
        ("en", "The page must be a whole number from 1.", WHOLE_NUMBER),
    ],
)
def test_the_refusals_are_translated(client, auth, lang, page_message, number_message):
    auth.as_user(make_user(role=Role.MODERATOR, locale=lang))
    db.session.commit()
    assert page_message in client.get("/moderation/log?page=0").get_data(as_text=True)
    assert number_message in client.get(f"/moderation/log?idea={2**31}").get_data(as_text=True)
