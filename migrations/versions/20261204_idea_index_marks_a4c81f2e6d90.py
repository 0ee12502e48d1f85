"""idea_index_marks: which published ideas changed, stamped with the change marker

Revision ID: a4c81f2e6d90
Revises: 7d3e9a41c2b8
Create Date: 2026-12-04 11:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4c81f2e6d90'
down_revision = '7d3e9a41c2b8'
branch_labels = None
depends_on = None


def upgrade():
    # Empty at first: each process builds its similarity index from the published ideas, then
    # reads only the marks written after.
    op.create_table('idea_index_marks',
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_index_marks_idea_id_ideas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('idea_id', name=op.f('pk_idea_index_marks'))
    )
    with op.batch_alter_table('idea_index_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_index_marks_version'), ['version'], unique=False)


def downgrade():
    with op.batch_alter_table('idea_index_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_index_marks_version'))
    op.drop_table('idea_index_marks')
