"""The schema changes only through migrations: upgrading an empty database gives exactly the
models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from myalmaty import create_app
from myalmaty.core.database import throwaway_schema
from myalmaty.domain.accounts import User
from myalmaty.domain.search import not_in_models
from myalmaty.extensions import db
from tests.conftest import (
    make_test_config,
    requires_postgres,
)


def _diff_after_upgrade(database_url: str, tmp_path) -> list:
    app = create_app(make_test_config(database_url, tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True,
                                  "include_name": not_in_models}
            )
            diff = compare_metadata(context, db.metadata)
        downgrade(revision="base")
        with db.engine.connect() as connection:
            left = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    return diff, left


def test_migrations_match_the_models_on_sqlite(tmp_path):
    diff, left_after_downgrade = _diff_after_upgrade(f"sqlite:///{tmp_path}/m.sqlite3", tmp_path)
    assert diff == []
    assert left_after_downgrade == set()


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgresql(tmp_path):
    base_url = requires_postgres()
    with throwaway_schema(base_url, "migr") as url:
        diff, left = _diff_after_upgrade(url, tmp_path)
    assert diff == []
    assert left == set()


def _an_author_and_a_category(connection: sa.Connection, now: str) -> None:
    """User 1 and category 1, as an older revision's tables hold them, for ideas to refer to."""
    connection.execute(sa.text(
        "INSERT INTO users (id, email, display_name, role, locale, active, created_at, "
        "updated_at) VALUES (1, 'a@example.kz', 'A', 'resident', 'ru', 1, :now, :now)"),
        {"now": now})
    connection.execute(sa.text(
        "INSERT INTO categories (id, slug, name_ru, name_kk, name_en, position, archived,"
        " created_at, updated_at) VALUES (1, 'c', 'К', 'С', 'C', 0, 0, :now, :now)"),
        {"now": now})


def test_the_map_cells_migration_fills_existing_ideas(tmp_path):
    from myalmaty.core import grid

    app = create_app(make_test_config(f"sqlite:///{tmp_path}/cells.sqlite3", tmp_path))
    with app.app_context():
        upgrade(revision="e89bea8fbf0b")
        now = "2026-05-01 10:00:00"
        with db.engine.begin() as connection:
            _an_author_and_a_category(connection, now)
            for idea_id, status in ((1, "published"), (2, "pending")):
                connection.execute(sa.text(
                    "INSERT INTO ideas (id, title, description, first_step, category_id, lat, "
                    "lon, author_id, status, created_at, updated_at) VALUES (:id, 't', 'd', "
                    "'f', 1, 43.2583, 76.9536, 1, :status, :now, :now)"),
                    {"id": idea_id, "status": status, "now": now})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT id, published_at, cell_10, cell_18 FROM ideas ORDER BY id")).all()
            marker = connection.execute(sa.text("SELECT count(*) FROM content_version")).scalar()
        downgrade(revision="base")
        db.engine.dispose()
    assert rows[0].published_at is not None and rows[1].published_at is None
    assert (rows[0].cell_10, rows[0].cell_18) == (grid.cell_key(43.2583, 76.9536, 10),
                                                  grid.cell_key(43.2583, 76.9536, 18))
    assert marker == 1


def test_the_kept_map_cells_migration_counts_the_published_ideas(tmp_path):
    from myalmaty.core import grid

    app = create_app(make_test_config(f"sqlite:///{tmp_path}/kept.sqlite3", tmp_path))
    with app.app_context():
        upgrade(revision="7d3c9a41f2b6")
        now = "2026-05-01 10:00:00"
        with db.engine.begin() as connection:
            _an_author_and_a_category(connection, now)
            for idea_id, status, lat in ((1, "published", 43.2583), (2, "published", 43.2584),
                                         (3, "pending", 43.2585)):
                connection.execute(sa.text(
                    "INSERT INTO ideas (id, title, description, first_step, category_id, lat, "
                    "lon, author_id, status, published_at, created_at, updated_at, cell_10, "
                    "cell_12, cell_14, cell_16, cell_18) VALUES (:id, 't', 'd', 'f', 1, :lat, "
                    "76.9536, 1, :status, :now, :now, :now, :c10, :c12, :c14, :c16, :c18)"),
                    {"id": idea_id, "status": status, "lat": lat, "now": now,
                     **{f"c{level}": grid.cell_key(lat, 76.9536, level) for level in grid.LEVELS}})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT level, cell, category_id, stage, count, min_lat, max_lat FROM map_cells "
                "WHERE level = 10")).all()
        downgrade(revision="base")
        db.engine.dispose()
    assert rows == [(10, grid.cell_key(43.2583, 76.9536, 10), 1, "new", 2, 43.2583, 43.2584)]


