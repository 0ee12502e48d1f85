"""A web worker builds its similarity index at start, in the background; searches meanwhile
answer at once, the former way, instead of waiting for the build."""

from __future__ import annotations

import threading

import pytest

from myalmaty.extensions import db
from myalmaty.ideas import similarity
from myalmaty.ideas.similarity import similar_ideas, start_warm_up
from tests.factories import CENTRE, make_idea

CINEMA = "Летний кинотеатр во дворе"


@pytest.fixture
def app_config():
    return {"SIMILARITY_WARMUP": True, "SIMILARITY_WAIT_MS": 50}


@pytest.fixture
def cinema(app):
    idea = make_idea(title=CINEMA, lat=CENTRE[0] + 0.001, lon=CENTRE[1])
    db.session.commit()
    return idea


def kept_index(app):
    return app.extensions["similarity_index"].index


def test_the_warm_up_builds_the_index_before_any_search(app, cinema):
    thread = start_warm_up(app)
    assert thread is not None
    thread.join(timeout=30)
    assert not thread.is_alive()
    index = kept_index(app)
    assert index is not None and len(index) == 1
    [found] = similar_ideas("Кинотеатр во дворе", *CENTRE)
    assert found.idea.id == cinema.id
    assert found.shared_words  # from the index: it says why
    assert kept_index(app) is index  # the search used the index the warm-up built


def test_a_search_during_the_build_answers_the_former_way_without_waiting(app, cinema,
                                                                            monkeypatch):
    release = threading.Event()
    build = similarity._rebuild

    def slow_build():
        assert release.wait(timeout=30), "the search waited for the build"
        return build()

    monkeypatch.setattr(similarity, "_rebuild", slow_build)
    thread = start_warm_up(app)
    try:
        # The build is held back until this search has answered: had it waited for the
        # build, it would never answer (and the build would fail its own wait).
        [found] = similar_ideas("Летний кинотеатр во дворе", *CENTRE)
        assert found.idea.id == cinema.id
        assert found.shared_words == ()  # the former way says no why
        assert kept_index(app) is None
    finally:
        release.set()
        thread.join(timeout=30)
    assert len(kept_index(app)) == 1
    [found] = similar_ideas("Летний кинотеатр во дворе", *CENTRE)
    assert found.shared_words


def test_a_failed_warm_up_leaves_the_first_search_to_build_it(app, cinema, monkeypatch, caplog):
    build = similarity._rebuild

    def failing():
        raise RuntimeError("database away")

    monkeypatch.setattr(similarity, "_rebuild", failing)
    start_warm_up(app).join(timeout=30)
    assert "Building the similarity index at start failed" in caplog.text
    monkeypatch.setattr(similarity, "_rebuild", build)
    assert [s.idea.id for s in similar_ideas(CINEMA, *CENTRE)] == [cinema.id]
    assert len(kept_index(app)) == 1


def test_no_warm_up_when_switched_off(app):
    app.config["SIMILARITY_WARMUP"] = False
    assert start_warm_up(app) is None
    assert "similarity_index" not in app.extensions or kept_index(app) is None
