"""The list at any size: sorted from indexes, ids first, the same queries at any depth."""

from __future__ import annotations

import datetime as dt

from myalmaty.core.models import utcnow
from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from myalmaty.ideas import queries
from myalmaty.ideas.filters import IdeaFilters, Sort
from tests.factories import make_category, make_idea


def test_a_published_idea_always_has_a_publication_time(app):
    idea = make_idea(status=IdeaStatus.PENDING)
    db.session.commit()
    assert idea.published_at is None
    idea.status = IdeaStatus.PUBLISHED
    db.session.commit()
    assert idea.published_at is not None
    inserted = make_idea(published_at=None)
    db.session.commit()
    assert inserted.published_at is not None


def test_each_order_comes_back_in_order_across_pages(app):
    category = make_category()
    start = utcnow() - dt.timedelta(days=30)
    for n in range(12):
        make_idea(category=category, support_count=n % 5, comment_count=(n * 7) % 4,
                  published_at=start + dt.timedelta(hours=(n * 5) % 12))
    db.session.commit()
    keys = {
        Sort.NEWEST: lambda i: (i.published_at, i.id),
        Sort.SUPPORTED: lambda i: (i.support_count, i.id),
        Sort.DISCUSSED: lambda i: (i.comment_count, i.id),
    }
    for sort, key in keys.items():
        pages = [queries.published_page(IdeaFilters(), sort, page, 5) for page in (1, 2, 3)]
        ideas = [idea for page in pages for idea in page.items]
        assert [i.id for i in ideas] == [i.id for i in sorted(ideas, key=key, reverse=True)]
        assert len(ideas) == 12 and pages[0].total == 12


def test_a_deep_page_takes_the_same_queries_as_the_first(client, app, count_queries):
    category = make_category()
    for _ in range(30):
        make_idea(category=category)
    db.session.commit()
    app.config["IDEAS_PER_PAGE"] = 5
    client.get("/ideas/")  # the process loads categories and quarters once (domain.lookups)
    queries._counts.clear()
    with count_queries() as first:
        assert client.get("/ideas/?sort=supported").status_code == 200
    queries._counts.clear()
    with count_queries() as deep:
        assert client.get("/ideas/?sort=supported&page=6").status_code == 200
    assert deep.count == first.count


def test_the_count_is_kept_until_the_change_marker_moves(client, app, count_queries):
    category = make_category()
    for _ in range(3):
        make_idea(category=category)
    db.session.commit()
    client.get("/ideas/")
    with count_queries() as again:
        assert client.get("/ideas/").status_code == 200
    assert not any("count(" in s for s in again.statements)
    make_idea(category=category)
    db.session.commit()
    with count_queries() as changed:
        html = client.get("/ideas/?lang=en").get_data(as_text=True)
    assert any("count(" in s for s in changed.statements)
    assert queries.published_page(IdeaFilters(), Sort.NEWEST, 1, 10).total == 4
    assert html


def test_the_list_reads_both_change_markers_in_one_statement_outside_a_transaction(client,
                                                                                     app):
    """The reference marker (categories and quarters kept in memory) and the change marker
    (the count kept by it) come in one round trip, and no BEGIN or ROLLBACK surrounds the
    list's reads."""
    import sqlalchemy as sa

    make_idea()
    db.session.commit()
    client.get("/ideas/")  # the process loads categories and quarters and counts once
    seen: list[tuple[str, object]] = []

    def record(conn, _cursor, statement, *_args) -> None:
        seen.append((statement, conn.get_execution_options().get("isolation_level")))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/ideas/").status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    statements = [(s, level) for s, level in seen if not s.lstrip().upper().startswith("PRAGMA")]
    assert len([s for s, _level in statements if "content_version" in s]) == 1
    assert {level for _s, level in statements} == {"AUTOCOMMIT"}


def test_a_change_in_the_same_transaction_is_counted(app):
    """The change marker read with the reference marker is not trusted once the transaction
    itself has moved it: the count then comes from the ideas, not from the kept one."""
    from myalmaty.domain import lookups

    make_idea()
    db.session.commit()
    lookups.active_categories()  # reads both markers
    assert queries.published_page(IdeaFilters(), Sort.NEWEST, 1, 10).total == 1
    make_idea()
    db.session.flush()
    assert queries.published_page(IdeaFilters(), Sort.NEWEST, 1, 10).total == 2
    db.session.rollback()
