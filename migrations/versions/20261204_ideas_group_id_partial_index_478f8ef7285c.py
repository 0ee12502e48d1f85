"""ideas' group_id index partial

The index on `ideas.group_id` only holds the ideas in a theme. With every idea in it, most of
them without a theme, SQLite's statistics said one key matches every row, and its planner read
every idea to find a theme's few (the dashboard's coverage and syntheses). `ideas` itself is
not rebuilt (plain DROP/CREATE INDEX, no batch): its FTS triggers stay as they are on SQLite.

Revision ID: 478f8ef7285c
Revises: 9ea1fbbc5659
Create Date: 2026-12-04 18:05:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '478f8ef7285c'
down_revision = '9ea1fbbc5659'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_ideas_group_id', table_name='ideas')
    op.create_index('ix_ideas_group_id', 'ideas', ['group_id'],
                    sqlite_where=sa.text('group_id IS NOT NULL'),
                    postgresql_where=sa.text('group_id IS NOT NULL'))


def downgrade():
    op.drop_index('ix_ideas_group_id', table_name='ideas')
    op.create_index('ix_ideas_group_id', 'ideas', ['group_id'])
