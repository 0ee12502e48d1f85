"""export_jobs (exports written in the background) and pending_notifications (decisions
waiting to go out as one mail)

Revision ID: 7d3e9a41c2b8
Revises: 3e5a7c91d04b
Create Date: 2026-12-04 11:19:25

"""
import sqlalchemy as sa
from alembic import op

import myalmaty.core.models

# revision identifiers, used by Alembic.
revision = '7d3e9a41c2b8'
down_revision = "3e5a7c91d04b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='queued', nullable=False),
    sa.Column('rows_done', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), server_default='', nullable=False),
    sa.Column('path', sa.String(length=255), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', myalmaty.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', myalmaty.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', myalmaty.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', myalmaty.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'expired')", name=op.f('ck_export_jobs_status_known')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_export_jobs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs'))
    )
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_jobs_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index('ix_export_jobs_requested_by_created', ['requested_by_id', 'created_at'], unique=False)

    op.create_table('pending_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('created_at', myalmaty.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', myalmaty.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', myalmaty.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['moderation_events.id'], name=op.f('fk_pending_notifications_event_id_moderation_events')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_pending_notifications_recipient_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_notifications'))
    )
    with op.batch_alter_table('pending_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_notifications_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_notifications_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index('ix_pending_notifications_sent_due', ['sent_at', 'due_at'], unique=False)



def downgrade():
    with op.batch_alter_table('pending_notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_pending_notifications_sent_due')
        batch_op.drop_index(batch_op.f('ix_pending_notifications_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_pending_notifications_event_id'))

    op.drop_table('pending_notifications')
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_export_jobs_requested_by_created')
        batch_op.drop_index(batch_op.f('ix_export_jobs_expires_at'))

    op.drop_table('export_jobs')
