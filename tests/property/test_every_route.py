"""Every route, every method, every role, with hostile input: never a 5xx, and every refusal
(4xx) says why in words.

The tests are parametrised from the app's URL map when they are collected, so a new route is
walked without a test of its own; `test_every_rule_is_walked` fails when a rule would be left
out. The example budget (ROUTE_WALK_EXAMPLES, by default 10,000 on SQLite and 3,000 on
PostgreSQL) is shared out among the routes, so pytest-xdist spreads the walk over its workers.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings

from myalmaty import create_app
from tests.conftest import make_test_config
from tests.property.strategies import ROLES, RULE_PART, RouteMethod, Sent, requests
from tests.property.world import (
    NOT_WALKED_METHODS,
    NOT_WALKED_RULES,
    World,
    message_of,
    unwalkable_converters,
    walked_routes,
)

ROUTES = walked_routes()


def total_examples() -> int:
    default = 3_000 if os.environ.get("TEST_DATABASE_URL") else 10_000
    return int(os.environ.get("ROUTE_WALK_EXAMPLES") or default)


def examples_per_route() -> int:
    return max(1, math.ceil(total_examples() / len(ROUTES)))


def plain(route: RouteMethod, world: World, role: str) -> Sent:
    """The request a page of the app itself would send: real ids, its own method, no input."""
    values = []
    for _converter, name, choices in route.parts():
        ids = world.pools.ids.get(name)
        values.append(str(ids[0]) if ids else choices[0] if choices else "walk")
    filled = iter(values)
    path = RULE_PART.sub(lambda _m: next(filled), route.rule)
    body = b"" if route.method != "GET" else None
    content_type = "application/x-www-form-urlencoded" if body is not None else None
    return Sent(role=role, method=route.method, path=path, body=body, content_type=content_type)


def check(sent: Sent, world: World) -> str | None:
    response, routed = world.send(sent)
    status = response.status_code
    assert status < 500, f"{status} for {sent!r}"
    if status >= 400:
        assert message_of(response), (
            f"{status} without a message for {sent!r}:\n{response.get_data(as_text=True)[:2000]}"
        )
    return routed


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_no_route_fails_or_refuses_silently(world: World, route: RouteMethod) -> None:
    reached = 0

    @settings(max_examples=examples_per_route(), suppress_health_check=[
        HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
    ])
    @given(sent=requests(route, world.gens))
    def walk(sent: Sent) -> None:
        nonlocal reached
        if check(sent, world) == route.key and sent.method == route.method:
            reached += 1

    for role in ROLES:  # the plain request as each role comes first, whatever is generated
        walk = example(sent=plain(route, world, role))(walk)
    walk()
    assert reached, f"no request reached {route.key}: the walk does not cover it"


def test_a_new_route_is_walked_without_a_test_of_its_own(world: World) -> None:
    app = create_app(make_test_config("sqlite://", Path("/nonexistent")))

    @app.route("/_walk/things/<int:thing_id>/<any(a, b):kind>", methods=["GET", "POST"])
    def thing(thing_id: int, kind: str) -> str:
        return ""

    added = [r for r in walked_routes(app) if r.endpoint == "thing"]
    assert {r.key for r in added} == {"GET /_walk/things/<int:thing_id>/<any(a, b):kind>",
                                      "POST /_walk/things/<int:thing_id>/<any(a, b):kind>"}
    assert not set(added) & set(ROUTES)

    @settings(max_examples=5)
    @given(sent=requests(added[0], world.gens))
    def addressed(sent: Sent) -> None:
        assert sent.path.startswith("/_walk/things/")

    addressed()


def test_every_rule_is_walked() -> None:
    """Each rule of the URL map, with each method, is walked, or excluded with a reason."""
    app = create_app(make_test_config("sqlite://", Path("/nonexistent")))
    expected = {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in NOT_WALKED_METHODS and rule.endpoint not in NOT_WALKED_RULES
    }
    assert expected <= {r.key for r in ROUTES}
    assert len(expected) > 50  # the whole app, not a part of it
    assert not unwalkable_converters(ROUTES), "teach strategies.path_value these converters"
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(NOT_WALKED_RULES) <= endpoints, "an exclusion names a rule that is gone"
    assert all(reason.strip() for reason in NOT_WALKED_RULES.values())
