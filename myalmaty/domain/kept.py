"""The aggregates of published ideas kept on write, in step with the ideas: the map's cells
(`domain.map_cells`) and the dashboard's counts (`domain.published_counts`).

One flush hook keeps them all, after the ideas' own statements, from what each idea of the
flush was and is; one `rebuild` makes them all again from the ideas, for whatever skipped the
flush (bulk inserts and updates: bench seeding, a data migration, a bulk load).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.domain import map_cells, published_counts
from myalmaty.domain.ideas import flushed_changes

# Every attribute that places an idea in one of the aggregates (each is `active_history` on
# the model, so its old value is known even once expired).
_ATTRIBUTES = tuple(dict.fromkeys((*map_cells.KEY_ATTRIBUTES, *published_counts.KEY_ATTRIBUTES)))


@sa.event.listens_for(so.Session, "after_flush")
def _keep(session: so.Session, _context: Any) -> None:
    changes = [(before, after) for before, after in flushed_changes(session, _ATTRIBUTES)
               if before != after]
    if changes:
        connection = session.connection()
        map_cells.apply_changes(connection, changes)
        published_counts.apply_changes(connection, changes)


def rebuild(connection: sa.Connection) -> None:
    """Every aggregate again from the ideas (in the caller's transaction)."""
    map_cells.rebuild(connection)
    published_counts.rebuild(connection)
