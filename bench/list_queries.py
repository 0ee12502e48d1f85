"""SQL statements per page of the ideas list, at page sizes 10 and 50 (and per API call).

    python bench/list_queries.py

The count must not depend on the page size (no N+1); exits with status 1 if it does.
"""

from __future__ import annotations

import sqlalchemy as sa
from _seed import add_ideas, bench_app

from myalmaty.extensions import db

PAGE_SIZES = (10, 50)


def count_statements(app, path: str) -> int:
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = app.test_client().get(path)
        assert response.status_code == 200, response.status_code
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def main() -> int:
    app = bench_app()
    add_ideas(app, 120)
    counts = {}
    print(f"{'page size':>9}  {'SQL statements':>14}  page")
    for size in PAGE_SIZES:
        app.config["IDEAS_PER_PAGE"] = size
        for path in ("/ideas/", "/ideas/?sort=supported&category=culture&q=кино"):
            counts[(size, path)] = count_statements(app, path)
            print(f"{size:>9}  {counts[(size, path)]:>14}  {path}")
    print(f"{'':>9}  {count_statements(app, '/api/ideas'):>14}  /api/ideas (120 ideas)")
    constant = all(counts[(PAGE_SIZES[0], p)] == counts[(PAGE_SIZES[-1], p)]
                   for p in {p for _, p in counts})
    print(f"constant whatever the page size: {'yes' if constant else 'NO'}")
    return 0 if constant else 1


if __name__ == "__main__":
    raise SystemExit(main())