@contextlib.contextmanager
def _empty_database(backend: str, tmp_path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path}/{backend}.sqlite3"
        return
    with throwaway_schema(requires_postgres(), "migr") as url:
        yield url


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_published_counts_migration_counts_the_published_ideas(tmp_path, backend):
    from shapely.geometry import shape

    from myalmaty.core.geo import geometry_summary
    from myalmaty.domain.ideas import Idea
    from myalmaty.domain.reference import Category, Quarter
    from tests.factories import PANFILOV_SQUARE

    ideas = [  # status, quarter, stage, published_at (UTC)
        ("published", 1, "new", dt.datetime(2026, 11, 22, 19, 30, tzinfo=dt.UTC)),
        ("published", None, "done", dt.datetime(2026, 11, 22, 19, 59, tzinfo=dt.UTC)),
        ("published", 1, "new", dt.datetime(2026, 11, 23, 0, 5, tzinfo=dt.UTC)),
        ("hidden", 1, "new", dt.datetime(2026, 11, 23, 0, 5, tzinfo=dt.UTC)),
        ("pending", None, "new", None),
    ]
    with _empty_database(backend, tmp_path) as url:
        app = create_app(make_test_config(url, tmp_path))
        with app.app_context():
            upgrade(revision="8c1f4e7a2d90")
            with db.engine.begin() as connection:
                connection.execute(sa.insert(User.__table__).values(
                    id=1, email="a@example.kz", display_name="A"))
                connection.execute(sa.insert(Category.__table__).values(
                    id=7, slug="c", name_ru="К", name_kk="С", name_en="C"))
                connection.execute(sa.insert(Quarter.__table__).values(
                    id=1, slug="q", name_ru="К", name_kk="О", name_en="Q",
                    boundary_geojson="{}", **geometry_summary(shape(PANFILOV_SQUARE))))
                connection.execute(sa.insert(Idea.__table__), [
                    {"title": "t", "description": "d", "first_step": "f", "category_id": 7,
                     "quarter_id": quarter, "lat": 43.25, "lon": 76.95, "author_id": 1,
                     "status": status, "stage": stage, "published_at": published_at}
                    for status, quarter, stage, published_at in ideas])
            upgrade()
            with db.engine.connect() as connection:
                rows = connection.execute(sa.text(
                    "SELECT dimension, key, count FROM published_counts")).all()
            downgrade(revision="base")
            db.engine.dispose()
    assert {(dimension, key): count for dimension, key, count in rows} == {
        ("quarter", "1"): 2, ("quarter", ""): 1, ("category", "7"): 3,
        ("stage", "new"): 2, ("stage", "done"): 1,
        ("hour", "2026-11-22T19"): 2, ("hour", "2026-11-23T00"): 1,
    }


def test_the_kazakh_fold_migration_refolds_stored_search_text_and_its_index(tmp_path):
    app = create_app(make_test_config(f"sqlite:///{tmp_path}/fold.sqlite3", tmp_path))
    with app.app_context():
        upgrade(revision="d7d17bfac10a")
        now = "2026-05-01 10:00:00"
        with db.engine.begin() as connection:
            _an_author_and_a_category(connection, now)
            connection.execute(sa.text(
                "INSERT INTO ideas (id, title, description, first_step, search_text, "
                "category_id, lat, lon, author_id, status, created_at, updated_at) VALUES "
                "(1, 'Көк саябақ', 'd', 'f', 'көк саябақ d f', 1, 43.2583, 76.9536, 1, "
                "'published', :now, :now)"), {"now": now})
        upgrade()
        with db.engine.connect() as connection:
            stored = connection.execute(sa.text("SELECT search_text FROM ideas")).scalar()
            found = connection.execute(sa.text(
                "SELECT rowid FROM ideas_fts WHERE ideas_fts MATCH '\"кок\"*'")).scalars().all()
        downgrade(revision="base")
        db.engine.dispose()
    assert stored == "кок саябак d f"
    assert found == [1]
