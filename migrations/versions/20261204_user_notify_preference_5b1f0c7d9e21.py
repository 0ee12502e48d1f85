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


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    # Added in place: on SQLite a named CHECK would make Alembic copy the users table, which
    # every other table points at (the check is enforced where it can be added, PostgreSQL).
    op.add_column('users', sa.Column('notify', sa.String(length=10), server_default='all',
                                     nullable=False))
    if not _sqlite():
        op.create_check_constraint(op.f('ck_users_notify_known'), 'users',
                                   "notify IN ('all', 'decisions', 'none')")


def downgrade():
    if _sqlite():
        op.execute("ALTER TABLE users DROP COLUMN notify")
        return
    op.drop_constraint(op.f('ck_users_notify_known'), 'users', type_='check')
    op.drop_column('users', 'notify')
