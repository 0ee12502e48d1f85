"""The list, the map page and an idea's page, as anyone sees them."""

from __future__ import annotations

import re

import pytest

from myalmaty.domain.ideas import CommentStatus, IdeaStage, IdeaStatus
from myalmaty.domain.reference import Quarter
from myalmaty.extensions import db
from tests.factories import (
    make_agenda_item,
    make_category,
    make_comment,
    make_forum,
    make_group,
    make_idea,
    make_link,
    make_quarter,
    make_recommendation,
    make_support,
)


def titles_on(html: str) -> list[str]:
    return re.findall(r'<h2 class="idea-title"><a href="/ideas/\d+">([^<]*)</a>', html)


@pytest.fixture
def city(app):
    """Published ideas in two categories and two quarters (one outside any quarter)."""
    culture = make_category(slug="culture", name_en="Culture")
    greenery = make_category(slug="greenery", name_en="Greenery")
    panfilov = make_quarter(slug="panfilov", name_en="Panfilov")
    ideas = {
        "cinema": make_idea(title="Courtyard cinema", category=culture, quarter=panfilov,
                            support_count=5, comment_count=1),
        "garden": make_idea(title="Roof garden", category=greenery, quarter=panfilov,
                            stage=IdeaStage.IN_PROGRESS, support_count=9),
        "murals": make_idea(title="Murals on Абая", category=culture, lat=43.235, lon=76.99,
                            comment_count=7),
        "pending": make_idea(title="Pending idea", status=IdeaStatus.PENDING, category=culture),
        "hidden": make_idea(title="Hidden idea", status=IdeaStatus.HIDDEN, category=culture),
    }
    db.session.commit()
    return ideas


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Murals on Абая", "Roof garden", "Courtyard cinema"]),
        ("?category=culture", ["Murals on Абая", "Courtyard cinema"]),
        ("?quarter=panfilov", ["Roof garden", "Courtyard cinema"]),
        ("?quarter=none", ["Murals on Абая"]),
        ("?stage=in_progress", ["Roof garden"]),
        ("?q=CINEMA", ["Courtyard cinema"]),
        ("?q=абая", ["Murals on Абая"]),
        ("?q=roof+garden", ["Roof garden"]),
        ("?q=100%25", []),
        ("?sort=supported", ["Roof garden", "Courtyard cinema", "Murals on Абая"]),
        ("?sort=discussed", ["Murals on Абая", "Courtyard cinema", "Roof garden"]),
        ("?category=culture&quarter=panfilov", ["Courtyard cinema"]),
        ("?q=cinema%00", ["Courtyard cinema"]),  # PostgreSQL refuses NUL in text: dropped
    ],
)
def test_the_list_filters_and_sorts_published_ideas(client, city, query, expected):
    response = client.get("/ideas/" + query)
    assert response.status_code == 200
    assert titles_on(response.get_data(as_text=True)) == expected


def test_each_card_links_to_its_ideas_page(client, app, city):
    from flask import url_for

    html = client.get("/ideas/").get_data(as_text=True)
    with app.test_request_context():
        expected = {url_for("ideas.detail", idea_id=city[key].id)
                    for key in ("cinema", "garden", "murals")}
    assert set(re.findall(r'<h2 class="idea-title"><a href="([^"]+)">', html)) == expected


@pytest.mark.parametrize(
    "query",
    ["?category=nope", "?category=%00nope", "?quarter=nowhere", "?stage=finished", "?sort=random", "?page=0",
     "?page=abc", "?q=" + "x" * 201],
)
def test_bad_filters_get_a_clear_400(client, city, query):
    response = client.get("/ideas/" + query + ("&" if "?" in query else "?") + "lang=en")
    assert response.status_code == 400
    assert "error-page" in response.get_data(as_text=True)


