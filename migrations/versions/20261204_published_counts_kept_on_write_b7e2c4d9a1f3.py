"""published counts kept on write

How many published ideas there are by quarter, category, stage and UTC hour of publication,
kept up to date in the flush that changes an idea (`domain.published_counts`), so the
organisers' dashboard reads a few small rows however often ideas change. Filled here from the
ideas; the SQL is copied, frozen, as the migration must not change with the code.

Revision ID: b7e2c4d9a1f3
Revises: 8c1f4e7a2d90
Create Date: 2026-12-04 21:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7e2c4d9a1f3'
down_revision = '8c1f4e7a2d90'
branch_labels = None
depends_on = None


def _keys() -> dict[str, str]:
    if op.get_bind().dialect.name == "postgresql":
        hour = """to_char(timezone('UTC', published_at), 'YYYY-MM-DD"T"HH24')"""
    else:
        hour = "strftime('%Y-%m-%dT%H', published_at)"
    return {
        "quarter": "coalesce(CAST(quarter_id AS VARCHAR), '')",
        "category": "CAST(category_id AS VARCHAR)",
        "stage": "CAST(stage AS VARCHAR)",
        "hour": hour,
    }


def upgrade():
    op.create_table('published_counts',
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('dimension', 'key', name=op.f('pk_published_counts')),
    sqlite_with_rowid=False
    )
    for dimension, key in _keys().items():
        op.execute(
            f"INSERT INTO published_counts (dimension, key, count) SELECT '{dimension}', {key}, "
            f"count(*) FROM ideas WHERE status = 'published' AND {key} IS NOT NULL GROUP BY {key}"
        )


def downgrade():
    op.drop_table('published_counts')
