"""users.notify: what a person wants to hear about their ideas by e-mail

Revision ID: 5b1f0c7d9e21
Revises: 2c266a0185d1
Create Date: 2026-12-04 09:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b1f0c7d9e21'
down_revision = '2c266a0185d1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify', sa.String(length=10), server_default='all',
                                      nullable=False))
        batch_op.create_check_constraint(op.f('ck_users_notify_known'),
                                         "notify IN ('all', 'decisions', 'none')")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_notify_known'), type_='check')
        batch_op.drop_column('notify')
