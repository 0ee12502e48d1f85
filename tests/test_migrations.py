"""The schema changes only through migrations: upgrading an empty database gives exactly the
models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from myalmaty import create_app
from myalmaty.extensions import db
from tests.conftest import (
    _postgres_url_with_schema,
    make_test_config,
    requires_postgres,
)


def _diff_after_upgrade(database_url: str, tmp_path) -> list:
    app = create_app(make_test_config(database_url, tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
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
    schema = f"migr_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        diff, left = _diff_after_upgrade(_postgres_url_with_schema(base_url, schema), tmp_path)
        assert diff == []
        assert left == set()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
