"""One meaning everywhere: an idea takes up a recommendation, or is on a forum's agenda, when it
is linked or put there itself, or sits in an active theme that is (`domain.rules`).

The organisers' dashboard, the idea's own page, the public recommendation page and exports all
count the same ideas, and none of them counts an idea through a dissolved theme.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import Idea
from myalmaty.exports.filters import parse_filters
from myalmaty.exports.queries import iter_idea_rows, load_reference_data
from myalmaty.extensions import db
from myalmaty.ideas import queries as idea_queries
from myalmaty.moderation import public_queries
from myalmaty.moderation import services as moderation
from myalmaty.organise.dashboard_queries import dashboard
from tests.factories import (
    make_agenda_item,
    make_forum,
    make_group,
    make_idea,
    make_link,
    make_recommendation,
    make_user,
)


@pytest.fixture
def through_theme(app):
    """An idea linked to a recommendation and put on a forum's agenda only through its theme,
    and an idea linked directly, outside any theme."""
    forum = make_forum()
    recommendation = make_recommendation(forum=forum)
    theme = make_group(title="Courtyards")
    in_theme = make_idea(group=theme, title="Benches in the yard")
    direct = make_idea(title="A mural")
    make_link(recommendation, group=theme)
    make_link(recommendation, idea=direct)
    make_agenda_item(forum, group=theme, position=1)
    db.session.commit()
    return forum, recommendation, theme, in_theme, direct


def covered_on_dashboard(recommendation_id: int) -> int:
    board = dashboard(utcnow(), ZoneInfo("Asia/Almaty"))
    (coverage,) = [c for c in board.coverage if c.recommendation.id == recommendation_id]
    return coverage.covered_ideas


def exported(**filters: str) -> dict[int, tuple[int, ...]]:
    """{idea id: recommendation ids} of the ideas an export with these filters holds."""
    rows = iter_idea_rows(parse_filters(filters), load_reference_data("en"))
    return {row.id: row.recommendation_ids for row in rows}


def on_idea_page(idea: Idea) -> tuple[list[int], list[int]]:
    """(recommendation ids, forum ids) the idea's own page shows."""
    links = idea_queries.recommendation_links([idea]).get(idea.id, [])
    forums = idea_queries.agenda_forums([idea]).get(idea.id, [])
    return [link.recommendation_id for link in links], [forum.id for forum in forums]


def test_an_idea_in_a_linked_theme_is_counted_by_every_reader(through_theme):
    forum, recommendation, _theme, in_theme, direct = through_theme

    assert covered_on_dashboard(recommendation.id) == 2
    assert public_queries.recommendation_uptake(recommendation.id).idea_count == 2
    assert exported(recommendation=str(recommendation.id)) == {
        in_theme.id: (recommendation.id,), direct.id: (recommendation.id,),
    }
    assert exported()[in_theme.id] == (recommendation.id,)
    assert exported(forum=str(forum.id)).keys() == {in_theme.id}
    assert on_idea_page(in_theme) == ([recommendation.id], [forum.id])


def _dissolve_through_the_service(theme) -> None:
    moderation.dissolve_group(make_user(role=Role.MODERATOR), theme, version=theme.version)


def _mark_dissolved_with_its_ideas_left_in(theme) -> None:
    # The service takes the ideas out; the rule must hold even for an idea left pointing at it.
    theme.dissolved_at = utcnow() - dt.timedelta(minutes=1)


@pytest.mark.parametrize("dissolve", [_dissolve_through_the_service,
                                      _mark_dissolved_with_its_ideas_left_in])
def test_after_the_theme_is_dissolved_no_reader_counts_its_ideas(through_theme, dissolve):
    forum, recommendation, theme, in_theme, direct = through_theme
    dissolve(theme)
    db.session.commit()

    assert covered_on_dashboard(recommendation.id) == 1
    assert public_queries.recommendation_uptake(recommendation.id).idea_count == 1
    assert exported(recommendation=str(recommendation.id)) == {direct.id: (recommendation.id,)}
    assert exported()[in_theme.id] == ()
    assert exported(forum=str(forum.id)) == {}
    assert on_idea_page(in_theme) == ([], [])
