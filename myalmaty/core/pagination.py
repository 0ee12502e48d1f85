"""The one page parameter of every list, and the one way a list is cut into pages.

`?page=` must be a whole number from 1 (else a 400 page with a translated message); a page
past the last shows the last page: a bookmark or a link from before ideas left the list still
shows something, and no number, however long, reaches the database beyond the id bound.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from myalmaty.core.errors import InvalidParameter
from myalmaty.core.numbers import MAX_ID, bounded_number, is_whole_number
from myalmaty.core.text import clean_line
from myalmaty.extensions import db

NOT_A_PAGE = _l("The page must be a whole number from 1.")


def page_from(args: Mapping[str, str]) -> int:
    """The page a list was asked for: 1 when not given; past MAX_ID it is MAX_ID (then the last
    page, by `paginate`)."""
    text = clean_line(args.get("page"))
    if not text:
        return 1
    if not is_whole_number(text) or not text.strip("0"):
        raise InvalidParameter("page", NOT_A_PAGE)
    return bounded_number(text, 1, MAX_ID) or MAX_ID


def paginate(query: sa.Select[Any], page: int, per_page: int) -> Pagination:
    """One page of `query` and the count; a page past the last is the last page (two more
    queries, only then)."""
    page = min(max(page, 1), MAX_ID)
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    if page > 1 and not pagination.items and pagination.total:
        pagination = db.paginate(
            query, page=pagination.pages, per_page=per_page, error_out=False, count=True
        )
    return pagination


class _IdsFirstPagination(Pagination):
    """Pages a select of ids (which an index can answer in order); `load` reads the rows of
    the page's ids, given as a subquery, in the same statement: sorting never drags whole
    rows and their joins along, and the page costs one round trip."""

    def _query_items(self) -> list[Any]:
        ids = self._query_args["ids"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["load"](ids.subquery("page")))

    def _query_count(self) -> int:
        return self._query_args["count_ids"](self._query_args["ids"])


def count_of(ids: sa.Select[Any]) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        ids.order_by(None).subquery())) or 0


def paginate_ids(
    ids: sa.Select[Any], load: Callable[[sa.Subquery], Sequence[Any]], page: int,
    per_page: int,
    count: Callable[[sa.Select[Any]], int] = count_of,
) -> Pagination:
    """Like `paginate`, for a select of ids in order and a loader of the rows they name (in
    that order); `count` counts them (a caller may keep counts)."""
    page = min(max(page, 1), MAX_ID)
    options: dict[str, Any] = {"ids": ids, "load": load, "count_ids": count}
    pagination = _IdsFirstPagination(page=page, per_page=per_page, error_out=False, **options)
    if page > 1 and not pagination.items and pagination.total:
        pagination = _IdsFirstPagination(page=pagination.pages, per_page=per_page,
                                         error_out=False, **options)
    return pagination