def test_the_list_is_paginated_and_links_keep_the_filters(client, app, city):
    app.config["IDEAS_PER_PAGE"] = 2
    html = client.get("/ideas/?sort=newest").get_data(as_text=True)
    assert titles_on(html) == ["Murals on Абая", "Roof garden"]
    assert 'href="/ideas/?page=2&amp;sort=newest"' in html
    assert titles_on(client.get("/ideas/?page=2").get_data(as_text=True)) == ["Courtyard cinema"]
    # A page past the last (a link from before ideas left the list) shows the last page.
    assert titles_on(client.get("/ideas/?page=9").get_data(as_text=True)) == ["Courtyard cinema"]


def test_list_and_map_link_to_each_other_with_the_same_filters(client, city):
    html = client.get("/ideas/?category=culture&q=cinema").get_data(as_text=True)
    assert 'href="/ideas/map?category=culture&amp;q=cinema"' in html
    html = client.get("/ideas/map?category=culture&q=cinema").get_data(as_text=True)
    assert 'href="/ideas/?category=culture&amp;q=cinema"' in html
    assert 'data-clusters="/api/ideas/clusters?category=culture&amp;q=cinema"' in html


def test_the_list_takes_a_constant_number_of_queries_at_any_page_size(client, app,
                                                                     count_queries):
    def add(n: int) -> None:
        category, quarter = make_category(), make_quarter()
        for _ in range(n):
            make_idea(category=category, quarter=quarter)
        db.session.commit()

    add(5)
    app.config["IDEAS_PER_PAGE"] = 5
    with count_queries() as small:
        assert client.get("/ideas/").status_code == 200
    add(45)
    app.config["IDEAS_PER_PAGE"] = 50
    with count_queries() as large:
        html = client.get("/ideas/").get_data(as_text=True)
    assert len(titles_on(html)) == 50
    assert large.count == small.count


def test_the_map_page_draws_quarters_but_carries_no_ideas(client, city):
    html = client.get("/ideas/map?lang=en").get_data(as_text=True)
    assert "Courtyard cinema" not in html and "Roof garden" not in html
    assert "L.geoJson" in html  # quarters' outlines, drawn by folium
    assert "/static/js/ideas-map.js" in html
    assert "/vendor/markercluster/leaflet.markercluster.js" in html
    assert "Panfilov" in html  # the legend, written by our template


def test_the_map_page_does_not_grow_with_the_number_of_ideas(client, city):
    def size() -> int:
        return len(re.sub(r"[0-9a-f]{32}|nonce-?[^\s\"';]+|nonce=\"[^\"]+\"", "",
                          client.get("/ideas/map").get_data(as_text=True)))

    before = size()
    for n in range(30):
        make_idea(title=f"More idea {n}", category=city["cinema"].category,
                  author=city["cinema"].author)
    db.session.commit()
    assert size() == before


def test_an_idea_page_shows_everything_about_it(client, app, city):
    idea = city["cinema"]
    idea.public_answer = "We like it."
    idea.group = make_group(title="Yards")
    make_link(make_recommendation(title_en="Focus on a place"), idea=idea)
    make_comment(idea, body="I would come!")
    make_comment(idea, body="Spam comment", status=CommentStatus.HIDDEN)
    make_support(idea)
    db.session.commit()
    html = client.get(f"/ideas/{idea.id}?lang=en").get_data(as_text=True)
    assert "Courtyard cinema" in html
    assert "Open-air screenings in the courtyard" in html
    assert "Ask the neighbours which evening suits them." in html
    assert "Culture" in html and "Panfilov" in html
    assert "We like it." in html
    assert "Yards" in html and "Focus on a place" in html
    assert "I would come!" in html
    assert "Spam comment" not in html
    assert f"Suggested by {idea.author.display_name}" in html
    assert idea.author.email not in html
    assert "data-idea-point" in html and f'data-lat="{idea.lat}"' in html
    assert "Sign in to support this idea" in html


