"""Public theme and recommendation pages: only published ideas and active themes, residents'
text always escaped (also inside the map's JSON)."""

from __future__ import annotations

import re

from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from myalmaty.ideas.similarity import index_for_app
from tests.factories import (
    make_group,
    make_idea,
    make_link,
    make_quarter,
    make_recommendation,
)

HOSTILE = "<script>alert('x')</script> ${alert(1)}"


def test_a_theme_shows_its_published_ideas_only(app, client, recommendation):
    group = make_group(title="Courtyards", summary="Yards of the centre", public_answer="We listen")
    shown = make_idea(group=group, title="Shown idea")
    for status in (IdeaStatus.PENDING, IdeaStatus.HIDDEN, IdeaStatus.REJECTED):
        make_idea(group=group, status=status, title=f"Secret {status.value}")
    make_link(recommendation, group=group, rationale="Small steps in one place")
    db.session.commit()
    page = client.get(f"/groups/{group.id}?lang=en").get_data(as_text=True)
    assert "Courtyards" in page and "Yards of the centre" in page and "We listen" in page
    assert "Shown idea" in page
    assert "Secret" not in page
    assert "Focus on a specific place" in page and "Small steps in one place" in page
    assert f"/ideas/{shown.id}" in page
    assert 'id="theme-points"' in page


def test_residents_text_is_escaped_on_the_theme_page_and_in_its_json(app, client):
    group = make_group()
    make_idea(group=group, title=HOSTILE)
    db.session.commit()
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;" in page  # the list
    assert "\\u003cscript\\u003e" in page  # the JSON the map script reads
    folium_scripts = [body for body in re.findall(r"<script nonce=[^>]*>(.*?)</script>", page, re.DOTALL)
                      if "L.map(" in body]
    assert len(folium_scripts) == 1
    assert "alert" not in folium_scripts[0]  # residents' text never goes through folium


def test_a_dissolved_or_unknown_theme_is_not_found(app, client):
    group = make_group()
    from myalmaty.core.models import utcnow

    group.dissolved_at = utcnow()
    db.session.commit()
    assert client.get(f"/groups/{group.id}").status_code == 404
    assert client.get("/groups/999999").status_code == 404


def test_a_recommendation_page_groups_what_is_linked_by_quarter(app, client):
    recommendation = make_recommendation(title_en="Believe in risky ideas", text_en="Invest in them")
    arbat = make_quarter(name_en="Arbat")
    make_quarter(name_en="Unused quarter")
    in_arbat = make_idea(quarter=arbat, title="Arbat market")
    no_quarter = make_idea(title="Somewhere else")
    hidden = make_idea(quarter=arbat, status=IdeaStatus.HIDDEN, title="Hidden one")
    group = make_group(title="Street art")
    grouped = make_idea(quarter=arbat, group=group, title="Murals on Arbat")
    make_idea(quarter=arbat, group=group, status=IdeaStatus.PENDING, title="Pending mural")
    for idea in (in_arbat, no_quarter, hidden):
        make_link(recommendation, idea=idea)
    make_link(recommendation, group=group, rationale="Many small steps")
    db.session.commit()
    page = client.get(f"/recommendations/{recommendation.id}?lang=en").get_data(as_text=True)
    assert "Believe in risky ideas" in page and "Invest in them" in page
    sections = page.split('class="card uptake-quarter"')[1:]
    assert len(sections) == 2  # Arbat, then "outside the quarters"; the unused quarter is absent
    arbat_section = sections[0]
    assert re.search(r'<h3 id="quarter-\d+">(.*?)\s*<span', arbat_section).group(1) == "Arbat"
    assert "Arbat market" in arbat_section and "Murals on Arbat" in arbat_section
    assert "Street art" in arbat_section and "2 ideas" in arbat_section
    assert "Outside the creative quarters" in page and "Somewhere else" in page
    assert "Hidden one" not in page and "Pending mural" not in page
    assert "Unused quarter" not in page
    assert "3 ideas" in page and "1 theme" in page
    assert grouped.title in page


def test_the_recommendation_page_follows_the_language(app, client, recommendation):
    db.session.commit()
    page = client.get(f"/recommendations/{recommendation.id}?lang=kk").get_data(as_text=True)
    assert "Нақты орынға назар аударыңыз" in page


def test_unknown_recommendation_is_not_found(app, client):
    assert client.get("/recommendations/424242").status_code == 404


def test_public_pages_are_constant_in_queries(app, client, count_queries):
    recommendation = make_recommendation()
    group = make_group()
    db.session.commit()

    def measure() -> tuple[int, int]:
        # The similarity index catching up with the changes since is the process's work,
        # shared by every page after it, not this page's (`ideas.similarity`).
        index_for_app()
        with count_queries() as theme:
            client.get(f"/groups/{group.id}")
        with count_queries() as uptake:
            client.get(f"/recommendations/{recommendation.id}")
        return theme.count, uptake.count

    make_link(recommendation, group=group)
    make_idea(group=group, quarter=make_quarter())
    make_link(recommendation, idea=make_idea(quarter=make_quarter()))
    db.session.commit()
    few = measure()
    for _ in range(5):
        make_idea(group=group, quarter=make_quarter())
        make_link(recommendation, idea=make_idea(quarter=make_quarter()))
        other = make_group()
        make_idea(group=other, quarter=make_quarter())
        make_link(recommendation, group=other)
    db.session.commit()
    assert measure() == few
