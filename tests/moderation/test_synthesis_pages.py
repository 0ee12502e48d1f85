"""The synthesis of a theme's and a recommendation's ideas on their public pages and on the
moderators' theme page: what the ideas say together, never a hidden idea, and an empty one
that reads as such."""

from __future__ import annotations

import re

import pytest

from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests.factories import make_group, make_idea, make_link, make_quarter, make_support


def synthesis_of(page: str) -> str:
    found = re.search(r'<section class="card synthesis".*?</section>', page, re.DOTALL)
    assert found, "no synthesis on the page"
    return found.group(0)


@pytest.fixture
def benches(app, recommendation):
    centre = make_quarter(name_en="Centre")
    group = make_group(title="Дворы")
    ideas = [
        make_idea(group=group, quarter=centre, title="Скамейки во дворе",
                  description="Поставить скамейки во дворе дома."),
        make_idea(group=group, quarter=centre, title="Новые скамейки во дворе",
                  description="Во дворе нет скамеек."),
        make_idea(group=group, title="Скамейки и урны во дворе",
                  description="Скамейки и урны во дворе у площадки."),
        make_idea(group=group, quarter=centre, title="Велодорожка по Абая",
                  description="Разметка для велосипедов."),
    ]
    make_support(ideas[3])
    make_support(ideas[3])
    make_idea(group=group, status=IdeaStatus.HIDDEN, title="Hidden bench",
              quarter=make_quarter(name_en="Secret quarter"))
    make_link(recommendation, group=group)
    db.session.commit()
    return group, ideas


def test_the_theme_page_shows_its_synthesis(client, benches):
    group, ideas = benches
    shown = synthesis_of(client.get(f"/groups/{group.id}?lang=en").get_data(as_text=True))
    assert "Synthesis of the ideas" in shown
    assert re.search(r"<dt>Ideas</dt><dd>4</dd>", shown)
    assert re.search(r"<dt>Supporters</dt><dd>2</dd>", shown)
    assert "Centre" in shown and "1 idea outside the creative quarters" in shown
    assert "скамейки" in shown and "skameiki" not in shown
    representative = shown[shown.index("Most representative ideas"):shown.index("Most supported idea")]
    assert [f"/ideas/{i.id}" in representative for i in ideas] == [True, True, True, False]
    most = shown[shown.index("Most supported idea"):]
    assert f"/ideas/{ideas[3].id}" in most and "2 supporters" in most
    assert "Hidden bench" not in shown and "Secret quarter" not in shown


def test_the_recommendation_page_shows_its_synthesis(client, benches, recommendation):
    _group, ideas = benches
    page = client.get(f"/recommendations/{recommendation.id}?lang=ru").get_data(as_text=True)
    shown = synthesis_of(page)
    assert "Обобщение идей" in shown
    assert f"/ideas/{ideas[3].id}" in shown
    assert "Hidden bench" not in shown


def test_the_moderators_theme_page_shows_the_synthesis_of_its_published_ideas(as_moderator, benches):
    group, ideas = benches
    shown = synthesis_of(as_moderator.get(f"/moderation/groups/{group.id}?lang=en").get_data(as_text=True))
    assert "Synthesis of the published ideas" in shown
    assert re.search(r"<dt>Ideas</dt><dd>4</dd>", shown)
    assert "Hidden bench" not in shown


@pytest.mark.parametrize("lang, empty", [("en", "No ideas yet."), ("ru", "Идей пока нет."),
                                         ("kk", "Әзірге идея жоқ.")])
def test_a_theme_or_recommendation_without_published_ideas_says_so(client, app, recommendation, lang, empty):
    group = make_group()
    make_idea(group=group, status=IdeaStatus.PENDING)
    make_link(recommendation, group=group)
    db.session.commit()
    for url in (f"/groups/{group.id}", f"/recommendations/{recommendation.id}"):
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == 200
        assert empty in synthesis_of(response.get_data(as_text=True))
