"""ideas.collected_at_forum_id, ideas.import_hash: ideas collected on paper at a forum

Revision ID: 3e5a7c91d04b
Revises: 7d3a9c41e0b2
Create Date: 2026-12-04 11:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3e5a7c91d04b'
down_revision = "7d3a9c41e0b2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collected_at_forum_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('import_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_ideas_collected_at_forum_id'),
                              ['collected_at_forum_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_ideas_import_hash'), ['import_hash'])
        batch_op.create_foreign_key(batch_op.f('fk_ideas_collected_at_forum_id_forums'), 'forums',
                                    ['collected_at_forum_id'], ['id'])


def downgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ideas_collected_at_forum_id_forums'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_ideas_import_hash'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_ideas_collected_at_forum_id'))
        batch_op.drop_column('import_hash')
        batch_op.drop_column('collected_at_forum_id')
