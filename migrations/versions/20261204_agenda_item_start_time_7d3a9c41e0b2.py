"""agenda_items.starts_at: the time the forum comes to an agenda point

Revision ID: 7d3a9c41e0b2
Revises: 5b1f0c7d9e21
Create Date: 2026-12-04 11:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d3a9c41e0b2'
down_revision = '5b1f0c7d9e21'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('agenda_items', sa.Column('starts_at', sa.Time(), nullable=True))


def downgrade():
    with op.batch_alter_table('agenda_items') as batch_op:
        batch_op.drop_column('starts_at')
