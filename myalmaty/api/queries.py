"""The API's selects: plain rows (no ORM objects), one query whatever the number of ideas."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

import sqlalchemy as sa

from myalmaty.core import grid
from myalmaty.core.database import concatenated, read_outside_transaction
from myalmaty.core.geo import BBox
from myalmaty.domain.changes import version_on
from myalmaty.domain.ideas import Idea
from myalmaty.domain.reference import Category, Quarter
from myalmaty.extensions import db
from myalmaty.ideas.filters import IdeaFilters
from myalmaty.ideas.queries import filter_conditions

_ideas = Idea.__table__


def _name_in(model: type[Category] | type[Quarter], locale: str) -> sa.ColumnElement[str]:
    """A translated name in `locale`, falling back to Russian like `Translated` does."""
    column = getattr(model, f"name_{locale}", model.name_ru)
    return sa.func.coalesce(sa.func.nullif(column, ""), model.name_ru)


AnySelect = TypeVar("AnySelect", bound=sa.Select[*tuple[Any, ...]])


def _matching(query: AnySelect, filters: IdeaFilters) -> AnySelect:
    return (
        query.join(Category, Category.id == Idea.category_id)
        .outerjoin(Quarter, Quarter.id == Idea.quarter_id)
        .where(*filter_conditions(filters))
    )


def collection_version() -> str:
    """The change marker (`domain.changes`): one row read, whatever the number of ideas.

    Read outside a transaction when it is the request's first statement: a revalidation
    answered 304 (`api.geojson.versioned_json`) then costs that read alone, with no BEGIN and
    ROLLBACK around it on PostgreSQL. The API only reads, each answer in one or two
    statements, so what follows needs no transaction either (on PostgreSQL each statement saw
    its own snapshot anyway).
    """
    return str(version_on(read_outside_transaction(db.session())))


def feature_rows(filters: IdeaFilters, locale: str, idea_id: int | None = None) -> list[sa.Row]:
    """Published ideas matching the filters, in full, as rows for GeoJSON."""
    query = (
        sa.select(
            Idea.id,
            Idea.created_at,
            Idea.title,
            Idea.lat,
            Idea.lon,
            Idea.stage,
            Idea.support_count,
            Idea.comment_count,
            _name_in(Category, locale).label("category"),
            _name_in(Quarter, locale).label("quarter"),
        )
        .order_by(Idea.id)
    )
    query = _matching(query, filters)
    if idea_id is not None:
        query = query.where(Idea.id == idea_id)
    return list(db.session.execute(query))


def slim_rows(filters: IdeaFilters, where: list[sa.ColumnElement[bool]], locale: str,
              limit: int | None = None, in_order: bool = True) -> list[sa.Row]:
    """What the map needs of each idea (id, lat, lon, title, stage, category), the stage as
    stored (a plain string): the rest of an idea comes with its popup, from `feature_rows`
    for that one idea. Plain rows from the connection: no ORM row processing for thousands.

    `in_order=False` when the caller's conditions pick few rows by an index: ordering by id
    would tempt SQLite to walk the whole table in id order instead.
    """
    query = (
        sa.select(Idea.id, Idea.lat, Idea.lon, Idea.title,
                  sa.type_coerce(Idea.stage, sa.String).label("stage"),
                  _name_in(Category, locale).label("category"))
        .join(Category, Category.id == Idea.category_id)
        .where(*filter_conditions(filters), *where)
    )
    if in_order:
        query = query.order_by(Idea.id)
    connection = db.session.connection()
    return list(connection.execute(query if limit is None else query.limit(limit)))


_KEY = sa.BigInteger()  # one instance for every bound key, not one built per key


def _padded(count: int) -> int:
    """`count` ranges padded with empty ones to a power of two: a few shapes of statement."""
    return 1 << (count - 1).bit_length()


def _key_ranges(count: int) -> sa.CTE:
    """A table of `count` (low, high) rows, bound as `low_n` and `high_n` (`_range_values`)."""
    rows = ", ".join(f"(:low_{n}, :high_{n})" for n in range(count))
    values = [sa.bindparam(f"{end}_{n}", type_=_KEY)
              for n in range(count) for end in ("low", "high")]
    return (sa.text(f"SELECT v.column1 AS low, v.column2 AS high FROM (VALUES {rows}) AS v")
            .bindparams(*values)
            .columns(sa.column("low", _KEY), sa.column("high", _KEY))
            .cte("box_columns"))


def _range_values(ranges: list[tuple[int, int]]) -> dict[str, int]:
    ranges = ranges + [(1, 0)] * (_padded(len(ranges)) - len(ranges))
    return {f"{end}_{n}": key for n, pair in enumerate(ranges)
            for end, key in zip(("low", "high"), pair, strict=True)}


# The slim feature of one idea, as `api.geojson.slim_collection` frames them: constant text
# and, between, the names of the values. The database writes it (`box_features`), so a view of
# thousands of ideas comes back as one string instead of thousands of rows for Python to
# convert and format.
_FEATURE = ('{"type":"Feature","id":', "id", ',"geometry":{"type":"Point","coordinates":[',
            "lon", ",", "lat", ']},"properties":{"id":', "id", ',"title":', "title",
            ',"category":', "category", ',"stage":"', "stage", '"}}')
_BOX = ("min_lon", "min_lat", "max_lon", "max_lat")


def _number_text(column: Any, dialect: str) -> sa.ColumnElement[str]:
    """A coordinate as JSON text that reads back as the same float. PostgreSQL's text of a
    float8 is the shortest that does. SQLite's is cut to 15 digits, which is exact for every
    point the app stores (`ideas.location` keeps six decimals); a number SQLite does not read
    back from it as itself gets 17 (its reading is not always correctly rounded, so a few
    six-decimal points get 17 digits too: longer text, the same number)."""
    text = sa.cast(column, sa.Text)
    if dialect == "postgresql":
        return text
    return sa.case((sa.cast(text, sa.Float) == column, text),
                   else_=sa.func.printf("%!.17g", column))


def _json_string(value: Any, dialect: str) -> sa.ColumnElement[str]:
    """Text as a JSON string, escaped by the database's own JSON functions."""
    if dialect == "postgresql":
        return sa.cast(sa.func.to_json(value), sa.Text)
    return sa.func.json_quote(value)


