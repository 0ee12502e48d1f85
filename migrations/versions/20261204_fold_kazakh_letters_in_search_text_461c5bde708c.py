"""ideas.search_text: Kazakh letters folded to their nearest Russian ones («кок» finds «көк»)

The text stored from now on is folded by `myalmaty.ideas.text.search_text`; this folds the rows
already there, with the same letters written out here so the revision stays as it is. An UPDATE
only (no batch rebuild of `ideas`): on SQLite the full-text index follows through its update
trigger, on PostgreSQL the GIN index through its expression.

Revision ID: 461c5bde708c
Revises: d7d17bfac10a
Create Date: 2026-12-04 15:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '461c5bde708c'
down_revision = 'd7d17bfac10a'
branch_labels = None
depends_on = None

KAZAKH_LETTERS = {
    "ә": "а", "і": "и", "ң": "н", "ғ": "г", "ү": "у", "ұ": "у", "қ": "к", "ө": "о", "һ": "х",
}


def upgrade():
    ideas = sa.table("ideas", sa.column("search_text"))
    folded = ideas.c.search_text
    for letter, plain in KAZAKH_LETTERS.items():
        folded = sa.func.replace(folded, letter, plain)
    op.execute(ideas.update().where(ideas.c.search_text != folded).values(search_text=folded))


def downgrade():
    # Which letters were Kazakh is not kept: the folded text stays (search still finds both).
    pass
