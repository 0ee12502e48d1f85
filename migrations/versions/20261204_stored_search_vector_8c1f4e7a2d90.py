"""stored search vector

PostgreSQL only: the words of `ideas.search_text` stored in a generated column
(`search_vector`) with the GIN index on it, instead of an index on the expression. A search
that walks the newest ideas in order (the list's first page) then tests each row's stored
words instead of parsing its text again. SQLite keeps its FTS5 table; nothing changes there.
The SQL is copied here, frozen, as the migration must not change with the code
(`domain.search`).

Revision ID: 8c1f4e7a2d90
Revises: 5b3e8d2a61c4
Create Date: 2026-12-04 18:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '8c1f4e7a2d90'
down_revision = '5b3e8d2a61c4'
branch_labels = None
depends_on = None


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _postgresql():
        return
    op.execute("ALTER TABLE ideas ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
               "(to_tsvector('simple'::regconfig, search_text)) STORED")
    op.execute("CREATE INDEX ix_ideas_search_vector ON ideas USING gin (search_vector)")
    op.execute("DROP INDEX IF EXISTS ix_ideas_search_text_tsv")


def downgrade():
    if not _postgresql():
        return
    op.execute("CREATE INDEX ix_ideas_search_text_tsv ON ideas "
               "USING gin (to_tsvector('simple'::regconfig, search_text))")
    op.execute("DROP INDEX IF EXISTS ix_ideas_search_vector")
    op.execute("ALTER TABLE ideas DROP COLUMN IF EXISTS search_vector")
