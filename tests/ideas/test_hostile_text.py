"""A resident's `<script>` or `${...}` shows as text everywhere: pages, popups, API, My ideas."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from myalmaty.config import PROJECT_ROOT
from myalmaty.domain.audit import record_event
from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests.factories import make_comment, make_idea, make_user

SCRIPT = "<script>alert(1)</script>"
TEMPLATE = "${alert(1)}"
HOSTILE = f"{SCRIPT} {TEMPLATE}"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; ${alert(1)}"


@pytest.fixture
def hostile(app):
    author = make_user(display_name=HOSTILE)
    idea = make_idea(
        author=author, title=HOSTILE, description=f"Description {HOSTILE}",
        first_step=f"Step {HOSTILE}", public_answer=f"Answer {HOSTILE}",
    )
    make_comment(idea, author=author, body=f"Comment {HOSTILE}")
    pending = make_idea(status=IdeaStatus.REJECTED, author=author, title=f"Mine {HOSTILE}",
                        rejection_note=f"Note {HOSTILE}")
    record_event(None, "idea.reject", idea=pending, before={"status": "pending"},
                 after={"status": "rejected", "rejection_reason": HOSTILE})
    db.session.commit()
    return idea


def assert_only_escaped(html: str) -> None:
    assert SCRIPT not in html
    assert "<script>alert" not in html
    assert ESCAPED in html


@pytest.mark.parametrize("path", ["/ideas/{id}", "/ideas/", "/ideas/?q=alert",
                                  "/ideas/{id}/report"])
def test_pages_show_it_as_text(client, auth, hostile, path):
    auth.as_user(make_user())
    db.session.commit()
    html = client.get(path.format(id=hostile.id)).get_data(as_text=True)
    assert_only_escaped(html)


def test_my_ideas_shows_it_as_text(client, auth, hostile):
    auth.as_user(hostile.author)
    html = client.get("/ideas/mine").get_data(as_text=True)
    assert_only_escaped(html)
    assert f"Note {ESCAPED}" in html


def test_the_edit_form_shows_it_as_text(client, auth, hostile):
    pending = make_idea(status=IdeaStatus.PENDING, author=hostile.author, title=HOSTILE)
    db.session.commit()
    auth.as_user(hostile.author)
    html = client.get(f"/ideas/{pending.id}/edit").get_data(as_text=True)
    assert f'value="{ESCAPED}"' in html
    assert SCRIPT not in html


def test_the_api_returns_it_verbatim_as_a_json_string(client, hostile):
    body = client.get("/api/ideas").get_data(as_text=True)
    assert json.loads(body)["features"][0]["properties"]["title"] == HOSTILE
    assert client.get(f"/api/ideas/{hostile.id}").get_json()["properties"]["title"] == HOSTILE


def test_the_map_page_carries_no_resident_text_at_all(client, hostile):
    html = client.get("/ideas/map").get_data(as_text=True)
    assert "alert(1)" not in html


def test_our_scripts_build_markup_with_text_content_only():
    scripts = list((Path(PROJECT_ROOT) / "static" / "js").glob("*.js"))
    assert {p.name for p in scripts} >= {"ideas-map.js", "location-picker.js",
                                          "similar-ideas.js", "idea-point.js"}
    for script in scripts:
        source = script.read_text("utf-8")
        for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                          "eval(", "new Function"):
            assert forbidden not in source, f"{script.name} uses {forbidden}"
    popup_code = (Path(PROJECT_ROOT) / "static" / "js" / "ideas-map.js").read_text("utf-8")
    assert "link.textContent = properties.title" in popup_code
    # Leaflet would parse a string popup as HTML: popups must be built as DOM nodes.
    assert re.search(r"bindPopup\(function \(\) \{ return popup\(", popup_code)
