"""Only organisers reach the organisers' pages: every route × every kind of visitor."""

from __future__ import annotations

import pytest

from myalmaty.core.permissions import Role
from myalmaty.extensions import db
from tests import factories
from tests.organise.data import (
    CATEGORY,
    FORUM,
    RECOMMENDATION,
    quarter_data,
    request_in_world,
)

# (method, URL with {world} fields, form data for the organiser's request)
ROUTES = [
    ("GET", "/organise/", None),
    ("GET", "/organise/forums", None),
    ("GET", "/organise/forums/new", None),
    ("POST", "/organise/forums/new", FORUM),
    ("GET", "/organise/forums/{forum}", None),
    ("GET", "/organise/forums/{forum}/edit", None),
    ("POST", "/organise/forums/{forum}/edit", FORUM),
    ("GET", "/organise/forums/{forum}/recommendations/new", None),
    ("POST", "/organise/forums/{forum}/recommendations/new", RECOMMENDATION),
    ("GET", "/organise/recommendations/{recommendation}/edit", None),
    ("POST", "/organise/recommendations/{recommendation}/edit", RECOMMENDATION),
    ("POST", "/organise/recommendations/{recommendation}/move", {"direction": "down"}),
    ("POST", "/organise/forums/{forum}/agenda", {"group_id": "{group}", "note": "Start here"}),
    ("POST", "/organise/forums/{forum}/agenda/suggested", {"idea_id": "{linked_idea}"}),
    ("POST", "/organise/agenda/{agenda_item}/move", {"direction": "down"}),
    ("POST", "/organise/agenda/{agenda_item}/note", {"note": "Ten minutes"}),
    ("POST", "/organise/agenda/{agenda_item}/remove", {}),
    ("GET", "/organise/quarters", None),
    ("GET", "/organise/quarters/new", None),
    ("POST", "/organise/quarters/new", quarter_data()),
    ("GET", "/organise/quarters/{quarter}/edit", None),
    ("POST", "/organise/quarters/{quarter}/edit", quarter_data(slug="renamed")),
    ("POST", "/organise/quarters/{quarter}/archive", {}),
    ("POST", "/organise/quarters/{archived_quarter}/restore", {}),
    ("GET", "/organise/categories", None),
    ("GET", "/organise/categories/new", None),
    ("POST", "/organise/categories/new", CATEGORY),
    ("GET", "/organise/categories/{category}/edit", None),
    ("POST", "/organise/categories/{category}/edit", CATEGORY),
    ("POST", "/organise/categories/{category}/archive", {}),
    ("POST", "/organise/categories/{archived_category}/restore", {}),
    ("GET", "/organise/users", None),
    ("GET", "/organise/users/{resident}", None),
    ("POST", "/organise/users/{resident}/role", {"role": "moderator"}),
    ("POST", "/organise/users/{resident}/active", {"active": "no"}),
    ("GET", "/organise/offline", None),
    ("GET", "/organise/offline/template.xlsx", None),
    ("GET", "/organise/offline/form/{quarter}", None),
    # No file: the form comes back with its message (the import has tests of its own).
    ("POST", "/organise/offline", {"forum": "{forum}"}),
]
# Posts whose answer is a page rather than a redirect: the form again, as typed.
ANSWERED_WITH_THE_FORM = {"/organise/offline"}


ids = [f"{method} {url}" for method, url, _ in ROUTES]


@pytest.mark.parametrize(("method", "url", "data"), ROUTES, ids=ids)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, method, url, data):
    response = request_in_world(client, world, method, url, data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.MODERATOR])
@pytest.mark.parametrize(("method", "url", "data"), ROUTES, ids=ids)
def test_residents_and_moderators_are_refused(client, auth, world, role, method, url, data):
    auth.as_user(factories.make_user(role=role))
    db.session.commit()
    response = request_in_world(client, world, method, url, data)
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "url", "data"), ROUTES, ids=ids)
def test_organisers_are_let_in(as_organiser, world, method, url, data):
    response = request_in_world(as_organiser, world, method, url, data)
    if method == "GET":
        assert response.status_code == 200
    elif url in ANSWERED_WITH_THE_FORM:
        assert response.status_code == 400
    else:
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert not response.headers["Location"].startswith("/account/login")


def test_the_matrix_covers_every_organise_route(app):
    """A new route must be added above, or this fails."""
    served = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint.startswith("organise.") and view.__module__.startswith("myalmaty.organise"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                served.add((method, rule.rule))
    listed = {(method, _as_rule(url)) for method, url, _ in ROUTES}
    assert served == listed


def _as_rule(url: str) -> str:
    """/organise/forums/{forum} → /organise/forums/<int:forum_id>, as Flask spells it."""
    names = {
        "forum": "forum_id", "recommendation": "recommendation_id", "agenda_item": "item_id",
        "quarter": "quarter_id", "archived_quarter": "quarter_id", "category": "category_id",
        "archived_category": "category_id", "resident": "user_id",
    }
    for field, parameter in names.items():
        url = url.replace("{" + field + "}", f"<int:{parameter}>")
    return url.rstrip("/") or "/" if url != "/organise/" else "/organise/"