def _feature_text(columns: Any, category: sa.ColumnElement[str],
                  dialect: str) -> sa.ColumnElement[str]:
    values = {"id": columns.id, "lon": _number_text(columns.lon, dialect),
              "lat": _number_text(columns.lat, dialect),
              "title": _json_string(columns.title, dialect), "category": category,
              "stage": columns.stage}
    parts = [values[part] if n % 2 else sa.literal(part, sa.Text)
             for n, part in enumerate(_FEATURE)]
    return concatenated(dialect, parts)


@lru_cache(maxsize=64)
def _box_statement(dialect: str, locale: str, ranges: int,
                   filters: IdeaFilters) -> sa.Select[tuple[str | None]]:
    """`box_features`' statement, built once per shape and run with each box's values bound:
    building it cost about as much as running it."""
    keys = _key_ranges(ranges)
    cell = _ideas.c[grid.cell_column(grid.BOX_LEVEL)]
    in_range = cell.between(keys.c.low, keys.c.high)
    box = {name: sa.bindparam(name, type_=sa.Float()) for name in _BOX}
    in_box = [*filter_conditions(filters), Idea.lon.between(box["min_lon"], box["max_lon"]),
              Idea.lat.between(box["min_lat"], box["max_lat"])]
    name = _json_string(_name_in(Category, locale), dialect)
    if dialect == "postgresql":
        # PostgreSQL plans a join on a range of keys as a scan of every idea; a lateral
        # subquery (kept whole by OFFSET 0) is one probe of the index per range.
        found = (sa.select(Idea.id, Idea.lon, Idea.lat, Idea.title,
                           sa.type_coerce(Idea.stage, sa.String).label("stage"),
                           Idea.category_id)
                 .where(in_range, *in_box).offset(0).lateral("in_range"))
        # Each category's name escaped once, not once per idea.
        names = sa.select(Category.id, name.label("name")).cte("category_names") \
            .prefix_with("MATERIALIZED")
        # Sorted within the aggregate: the order cannot change how the ideas are read.
        features = (sa.func.string_agg(_feature_text(found.c, names.c.name, dialect),
                                       sa.literal(",", sa.Text))
                    .aggregate_order_by(found.c.id))
        return (sa.select(features).select_from(keys).join(found, sa.true())
                .join(names, names.c.id == found.c.category_id))
    # SQLite (before 3.44) has no ORDER BY within an aggregate; it keeps a subquery's order
    # for group_concat. By `id + 0`: ordering by the bare id could tempt the planner to walk
    # the whole table in id order. Categories are joined by their key (SQLite would probe
    # every range once per row of a table of escaped names).
    ordered = (sa.select(_feature_text(_ideas.c, name, dialect).label("feature"))
               .select_from(keys)
               .join(_ideas, in_range)
               .join(Category, Category.id == _ideas.c.category_id)
               .where(*in_box)
               .order_by(_ideas.c.id + 0)
               .subquery("ordered"))
    return sa.select(sa.func.group_concat(ordered.c.feature, ","))


def box_features(filters: IdeaFilters, bbox: BBox, locale: str) -> str:
    """The slim features of the published ideas in `bbox` matching the filters, by id, as JSON
    text separated by commas ("" for none), written by the database in one statement.

    Read from the index on the finest level's cell (`grid.key_ranges`), one key range per
    column of cells, then the exact box: so the rows read are about those in the box, not the
    city's whole strip of its longitudes. The index holds every column a feature shows.
    """
    connection = db.session.connection()
    ranges = grid.key_ranges(bbox).ranges()
    query = _box_statement(connection.dialect.name, locale, _padded(len(ranges)), filters)
    values = {**_range_values(ranges), **{name: getattr(bbox, name) for name in _BOX}}
    return connection.scalar(query, values) or ""