def test_a_duplicate_says_which_idea_it_duplicates(client, city):
    original = city["cinema"]
    copy = make_idea(status=IdeaStatus.DUPLICATE, duplicate_of=original, title="Cinema again")
    db.session.commit()
    html = client.get(f"/ideas/{copy.id}?lang=en").get_data(as_text=True)
    assert f"This idea is a duplicate of idea #{original.id}." in html
    assert f'href="/ideas/{original.id}"' in html


def test_an_unknown_idea_is_404(client):
    assert client.get("/ideas/999999").status_code == 404


def test_the_detail_page_takes_a_constant_number_of_queries(client, auth, resident, city,
                                                            count_queries):
    idea = city["cinema"]
    auth.as_user(resident)
    make_comment(idea)
    db.session.commit()
    with count_queries() as few:
        client.get(f"/ideas/{idea.id}")
    for _ in range(10):
        make_comment(idea)
    make_link(make_recommendation(), idea=idea)
    db.session.commit()
    with count_queries() as many:
        client.get(f"/ideas/{idea.id}")
    assert many.count == few.count


def test_the_detail_page_takes_the_same_queries_whatever_it_shows(client, city, count_queries):
    """Anyone's view: comments, supports, recommendations and forums reached directly or
    through the idea's theme, and the other ideas of the theme, add rows, not queries."""
    idea = city["cinema"]
    with count_queries() as bare:
        assert client.get(f"/ideas/{idea.id}?lang=en").status_code == 200
    theme = make_group(title="Yards")
    idea.group = theme
    for n in range(5):
        make_idea(title=f"Another yard {n}", group=theme, category=idea.category)
        make_comment(idea)
        make_support(idea)
    forum = make_forum(title_en="Forum of the yards")
    make_agenda_item(forum, idea=idea)
    make_agenda_item(make_forum(title_en="Forum of the themes"), group=theme)
    make_link(make_recommendation(title_en="Direct link"), idea=idea)
    make_link(make_recommendation(title_en="Link of the theme"), group=theme)
    db.session.commit()
    with count_queries() as full:
        html = client.get(f"/ideas/{idea.id}?lang=en").get_data(as_text=True)
    for shown in ("Yards", "Forum of the yards", "Forum of the themes", "Direct link",
                  "Link of the theme"):
        assert shown in html
    assert full.count == bare.count


def test_each_idea_page_centres_its_map_on_its_own_idea(client, city):
    def centre_on(idea_id: int) -> list[float]:
        html = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
        return [float(x) for x in re.search(r"center: \[([^,\]]+), ([^\]]+)\]", html).groups()]

    for idea in (city["cinema"], city["murals"]):
        assert centre_on(idea.id) == [idea.lat, idea.lon]


def test_quarters_archived_are_neither_filters_nor_outlines(client, city):
    old = make_quarter(slug="old-quarter", name_en="Old quarter", archived=True)
    db.session.commit()
    assert isinstance(old, Quarter)
    html = client.get("/ideas/map?lang=en").get_data(as_text=True)
    assert "Old quarter" not in html


@pytest.mark.parametrize("path", ["/ideas/", "/ideas/map"])
def test_filters_open_on_wide_screens_and_stay_folded_on_phones(client, path):
    response = client.get(path)
    html = response.get_data(as_text=True)
    # Folded as sent (a phone shows the list or the map first) ...
    assert re.search(r'<details class="filters card" id="filters"\s*>', html)
    # ... and opened before the first paint where the screen is wide, by a script the page's
    # Content-Security-Policy allows.
    script = re.search(r'<script nonce="([^"]+)">([^<]*getElementById\("filters"\)[^<]*)</script>',
                       html)
    assert script, "no script opens the filters"
    nonce, body = script.groups()
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    assert 'matchMedia("(min-width: 900px)")' in body and "filters.open = true" in body


def test_filters_in_use_are_open_on_any_screen(client):
    html = client.get("/ideas/?q=cinema").get_data(as_text=True)
    assert re.search(r'<details class="filters card" id="filters"\s*open>', html)
