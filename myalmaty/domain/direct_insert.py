"""A new row written at once with one INSERT … RETURNING, past the unit of work.

For a single new idea and its audit entry, the flush's bookkeeping (ordering the mappers,
checking the ideas' self-reference for cycles, sorting states) costs more than the two
statements themselves, and a submission is the write residents make most. `insert_now` writes
the object's columns with one Core INSERT on the session's connection (so in its transaction),
runs the mapper's own insert listeners (the columns derived from others, `domain.ideas`), and
puts the object into the session as a stored row with every column read back from RETURNING,
as a flush leaves it.

The session's flush hooks do not run, so this is only for rows none of them acts on: the change
marker (`domain.changes`), the aggregates kept on write (`domain.kept`: the map's cells and the
dashboard's counts) and the similarity index's marks (`domain.similarity`) follow published
ideas, and a pending idea shows in none of them (nor does an audit entry); the search index
follows the row in the database itself (FTS5 triggers, a generated column). An idea in any
other state is refused, and so are categories and quarters (a flush bumps the reference marker
for them). The notifications read the audit entries queued on the session at the commit, which
`audit.record_event_now` queues as `record_event` does.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import orm as so

from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.reference import Category, Quarter


def _row_values(mapper: so.Mapper[Any], state: so.InstanceState[Any]) -> dict[str, Any]:
    """The columns the object holds, and the keys of what its many-to-one relationships point
    at (a flush would copy them over; the target must be stored already)."""
    values: dict[str, Any] = {}
    for prop in mapper.column_attrs:
        if prop.key in state.dict:
            for column in prop.columns:
                values[column.key] = state.dict[prop.key]
    for relationship in mapper.relationships:
        if relationship.direction is not so.MANYTOONE or relationship.key not in state.dict:
            continue
        target = state.dict[relationship.key]
        target_state = sa.inspect(target) if target is not None else None
        if target_state is not None and target_state.key is None:
            raise ValueError(f"{relationship.key} is not stored yet")
        for local, remote in relationship.local_remote_pairs:
            values[cast(sa.Column[Any], local).key] = None if target_state is None else \
                getattr(target, target_state.mapper.get_property_by_column(remote).key)
    return values


@cache
def _insert_returning(table: sa.Table) -> sa.Insert:
    # Built once per table: the statement is the same for every row (the values come apart).
    return sa.insert(table).returning(*table.c)


def insert_now(session: so.Session | so.scoped_session[Any], obj: Any) -> None:
    """Store the new object `obj` with one INSERT and make it a persistent row of `session`."""
    if isinstance(obj, Idea) and obj.status is not IdeaStatus.PENDING:
        raise ValueError("only a pending idea is written past the flush hooks")
    if isinstance(obj, (Category, Quarter)):
        raise ValueError("reference data is written by a flush (it bumps the reference marker)")
    state: so.InstanceState[Any] = sa.inspect(obj)
    if state.key is not None or state.session_id is not None:
        raise ValueError("insert_now takes a new object that is in no session")
    mapper = state.mapper
    table = cast(sa.Table, mapper.local_table)
    connection = session.connection()
    mapper.dispatch.before_insert(mapper, connection, state)
    row = connection.execute(_insert_returning(table),
                             _row_values(mapper, state)).one()
    for column, value in zip(table.c, row, strict=True):
        so.attributes.set_committed_value(obj, mapper.get_property_by_column(column).key, value)
    mapper.dispatch.after_insert(mapper, connection, state)
    so.make_transient_to_detached(obj)
    session.add(obj)
