"""The full-text index over ideas.search_text: FTS5 with triggers on SQLite, GIN on PostgreSQL

Revision ID: 7d3c9a41f2b6
Revises: a4c81f2e6d90
Create Date: 2026-12-04 12:40:00

The statements are those of `myalmaty.domain.search`, written out here so this revision stays
what it was when the models change.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d3c9a41f2b6'
down_revision = 'a4c81f2e6d90'
branch_labels = None
depends_on = None

SQLITE_UPGRADE = (
    "CREATE VIRTUAL TABLE ideas_fts USING fts5(search_text, content='ideas', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0', prefix='2 3')",
    "CREATE TRIGGER ideas_fts_insert AFTER INSERT ON ideas BEGIN "
    "INSERT INTO ideas_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER ideas_fts_delete AFTER DELETE ON ideas BEGIN "
    "INSERT INTO ideas_fts(ideas_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER ideas_fts_update AFTER UPDATE OF search_text ON ideas BEGIN "
    "INSERT INTO ideas_fts(ideas_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO ideas_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    # The ideas already there.
    "INSERT INTO ideas_fts(ideas_fts) VALUES ('rebuild')",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS ideas_fts_insert",
    "DROP TRIGGER IF EXISTS ideas_fts_delete",
    "DROP TRIGGER IF EXISTS ideas_fts_update",
    "DROP TABLE IF EXISTS ideas_fts",
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    if _sqlite():
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
    else:
        op.execute("CREATE INDEX ix_ideas_search_text_tsv ON ideas "
                   "USING gin (to_tsvector('simple'::regconfig, search_text))")


def downgrade():
    if _sqlite():
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_ideas_search_text_tsv")
