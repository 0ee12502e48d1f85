"""bbox by cell ranges

The bounding box of the API is read from the index on the finest level of the map's grid,
one key range per column of cells, instead of a range of longitudes (which read the city's
whole strip between them): that index now covers what the map's slim features show, and the
index on longitude and latitude goes. `ideas` itself is not rebuilt (plain CREATE/DROP INDEX,
no batch): its FTS triggers stay as they are on SQLite.

Revision ID: 5b3e8d2a61c4
Revises: 478f8ef7285c
Create Date: 2026-12-04 18:05:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b3e8d2a61c4'
down_revision = '478f8ef7285c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_ideas_status_cell_18_slim', 'ideas',
                    ['status', 'cell_18', 'lat', 'lon', 'id', 'category_id', 'stage', 'title'])
    op.drop_index('ix_ideas_status_cell_18', table_name='ideas')
    op.drop_index('ix_ideas_status_lon_lat_slim', table_name='ideas')


def downgrade():
    op.create_index('ix_ideas_status_lon_lat_slim', 'ideas',
                    ['status', 'lon', 'lat', 'id', 'category_id', 'stage', 'title'])
    op.create_index('ix_ideas_status_cell_18', 'ideas', ['status', 'cell_18', 'lat', 'lon'])
    op.drop_index('ix_ideas_status_cell_18_slim', table_name='ideas')
