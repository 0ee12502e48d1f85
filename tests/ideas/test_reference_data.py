"""Categories and quarters kept in each process's memory: current after a change made by any
other process, and read with one statement while nothing changes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from shapely.geometry import shape
from sqlalchemy.pool import NullPool

from myalmaty import create_app
from myalmaty.core.geo import geometry_summary
from myalmaty.domain import lookups
from myalmaty.domain.reference import Category
from myalmaty.extensions import db
from tests.conftest import make_test_config
from tests.factories import CENTRE, make_category, make_quarter

# A square east of Panfilov Park, which CENTRE is not in.
EAST_SQUARE = {"type": "Polygon", "coordinates": [[[76.970, 43.252], [76.985, 43.252],
                                                   [76.985, 43.265], [76.970, 43.265],
                                                   [76.970, 43.252]]]}


@pytest.fixture
def other_worker(app: Flask, tmp_path) -> Iterator[Flask]:
    """A second app on the same database, as another gunicorn worker would be."""
    # Connections closed as soon as they are returned: none outlives the test.
    other = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path,
                                        SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool}))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _in(worker: Flask, lookup):
    with worker.app_context():
        return lookup()


def _slugs(objects) -> list[str]:
    return [obj.slug for obj in objects]


def test_a_category_changed_through_one_worker_is_seen_by_another(app, other_worker):
    culture = make_category(slug="culture", position=1)
    db.session.commit()
    assert _slugs(_in(other_worker, lookups.active_categories)) == ["culture"]

    make_category(slug="streets", position=0)
    culture.name_en = "Culture and art"
    db.session.commit()
    categories = _in(other_worker, lambda: [(c.slug, c.name_en)
                                            for c in lookups.active_categories()])
    assert [slug for slug, _name in categories] == ["streets", "culture"]
    assert categories[1] == ("culture", "Culture and art")

    culture.archived = True
    db.session.commit()
    assert _slugs(_in(other_worker, lookups.active_categories)) == ["streets"]
    assert _in(other_worker, lambda: lookups.active_category(culture.id)) is None


def test_a_quarter_moved_through_one_worker_covers_points_for_another(app, other_worker):
    quarter = make_quarter(slug="panfilov")
    db.session.commit()
    found = _in(other_worker, lambda: getattr(lookups.quarter_containing(*CENTRE), "slug", None))
    assert found == "panfilov"

    quarter.boundary_geojson = json.dumps(EAST_SQUARE)
    for name, value in geometry_summary(shape(EAST_SQUARE)).items():
        setattr(quarter, name, value)
    db.session.commit()
    assert _in(other_worker, lambda: lookups.quarter_containing(*CENTRE)) is None
    assert _slugs(_in(other_worker, lookups.active_quarters)) == ["panfilov"]


def test_while_nothing_changes_a_transaction_reads_only_the_marker_once(app, other_worker):
    make_category(slug="culture")
    make_quarter(slug="panfilov")
    db.session.commit()
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with other_worker.app_context():
        lookups.active_categories()  # loads the copies once
        db.session.rollback()  # as a request ends
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            lookups.active_categories()
            lookups.active_quarters()
            lookups.quarter_containing(*CENTRE)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) == 1
    assert "content_version" in statements[0]


def test_the_next_transaction_reads_the_marker_again(app, other_worker):
    make_category(slug="culture")
    db.session.commit()
    with other_worker.app_context():
        assert _slugs(lookups.active_categories()) == ["culture"]
        db.session.rollback()  # as a request ends
    make_category(slug="streets")
    db.session.commit()
    with other_worker.app_context():
        assert sorted(_slugs(lookups.active_categories())) == ["culture", "streets"]


def test_a_change_waiting_to_be_flushed_after_the_marker_was_read_is_seen(app):
    make_category(slug="culture")
    db.session.commit()
    assert _slugs(lookups.active_categories()) == ["culture"]  # the marker read
    db.session.add(Category(slug="streets", name_ru="Улицы", name_kk="Көшелер",
                            name_en="Streets", position=2))
    assert sorted(_slugs(lookups.active_categories())) == ["culture", "streets"]


def test_a_transaction_that_changed_reference_data_sees_its_own_change(app):
    make_category(slug="culture")
    db.session.commit()
    assert _slugs(lookups.active_categories()) == ["culture"]
    make_category(slug="streets")  # flushed, not committed
    assert sorted(_slugs(lookups.active_categories())) == ["culture", "streets"]
    db.session.rollback()
    assert _slugs(lookups.active_categories()) == ["culture"]


def test_what_a_lookup_returns_belongs_to_the_session(app):
    culture = make_category(slug="culture")
    db.session.commit()
    found = lookups.active_category(culture.id)
    assert found is culture  # the session's own object, not a copy beside it
