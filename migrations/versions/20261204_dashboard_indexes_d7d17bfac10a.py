"""ideas: indexes for the dashboard's counts by quarter, category and stage

Only CREATE INDEX (no batch rebuild of `ideas`), so the full-text triggers of 7d3c9a41f2b6
stay in place on SQLite.

Revision ID: d7d17bfac10a
Revises: 4df308a10701
Create Date: 2026-12-04 15:35:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd7d17bfac10a'
down_revision = '4df308a10701'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_ideas_status_quarter_id': ['status', 'quarter_id'],
    'ix_ideas_status_category_id': ['status', 'category_id'],
    'ix_ideas_status_stage': ['status', 'stage'],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, 'ideas', columns, unique=False)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name='ideas')
