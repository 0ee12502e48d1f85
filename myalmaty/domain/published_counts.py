"""How many published ideas there are, by quarter, category and stage and per hour of
publication, kept up to date on write: the organisers' dashboard reads a few small rows
instead of grouping every published idea, at any number of ideas and however often they change.

One row per dimension and key. The keys are text: a quarter's or a category's id (`""` for no
quarter), a stage's value, and for `hour` the UTC hour the idea was published in
(`2026-11-22T19`), which sorts as it runs, so a span of time is one range of rows. A week in
the city's time is the sum of its hours: exact for a city whose offset from UTC is whole hours
(Almaty's is).

Counts change by deltas in the flush that changes an idea (`domain.kept`), one upsert
(`count = count + delta`) for every row concerned, which is atomic on both databases: two
transactions counting the same row both count. Nothing is written for ideas that are not
published, before or after (submissions). A row falling to zero stays (it may count again);
readers skip it. Bulk statements that publish, unpublish or move ideas between the rows skip the
flush: they must change the counts themselves (`organise.quarter_services`) or call
`kept.rebuild`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.dialects import postgresql, sqlite

from myalmaty.domain.ideas import Idea, IdeaStatus, Values
from myalmaty.extensions import Model

QUARTER, CATEGORY, STAGE, HOUR = "quarter", "category", "stage", "hour"
NO_QUARTER = ""
# The idea's attributes that decide which rows it counts in.
KEY_ATTRIBUTES = ("status", "quarter_id", "category_id", "stage", "published_at")
_HOUR_FORMAT = "%Y-%m-%dT%H"


class PublishedCount(Model):
    __tablename__ = "published_counts"
    __table_args__ = {"sqlite_with_rowid": False}  # stored in key order: a span is one range

    dimension: so.Mapped[str] = so.mapped_column(sa.String(16), primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True)
    count: so.Mapped[int]


# A mapped class's table is a Table; SQLAlchemy types `__table__` as any FromClause.
counts_table = cast(sa.Table, PublishedCount.__table__)
_ideas = cast(sa.Table, Idea.__table__)


def hour_key(moment: dt.datetime) -> str:
    """The key of the UTC hour `moment` falls in (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime(_HOUR_FORMAT)


def quarter_key(quarter_id: int | None) -> str:
    return NO_QUARTER if quarter_id is None else str(quarter_id)


def _keys(values: Values | None) -> list[tuple[str, str]]:
    """The rows a published idea counts in; none for any other."""
    if values is None or values["status"] is not IdeaStatus.PUBLISHED:
        return []
    keys = [(QUARTER, quarter_key(values["quarter_id"])),
            (CATEGORY, str(values["category_id"])), (STAGE, values["stage"].value)]
    # Set for every published idea but one a bulk insert left without it: counted in no hour.
    if values["published_at"] is not None:
        keys.append((HOUR, hour_key(values["published_at"])))
    return keys


def add(connection: sa.Connection, deltas: Counter[tuple[str, str]]) -> None:
    """Add each delta to its row (made if missing), in key order (so two writers cannot
    deadlock on the rows)."""
    rows = [{"dimension": dimension, "key": key, "count": delta}
            for (dimension, key), delta in sorted(deltas.items()) if delta]
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(counts_table).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["dimension", "key"],
        set_={"count": counts_table.c.count + statement.excluded.count})
    connection.execute(statement)


def apply_changes(connection: sa.Connection,
                  changes: Iterable[tuple[Values | None, Values | None]]) -> None:
    """The rows an idea left and came to, from what it was and is (`ideas.flushed_changes`)."""
    deltas: Counter[tuple[str, str]] = Counter()
    for before, after in changes:
        deltas.subtract(_keys(before))
        deltas.update(_keys(after))
    add(connection, deltas)


def move_quarter(connection: sa.Connection, from_id: int | None, to_id: int | None,
                 published: int) -> None:
    """`published` ideas moved from one quarter to another by a bulk statement."""
    add(connection, Counter({(QUARTER, quarter_key(from_id)): -published,
                             (QUARTER, quarter_key(to_id)): published}))


def _hour_of(connection: sa.Connection, column: Any) -> Any:
    if connection.dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24')
    return sa.func.strftime(_HOUR_FORMAT, column)


def rebuild(connection: sa.Connection) -> None:
    """Every row again from the ideas: after bulk statements, and to check the kept ones."""
    connection.execute(sa.delete(counts_table))
    ideas = _ideas.c
    keys = {
        QUARTER: sa.func.coalesce(sa.cast(ideas.quarter_id, sa.String), NO_QUARTER),
        CATEGORY: sa.cast(ideas.category_id, sa.String),
        STAGE: sa.cast(ideas.stage, sa.String),
        HOUR: _hour_of(connection, ideas.published_at),
    }
    for dimension, key in keys.items():
        connection.execute(sa.insert(counts_table).from_select(
            ["dimension", "key", "count"],
            sa.select(sa.literal(dimension, sa.String), key, sa.func.count())
            .where(ideas.status == IdeaStatus.PUBLISHED, key.is_not(None))
            .group_by(key),
        ))


def counts(session: so.Session | so.scoped_session[Any]) -> dict[str, dict[str, int]]:
    """The non-zero counts of quarters, categories and stages, by dimension and key."""
    found: dict[str, dict[str, int]] = {QUARTER: {}, CATEGORY: {}, STAGE: {}}
    c = counts_table.c
    for dimension, key, number in session.execute(
            sa.select(c.dimension, c.key, c.count)
            .where(c.dimension.in_(list(found)), c.count != 0)):
        found[dimension][key] = number
    return found


def published_between(session: so.Session | so.scoped_session[Any],
                      bounds: list[dt.datetime]) -> list[int]:
    """The ideas published between each two successive `bounds` (each taken to its UTC hour):
    one range of hour rows, summed span by span."""
    keys = [hour_key(bound) for bound in bounds]
    c = counts_table.c
    row = session.execute(
        sa.select(*(sa.func.coalesce(sa.func.sum(c.count).filter(c.key >= start, c.key < end), 0)
                    for start, end in zip(keys, keys[1:], strict=False)))
        .where(c.dimension == HOUR, c.key >= keys[0], c.key < keys[-1])
    ).one()
    return [int(number) for number in row]
