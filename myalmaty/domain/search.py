"""The full-text index over ideas' `search_text`, on each database, and the one condition that
reads it (`TextMatch`).

SQLite: an external-content FTS5 table (`ideas_fts`, the words only: the text stays in
`ideas`) kept in step by triggers. PostgreSQL: the column's `tsvector` under the `simple`
configuration (no stemming: words are matched by prefix, which serves Russian, Kazakh and
English alike), stored in a generated column (`search_vector`) with a GIN index on it. Stored,
a search that walks the newest ideas in order (the list's first page) tests each row's words
as they are instead of parsing its text again. Both are created with the `ideas` table
(`create_all`) and by the migrations `7d3c9a41f2b6` and `8c1f4e7a2d90`, whose SQL is the same;
Alembic's comparison leaves them out (`not_in_models`), since the models cannot describe them.

`search_text` is already case-folded, with Kazakh letters folded to their nearest Russian ones
(`ideas.text.search_text`), so both indexes hold folded words; the query's words are folded
the same way (`search_words`).
A later migration that rebuilds `ideas` on SQLite (batch mode copies the table) drops the
triggers with the old table: it must create them again (`SQLITE_TRIGGERS`).
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from myalmaty.core.text import fold_kazakh

FTS_TABLE = "ideas_fts"
VECTOR_COLUMN = "search_vector"
GIN_INDEX = "ix_ideas_search_vector"

# Words are runs of letters and digits: what FTS5's unicode61 tokenizer keeps, and what
# PostgreSQL's parser keeps of them. Everything else (quotes, `*`, `-`, `:`, `&`, brackets)
# only separates words, so no search text can be read as an operator by either engine.
_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
MAX_WORD_LENGTH = 60

SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, content='ideas', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='2 3')"
)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON ideas BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON ideas BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF search_text ON ideas BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
)
# Fills the index from the rows already there (the migration, on an existing database).
SQLITE_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"
SQLITE_DROP = (
    *(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{event}" for event in ("insert", "delete", "update")),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRESQL_CREATE = (
    f"ALTER TABLE ideas ADD COLUMN {VECTOR_COLUMN} tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, search_text)) STORED",
    f"CREATE INDEX {GIN_INDEX} ON ideas USING gin ({VECTOR_COLUMN})",
)
POSTGRESQL_DROP = (
    f"DROP INDEX IF EXISTS {GIN_INDEX}",
    f"ALTER TABLE ideas DROP COLUMN IF EXISTS {VECTOR_COLUMN}",
)


def search_words(text: str) -> list[str]:
    """The words of a search, case-folded and with Kazakh letters folded like `search_text`,
    at most MAX_WORDS of them."""
    words = _WORD.findall(fold_kazakh(text.casefold()))
    return [word[:MAX_WORD_LENGTH] for word in words[:MAX_WORDS]]


def not_in_models(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Alembic's `include_name`: leave out the full-text index, which no model describes
    (FTS5 keeps its words in shadow tables named after the virtual one)."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    return not ((type_ == "index" and name == GIN_INDEX)
                or (type_ == "column" and name == VECTOR_COLUMN))


class TextMatch(sa.ColumnElement[bool]):
    """True for the ideas whose `search_text` holds, for each word, a word starting with it.

    Compiled per database so that each reads its own index; `words` must come from
    `search_words` (letters and digits only).
    """

    # The words become bound values only when compiled: a cached statement would keep the
    # first search's words, so statements holding this are compiled each time.
    inherit_cache = False
    type = sa.Boolean()

    def __init__(self, id_column: so.QueryableAttribute[int],
                 text_column: so.QueryableAttribute[str], words: list[str]) -> None:
        self.id_column = id_column
        self.text_column = text_column
        self.words = tuple(words)


@compiles(TextMatch, "sqlite")
def _sqlite_match(element: TextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    pattern = " ".join('"' + word.replace('"', '""') + '"*' for word in element.words)
    fts = sa.table(FTS_TABLE, sa.column("rowid"), sa.column(FTS_TABLE))
    matching = sa.select(fts.c.rowid).where(fts.c[FTS_TABLE].op("MATCH")(sa.literal(pattern)))
    return compiler.process(element.id_column.in_(matching), **kw)


@compiles(TextMatch, "postgresql")
def _postgresql_match(element: TextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    query = " & ".join(f"'{word}':*" for word in element.words)
    # The stored words of the same row (of the same table or alias as the text column).
    text_column = element.text_column.expression
    vector: sa.ColumnClause[Any] = sa.column(VECTOR_COLUMN, _selectable=text_column.table)
    wanted = sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), sa.literal(query))
    return compiler.process(vector.op("@@")(wanted), **kw)


def _create(target: sa.Table, connection: sa.Connection, **_kw: Any) -> None:
    if connection.dialect.name == "sqlite":
        for statement in (SQLITE_CREATE, *SQLITE_TRIGGERS):
            connection.exec_driver_sql(statement)
    elif connection.dialect.name == "postgresql":
        for statement in POSTGRESQL_CREATE:
            connection.exec_driver_sql(statement)


def _drop(target: sa.Table, connection: sa.Connection, **_kw: Any) -> None:
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            connection.exec_driver_sql(statement)


def attach(table: sa.FromClause) -> None:
    """Create the index with the table, and drop FTS5's table before it (PostgreSQL drops the
    GIN index with the table by itself)."""
    sa.event.listen(table, "after_create", _create)
    sa.event.listen(table, "before_drop", _drop)
