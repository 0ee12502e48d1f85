"""The schema changes only through migrations: upgrading an empty database gives exactly the
models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from myalmaty import create_app
from myalmaty.core.database import throwaway_schema
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
