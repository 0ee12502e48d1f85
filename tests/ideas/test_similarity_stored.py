"""The built similarity index is kept in a file: the next process loads it instead of building,
applies the ideas changed since, and builds after all when the file does not fit."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from myalmaty import create_app
from myalmaty.domain.changes import ContentVersion
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.extensions import db
from myalmaty.ideas import similarity
from myalmaty.ideas.similarity import index_for_app, search, stored
from tests.conftest import make_test_config
from tests.factories import CENTRE, make_idea

CINEMA = "Летний кинотеатр во дворе"
BENCHES = "Скамейки в сквере у фонтана"


@pytest.fixture
def ideas(app):
    made = [make_idea(title=CINEMA, lat=CENTRE[0] + 0.001, lon=CENTRE[1]),
            make_idea(title=BENCHES, description="Нет ни одной скамейки",
                      lat=CENTRE[0], lon=CENTRE[1] + 0.002),
            make_idea(title="Bike lane on Abay avenue", lat=CENTRE[0] - 0.003, lon=CENTRE[1])]
    db.session.commit()
    return made


@pytest.fixture
def index_file(app) -> Path:
    return Path(app.config["SIMILARITY_INDEX_FILE"])


@contextmanager
def another_process(app: Flask) -> Iterator[Flask]:
    """A second app on the same database and index file, as a new worker would be."""
    other = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], Path(
        app.config["SIMILARITY_INDEX_FILE"]).parent))
    with other.app_context():
        try:
            yield other
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """How many times an index is built from every published idea."""
    count: list[int] = []
    build = similarity._rebuild

    def counted():
        count.append(1)
        return build()

    monkeypatch.setattr(similarity, "_rebuild", counted)
    return count


def answers(queries=((CINEMA, *CENTRE), ("скамейка", *CENTRE), ("велодорожка Абай", None, None))):
    return [[(h.idea_id, round(h.likeness, 6), h.shared) for h in search(text, "", lat, lon)]
            for text, lat, lon in queries]


def test_a_build_is_kept_and_the_next_process_loads_it_instead(app, ideas, index_file, builds):
    index_for_app()
    expected = answers()
    assert builds == [1] and index_file.exists()
    with another_process(app):
        assert len(index_for_app()) == 3
        assert answers() == expected
    assert builds == [1]
    assert any(found for found in expected)


def test_ideas_changed_after_the_file_was_written_are_applied(app, ideas, index_file, builds):
    index_for_app()
    for idea in ideas:  # read afresh, as a request editing them would
        db.session.refresh(idea)
    ideas[0].title = "Каток во дворе зимой"
    new = make_idea(title="Фонтан в сквере не работает", lat=CENTRE[0], lon=CENTRE[1])
    ideas[2].status = IdeaStatus.HIDDEN
    db.session.commit()
    edited, added = ideas[0].id, new.id
    with another_process(app):
        index = index_for_app()
        assert builds == [1]
        assert len(index) == 3
        assert [h.idea_id for h in search("каток", "", *CENTRE)] == [edited]
        assert added in [h.idea_id for h in search("фонтан", "", *CENTRE)]
        assert search("Bike lane on Abay avenue") == []


def test_a_damaged_file_is_ignored_and_the_index_built(app, ideas, index_file, builds, caplog):
    index_for_app()
    index_file.write_bytes(index_file.read_bytes()[:1000])
    cinema = ideas[0].id
    with another_process(app):
        assert len(index_for_app()) == 3
        assert [h.idea_id for h in search(CINEMA, "", *CENTRE)][0] == cinema
    assert builds == [1, 1]
    assert "cannot be read" in caplog.text
    # The build wrote a whole file again.
    with another_process(app):
        index_for_app()
    assert builds == [1, 1]


def test_a_page_asking_for_suggestions_answers_with_a_damaged_file(app, ideas, index_file):
    index_file.write_bytes(b"not an index")
    response = app.test_client().get("/api/ideas/similar", query_string={
        "text": CINEMA, "lat": CENTRE[0], "lon": CENTRE[1]})
    assert response.status_code == 200
    assert ideas[0].id in [item["id"] for item in response.get_json()["ideas"]]


def test_a_file_ahead_of_the_database_is_not_used(app, ideas, index_file, builds, caplog):
    """A database restored from a backup is behind the file: the file says nothing of it."""
    index_for_app()
    db.session.execute(sa.update(ContentVersion).values(version=ContentVersion.version - 100))
    db.session.commit()
    with another_process(app):
        index_for_app()
    assert builds == [1, 1]
    assert "ahead of the database" in caplog.text


def test_a_file_not_matching_the_ideas_is_not_used(app, ideas, index_file, builds, caplog):
    """Ideas put back from a backup without their marks (or an idea deleted, and its mark
    with it): the ideas themselves tell."""
    index_for_app()
    db.session.execute(sa.delete(Idea).where(Idea.id == ideas[2].id))
    db.session.commit()
    with another_process(app):
        assert len(index_for_app()) == 2
    assert builds == [1, 1]
    assert "does not match the database" in caplog.text


def test_a_file_of_another_format_is_not_used(app, ideas, index_file, builds, monkeypatch,
                                              caplog):
    index_for_app()
    monkeypatch.setattr(stored, "FORMAT", stored.FORMAT + 1)
    with another_process(app):
        index_for_app()
    assert builds == [1, 1]
    assert "of another format" in caplog.text


def test_no_file_when_switched_off(app, ideas, index_file, builds):
    app.config["SIMILARITY_INDEX_FILE"] = ""
    index_for_app()
    assert not index_file.exists()


def test_a_file_of_another_database_is_not_used(app, ideas, index_file, builds, monkeypatch,
                                                caplog):
    index_for_app()
    monkeypatch.setattr(similarity, "_source", lambda: "sqlite:///elsewhere.sqlite3")
    with another_process(app):
        index_for_app()
    assert builds == [1, 1]
    assert "of another database" in caplog.text


def test_processes_take_turns_to_build(tmp_path):
    path = tmp_path / "similarity-index.npz"
    entered = threading.Event()

    def second() -> None:
        with stored.turn_to_build(path):
            entered.set()

    with stored.turn_to_build(path):
        thread = threading.Thread(target=second)
        thread.start()
        assert not entered.wait(0.3)  # it waits while the first one builds
    thread.join(timeout=10)
    assert entered.is_set()


def test_a_file_made_by_another_release_is_not_used(app, ideas, index_file, builds,
                                                   monkeypatch, caplog):
    """A term added to the lexicon, or a spelling rule changed, makes other tokens."""
    index_for_app()
    monkeypatch.setattr(stored, "making", lambda: "another lexicon")
    with another_process(app):
        index_for_app()
    assert builds == [1, 1]
    assert "made by another release" in caplog.text
