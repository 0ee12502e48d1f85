"""Odd requests get a 4xx and a page, never a server error."""

from __future__ import annotations

import pytest

from tests.organise.data import request_in_world


@pytest.mark.parametrize(
    ("method", "url", "data", "status"),
    [
        ("POST", "/organise/forums/{forum}/agenda", {"group_id": "abc"}, 400),
        ("POST", "/organise/forums/{forum}/agenda/suggested", {"idea_id": "1; drop"}, 400),
        ("POST", "/organise/forums/{forum}/agenda/suggested", {"idea_id": "999999"}, 404),
        ("POST", "/organise/agenda/999/move", {"direction": "up"}, 404),
        ("POST", "/organise/agenda/{agenda_item}/note", {"note": "x" * 2001}, 400),
        ("POST", "/organise/users/{resident}/role", {"role": "admin"}, 400),
        ("POST", "/organise/users/{resident}/active", {"active": "maybe"}, 400),
        ("POST", "/organise/users/999/role", {"role": "moderator"}, 404),
        ("GET", "/organise/users?q=" + "x" * 500, None, 200),
        ("GET", "/organise/users?page=-3", None, 400),  # not a page number (core.pagination)
        ("POST", "/organise/categories/new", {"slug": "ok", "position": "99999999999999999999"}, 400),
        ("POST", "/organise/quarters/{quarter}/archive", None, 302),
        ("GET", "/organise/quarters/999/edit", None, 404),
        ("POST", "/organise/recommendations/{recommendation}/move", {}, 400),
        # Numbers past what the database stores name nothing (no overflow, no server error).
        ("GET", "/organise/forums/99999999999999999999", None, 404),
        ("GET", "/organise/quarters/99999999999999999999/edit", None, 404),
        ("POST", "/organise/users/99999999999999999999/role", {"role": "moderator"}, 404),
        ("GET", "/organise/users?page=99999999999999999999", None, 200),  # the last page
        ("POST", "/organise/forums/{forum}/agenda", {"group_id": "0", "idea_reference": "2026-²"}, 404),
    ],
)
def test_odd_requests_get_a_clear_answer(as_organiser, world, method, url, data, status):
    response = request_in_world(as_organiser, world, method, url, data)

    assert response.status_code == status
