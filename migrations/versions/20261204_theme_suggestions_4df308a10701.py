"""theme_suggestions, theme_suggestion_runs: suggested themes for moderators

Revision ID: 4df308a10701
Revises: 7d3c9a41f2b6
Create Date: 2026-12-04 14:50:00

"""
import sqlalchemy as sa
from alembic import op

import myalmaty.core.models

# revision identifiers, used by Alembic.
revision = '4df308a10701'
down_revision = '7d3c9a41f2b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('theme_suggestion_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='queued', nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('ideas_considered', sa.Integer(), server_default='0', nullable=False),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.Column('created_at', myalmaty.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', myalmaty.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', myalmaty.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_theme_suggestion_runs_status_known')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_theme_suggestion_runs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_suggestion_runs'))
    )
    with op.batch_alter_table('theme_suggestion_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_suggestion_runs_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_theme_suggestion_runs_status'), ['status'], unique=False)

    op.create_table('theme_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('idea_ids', sa.JSON(), nullable=False),
    sa.Column('key_words', sa.JSON(), nullable=False),
    sa.Column('representative_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), server_default='0', nullable=False),
    sa.Column('status', sa.String(length=10), server_default='open', nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', myalmaty.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('open', 'created', 'added', 'dismissed')", name=op.f('ck_theme_suggestions_status_known')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_theme_suggestions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['idea_groups.id'], name=op.f('fk_theme_suggestions_group_id_idea_groups')),
    sa.ForeignKeyConstraint(['representative_id'], ['ideas.id'], name=op.f('fk_theme_suggestions_representative_id_ideas')),
    sa.ForeignKeyConstraint(['run_id'], ['theme_suggestion_runs.id'], name=op.f('fk_theme_suggestions_run_id_theme_suggestion_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_suggestions'))
    )
    with op.batch_alter_table('theme_suggestions', schema=None) as batch_op:
        batch_op.create_index('ix_theme_suggestions_run_status', ['run_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_theme_suggestions_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('theme_suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_suggestions_status'))
        batch_op.drop_index('ix_theme_suggestions_run_status')
    op.drop_table('theme_suggestions')
    with op.batch_alter_table('theme_suggestion_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_suggestion_runs_status'))
        batch_op.drop_index(batch_op.f('ix_theme_suggestion_runs_requested_by_id'))
    op.drop_table('theme_suggestion_runs')
