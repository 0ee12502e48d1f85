"""Text search reads the full-text index, matches word beginnings in Russian, Kazakh and
English, and no search text, however hostile, breaks it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from myalmaty.domain import search
from myalmaty.domain.ideas import Idea
from myalmaty.extensions import db
from myalmaty.ideas.queries import matching_text
from tests.factories import make_idea


def _titles(q: str) -> set[str]:
    condition = matching_text(q)
    query = sa.select(Idea.title)
    return set(db.session.scalars(query if condition is None else query.where(condition)))


@pytest.fixture
def ideas(app):
    make_idea(title="Новые велодорожки на Абая")
    make_idea(title="Көк жасыл саябақ")
    make_idea(title="Shaded benches along the river")
    db.session.commit()


@pytest.mark.parametrize(("q", "expected"), [
    ("велодорож", {"Новые велодорожки на Абая"}),
    ("ВЕЛОДОРОЖКИ абая", {"Новые велодорожки на Абая"}),
    ("саяба", {"Көк жасыл саябақ"}),
    ("көк", {"Көк жасыл саябақ"}),
    # Kazakh letters typed as the Russian ones nearest them, and the other way round.
    ("кок", {"Көк жасыл саябақ"}),
    ("КОК саябак", {"Көк жасыл саябақ"}),
    ("жасыл саябақ", {"Көк жасыл саябақ"}),
    ("bench", {"Shaded benches along the river"}),
    ("велодорож river", set()),
])
def test_search_matches_word_beginnings_in_every_language(ideas, q, expected):
    assert _titles(q) == expected


@pytest.mark.parametrize("q", [
    '"', "'", '"велодорож', "велодорож*", "NEAR(a b)", "a AND OR NOT b", "bench:*", "!&|()",
    "x" * 5000, "-bench", "^bench", "a'); DROP TABLE ideas; --",
])
def test_hostile_search_text_is_only_words(ideas, q):
    _titles(q)  # must not raise


def test_a_search_of_only_punctuation_narrows_nothing(ideas):
    assert matching_text(" ?!* ") is None


def test_the_list_and_the_api_agree_under_a_search(client, ideas):
    html = client.get("/ideas/?q=велодорож").get_data(as_text=True)
    assert "Новые велодорожки на Абая" in html and "Shaded benches" not in html
    features = client.get("/api/ideas?q=велодорож").get_json()["features"]
    assert [f["properties"]["title"] for f in features] == ["Новые велодорожки на Абая"]


def test_the_search_reads_the_index(app, ideas):
    condition = matching_text("велодорож")
    query = sa.select(Idea.id).where(condition)
    if db.engine.dialect.name == "sqlite":
        plan = db.session.execute(sa.text("EXPLAIN QUERY PLAN " + str(
            query.compile(db.engine, compile_kwargs={"literal_binds": True})))).all()
        assert any("ideas_fts" in str(row) for row in plan)
    else:
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = db.session.execute(sa.text("EXPLAIN " + str(
            query.compile(db.engine, compile_kwargs={"literal_binds": True})))).all()
        assert any(search.GIN_INDEX in str(row) for row in plan)
