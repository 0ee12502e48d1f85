"""The organisers' dashboard: numbers from known data, charts with text alternatives, a map."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask

from myalmaty.core.models import utcnow
from myalmaty.domain.ideas import Idea, IdeaStage, IdeaStatus
from myalmaty.domain.reference import Quarter
from myalmaty.extensions import db
from myalmaty.ideas.similarity import index_for_app
from myalmaty.organise import dashboard_queries
from myalmaty.organise.quarter_maps import PALETTE
from tests import factories
from tests.organise.data import square

ALMATY = ZoneInfo("Asia/Almaty")


def _row(page: str, label: str, number: int) -> bool:
    """A table row whose heading cell holds `label` and whose next cell is `number`."""
    pattern = rf'<th scope="row">(?:(?!</th>).)*{re.escape(label)}(?:(?!</th>).)*</th>\s*<td class="number">{number}</td>'
    return re.search(pattern, page, re.S) is not None


@pytest.fixture
def two_quarters(app: Flask) -> tuple[Quarter, Quarter]:
    alatau = factories.make_quarter(square(76.90, 43.20, 76.92, 43.22), name_en="Alatau quarter")
    bazar = factories.make_quarter(square(76.94, 43.25, 76.96, 43.27), name_en="Bazar quarter")
    crafts = factories.make_category(name_en="Crafts")
    music = factories.make_category(name_en="Music")
    for _ in range(3):
        factories.make_idea(quarter=alatau, category=crafts, lat=43.21, lon=76.91)
    factories.make_idea(quarter=bazar, category=music, lat=43.26, lon=76.95, stage=IdeaStage.SELECTED_FOR_FORUM)
    factories.make_idea(quarter=None, category=music)
    factories.make_idea(status=IdeaStatus.PENDING, quarter=alatau, category=crafts)
    factories.make_idea(status=IdeaStatus.REJECTED, quarter=alatau, category=crafts)
    db.session.commit()
    return alatau, bazar


def test_ideas_by_quarter_show_in_the_chart_the_table_and_the_map(as_organiser, two_quarters):
    page = as_organiser.get("/organise/").get_data(as_text=True)

    # The bars, with their own titles…
    assert 'title="Alatau quarter: 3"' in page
    assert 'title="Bazar quarter: 1"' in page
    assert 'title="Outside any quarter: 1"' in page
    # …the table that is their text alternative…
    assert _row(page, "Alatau quarter", 3)
    assert _row(page, "Bazar quarter", 1)
    # …and the map, coloured by count: the busiest quarter darkest.
    assert f'"fillColor": "{PALETTE[-1]}"' in page
    assert f'"fillColor": "{PALETTE[0]}"' in page


def test_the_map_is_coloured_again_once_counts_move_a_quarter_to_another_class(as_organiser,
                                                                              two_quarters):
    _alatau, bazar = two_quarters
    # 3 and 1 ideas: the darkest and the lightest colours, nothing between.
    before = as_organiser.get("/organise/").get_data(as_text=True)
    assert f'"fillColor": "{PALETTE[2]}"' not in before

    factories.make_idea(quarter=bazar)
    db.session.commit()
    after = as_organiser.get("/organise/").get_data(as_text=True)

    # 3 and 2: Bazar now in the middle class, not in the map rendered (and kept) before.
    assert f'"fillColor": "{PALETTE[2]}"' in after
    assert f'"fillColor": "{PALETTE[0]}"' not in after


def test_pending_and_rejected_ideas_are_not_counted_as_published(as_organiser, two_quarters):
    page = as_organiser.get("/organise/").get_data(as_text=True)

    assert _row(page, "Published", 5)
    assert _row(page, "Awaiting moderation", 1)
    assert _row(page, "Rejected", 1)
    assert 'title="Crafts: 3"' in page
    assert 'title="Music: 2"' in page
    assert _row(page, "Selected for a forum", 1)
    assert _row(page, "New", 4)


def test_charts_are_images_with_a_title_and_a_description(as_organiser, two_quarters):
    page = as_organiser.get("/organise/").get_data(as_text=True)

    charts = re.findall(r"<div [^>]*class=\"chart [^>]*>", page)
    assert len(charts) == 4
    for chart in charts:
        assert 'role="img"' in chart and "aria-describedby=" in chart and "aria-label=" in chart
    assert "Show as a table" in page


def test_no_page_part_comes_from_another_host(as_organiser, two_quarters):
    page = as_organiser.get("/organise/").get_data(as_text=True)

    hosts = set(re.findall(r"(?:src|href)=\"(https?://[^/\"]+)", page))
    assert hosts == set()
    assert "cdn" not in page.lower()


def test_weeks_are_counted_in_almaty_time(app):
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # a Wednesday
    category = factories.make_category()
    for published_at in (
        dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC),    # this week
        dt.datetime(2026, 11, 22, 19, 30, tzinfo=dt.UTC),  # Monday 00:30 in Almaty: this week
        dt.datetime(2026, 11, 22, 18, 0, tzinfo=dt.UTC),   # Sunday 23:00 in Almaty: last week
        dt.datetime(2026, 9, 8, 12, 0, tzinfo=dt.UTC),     # the first of the twelve weeks
        dt.datetime(2026, 8, 1, 12, 0, tzinfo=dt.UTC),     # before the twelve weeks
    ):
        factories.make_idea(category=category, published_at=published_at)
    db.session.commit()

    weeks = dashboard_queries.dashboard(now, ALMATY).weeks

    assert len(weeks) == 12
    assert weeks[0] == (dt.date(2026, 9, 7), 1)
    assert weeks[-2] == (dt.date(2026, 11, 16), 1)
    assert weeks[-1] == (dt.date(2026, 11, 23), 2)
    assert sum(number for _, number in weeks) == 4


def test_the_pending_backlog_its_oldest_and_median_age(as_organiser):
    now = utcnow()
    category = factories.make_category()
    for days in (10, 6, 2, 1):
        factories.make_idea(status=IdeaStatus.PENDING, category=category, created_at=now - dt.timedelta(days=days))
    db.session.commit()

    pending = dashboard_queries.dashboard(now, ALMATY).pending
    page = as_organiser.get("/organise/").get_data(as_text=True)

    assert pending.count == 4
    assert pending.oldest == pytest.approx(now - dt.timedelta(days=10), abs=dt.timedelta(seconds=1))
    assert pending.median == pytest.approx(now - dt.timedelta(days=4), abs=dt.timedelta(seconds=1))
    assert re.search(r"<dt>Oldest waiting</dt>\s*<dd>10 days</dd>", page)
    assert re.search(r"<dt>Median wait</dt>\s*<dd>4 days</dd>", page)


def test_an_empty_backlog_says_so(as_organiser):
    page = as_organiser.get("/organise/").get_data(as_text=True)

    assert re.search(r"<dt>Oldest waiting</dt>\s*<dd>—</dd>", page)
    assert "No published ideas yet." in page


def test_the_most_supported_ideas_come_first_with_links(as_organiser):
    popular = factories.make_idea(title="Popular courtyard", support_count=12)
    quiet = factories.make_idea(title="Quiet corner", support_count=2)
    factories.make_idea(title="Pending favourite", status=IdeaStatus.PENDING, support_count=50)
    db.session.commit()

    page = as_organiser.get("/organise/").get_data(as_text=True)

    assert page.index("Popular courtyard") < page.index("Quiet corner")
    assert f'href="/ideas/{popular.id}"' in page and f'href="/ideas/{quiet.id}"' in page
    assert "Pending favourite" not in page
    assert "12 supports" in page


def test_coverage_counts_ideas_linked_directly_or_through_a_group_per_quarter(as_organiser, two_quarters):
    alatau, bazar = two_quarters
    forum = factories.make_forum()
    risky = factories.make_recommendation(forum, title_en="Risky ideas")
    place = factories.make_recommendation(forum, title_en="A place")
    a1 = factories.make_idea(quarter=alatau)
    group = factories.make_group()
    factories.make_idea(quarter=alatau, group=group)
    factories.make_idea(quarter=bazar, group=group)
    factories.make_link(risky, idea=a1)
    factories.make_link(risky, group=group)
    factories.make_link(risky, idea=factories.make_idea(status=IdeaStatus.PENDING))
    factories.make_link(place, group=factories.make_group(dissolved_at=utcnow()))
    db.session.commit()

    coverage = {c.recommendation.title_en: c for c in dashboard_queries.dashboard(utcnow(), ALMATY).coverage}
    page = as_organiser.get("/organise/").get_data(as_text=True)

    assert (coverage["Risky ideas"].linked_ideas, coverage["Risky ideas"].linked_groups) == (1, 1)
    assert coverage["Risky ideas"].by_quarter == {alatau.id: 2, bazar.id: 1}
    assert coverage["Risky ideas"].covered_ideas == 3
    assert (coverage["A place"].linked_groups, coverage["A place"].covered_ideas) == (0, 0)
    row = re.search(r"Risky ideas.*?</tr>", page, re.S).group(0)
    assert re.findall(r'<td class="number">(\d+)</td>', row) == ["1", "1", "3", "2", "1", "0"]


def _grow_world() -> None:
    """More of everything the dashboard counts."""
    for n in range(3):
        quarter = factories.make_quarter(square(76.90 + n * 0.02, 43.20, 76.91 + n * 0.02, 43.21))
        category = factories.make_category()
        forum = factories.make_forum()
        recommendation = factories.make_recommendation(forum)
        group = factories.make_group()
        for m in range(4):
            idea = factories.make_idea(quarter=quarter, category=category, group=group if m % 2 else None,
                                       support_count=m)
            factories.make_link(recommendation, idea=idea)
        factories.make_link(recommendation, group=group)
        factories.make_idea(status=IdeaStatus.PENDING, quarter=quarter, category=category)
    db.session.commit()


def test_the_dashboard_runs_the_same_number_of_queries_whatever_the_data(as_organiser, count_queries):
    _grow_world()
    # The similarity index catching up with the new ideas is the process's work, shared by
    # every page after it, not the dashboard's.
    index_for_app()
    with count_queries() as small:
        assert as_organiser.get("/organise/").status_code == 200

    _grow_world()
    _grow_world()
    index_for_app()
    with count_queries() as large:
        assert as_organiser.get("/organise/").status_code == 200

    assert large.count == small.count
    # Counting afresh (the data changed each time): the change marker and the categories apart
    # from their counts come on top of the dozen aggregates; 6 for the syntheses (the largest
    # themes, the index's marker, the ideas, their supporters, their quarters, the ideas named).
    assert small.count <= 23


def _ideas_aggregates(statements: list[str]) -> list[str]:
    return [s for s in statements if "GROUP BY ideas." in s or "FILTER (WHERE ideas.published_at" in s]


def test_published_ideas_are_never_grouped_even_right_after_they_change(as_organiser, count_queries,
                                                                         two_quarters):
    first, _second = two_quarters
    idea = factories.make_idea(quarter=first)
    db.session.commit()
    with count_queries() as unchanged:
        page = as_organiser.get("/organise/").get_data(as_text=True)
    assert _row(page, first.name_en, 4)

    idea.stage = IdeaStage.DONE
    factories.make_idea(quarter=first)
    db.session.commit()
    with count_queries() as changed:
        page = as_organiser.get("/organise/").get_data(as_text=True)

    # Only the statuses other than published are counted from the ideas; the published ones
    # come from the counts kept on write, whatever changed.
    for counter in (unchanged, changed):
        assert [s for s in _ideas_aggregates(counter.statements) if "IN (" not in s] == []
        assert any("FROM published_counts" in s for s in counter.statements)
    assert _row(page, first.name_en, 5)
    assert _row(page, "Done", 1)


def test_a_transaction_that_changed_ideas_counts_them_itself(app, two_quarters):
    first, _second = two_quarters
    timezone = ZoneInfo("Asia/Almaty")
    before = dashboard_queries.published_counts(utcnow(), timezone).by_quarter.get(first.id, 0)
    db.session.commit()
    factories.make_idea(quarter=first)  # flushed, not committed
    during = dashboard_queries.published_counts(utcnow(), timezone).by_quarter.get(first.id, 0)
    db.session.rollback()
    after = dashboard_queries.published_counts(utcnow(), timezone).by_quarter.get(first.id, 0)
    assert (before, during, after) == (before, before + 1, before)


def test_lists_run_a_constant_number_of_queries(as_organiser, count_queries):
    _grow_world()
    counts = {}
    for label in ("small", "large"):
        with count_queries() as counter:
            for url in ("/organise/forums", "/organise/quarters", "/organise/categories", "/organise/users"):
                assert as_organiser.get(url).status_code == 200
        counts[label] = counter.count
        _grow_world()
        _grow_world()

    assert counts["large"] == counts["small"]


def test_a_forum_page_runs_a_constant_number_of_queries(as_organiser, count_queries):
    forum = factories.make_forum()
    quarter = factories.make_quarter()

    def add_items(n: int) -> None:
        recommendation = factories.make_recommendation(forum)
        for _ in range(n):
            idea = factories.make_idea(quarter=quarter)
            factories.make_link(recommendation, idea=idea)
            factories.make_agenda_item(forum, idea=idea)
            factories.make_agenda_item(forum, group=factories.make_group())
            factories.make_link(recommendation, idea=factories.make_idea())
        db.session.commit()

    add_items(1)
    with count_queries() as small:
        assert as_organiser.get(f"/organise/forums/{forum.id}").status_code == 200
    add_items(5)
    with count_queries() as large:
        page = as_organiser.get(f"/organise/forums/{forum.id}").get_data(as_text=True)

    assert large.count == small.count
    assert page.count('class="card" id="agenda-') == 12


def _synthesis(page: str, heading_id: str) -> str:
    found = re.search(rf'<section class="card synthesis" aria-labelledby="{heading_id}">.*?</section>', page, re.S)
    assert found, f"no synthesis {heading_id}"
    return found.group(0)


def test_the_dashboard_shows_a_synthesis_per_recommendation_and_for_the_largest_themes(as_organiser):
    recommendation = factories.make_recommendation(title_en="Focus on a place")
    empty = factories.make_recommendation(title_en="Believe in risky ideas")
    group = factories.make_group(title="Дворы")
    benches = [factories.make_idea(group=group, title=title, description="Скамейки во дворе у дома.")
               for title in ("Скамейки во дворе", "Новые скамейки во дворе")]
    lane = factories.make_idea(group=group, title="Велодорожка по Абая", description="Разметка.")
    factories.make_support(lane)
    factories.make_idea(status=IdeaStatus.HIDDEN, group=group, title="Hidden bench")
    factories.make_link(recommendation, group=group)
    small = factories.make_group(title="Small theme")
    factories.make_idea(group=small, title="A lone idea")
    db.session.commit()

    page = as_organiser.get("/organise/?lang=en").get_data(as_text=True)
    focus = _synthesis(page, f"synthesis-rec-{recommendation.id}")
    assert "Focus on a place" in focus and re.search(r"<dt>Ideas</dt><dd>3</dd>", focus)
    assert "скамейки" in focus and f"/ideas/{lane.id}" in focus
    assert all(f"/ideas/{b.id}" in focus for b in benches)
    assert "Hidden bench" not in page
    assert "No ideas yet." in _synthesis(page, f"synthesis-rec-{empty.id}")
    theme = _synthesis(page, f"synthesis-theme-{group.id}")
    assert "Theme: Дворы" in theme
    assert page.index(f"synthesis-theme-{group.id}") < page.index(f"synthesis-theme-{small.id}")


def _copies_of(idea_id: int, number: int) -> None:
    """`number` more published ideas like `idea_id` (in no theme), by one bulk insert."""
    ideas = Idea.__table__
    row = db.session.execute(sa.select(ideas).where(ideas.c.id == idea_id)).one()._asdict()
    del row["id"]
    db.session.execute(sa.insert(ideas), [{**row, "import_hash": None} for _ in range(number)])
    db.session.commit()


def test_themes_and_coverage_start_from_the_themes_not_from_every_idea(app, as_organiser):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner, led by its statistics")
    # Many ideas, no theme or recommendation yet (as the city starts), with statistics.
    _copies_of(factories.make_idea().id, 3000)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    db.engine.dispose()  # plans are made with the statistics a connection read when it opened
    as_organiser.get("/organise/")  # the published counts, counted once and kept
    asked: list[tuple[str, tuple]] = []

    def record(_conn, _cursor, statement, parameters, *_args) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and "ideas" in statement:
            asked.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert as_organiser.get("/organise/").status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)

    scans = []
    with db.engine.connect() as connection:
        for statement, parameters in asked:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            scans += [row[-1] for row in plan if re.fullmatch(r"SCAN ideas(_\d+)?", row[-1])]
    assert asked
    assert scans == []
