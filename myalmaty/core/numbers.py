"""Numbers from outside (addresses, query strings, forms) kept within what the databases store.

PostgreSQL's `integer` stops at 2^31−1 and refuses a larger parameter with an error; SQLite
overflows past 2^63. So every id, version and page number is checked here before it reaches
a query: a number past the bound names nothing (404) or is refused with a message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from werkzeug.routing import Map, ValidationError
from werkzeug.routing.converters import IntegerConverter

# The largest id (and version, and page number) anything accepts: PostgreSQL's `integer`.
MAX_ID = 2**31 - 1
# The years a date typed into a form or a filter may have: the platform's lifetime with room to
# spare. (Year 1 or 9999 would overflow when turned into a day's start in UTC.)
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


def is_whole_number(text: str) -> bool:
    """ASCII digits only: no sign, blanks or "1_000", and not "²" (which `isdigit` accepts)."""
    return text.isascii() and text.isdigit()


def bounded_number(text: str | None, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """`text` as a whole number from `minimum` to `maximum`, or None.

    A longer run of digits than `maximum` has is out of range without converting it (Python
    refuses to convert more than 4,300 digits).
    """
    text = (text or "").strip()
    if not is_whole_number(text):
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(maximum)):
        return None
    number = int(digits)
    return number if minimum <= number <= maximum else None


def year_in_range(day: dt.date) -> bool:
    return EARLIEST_YEAR <= day.year <= LATEST_YEAR


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: 1 … 2^31−1, anything else is no match (404).

    It replaces Werkzeug's `int` converter in the app's URL map (see `create_app`) rather than
    being a converter of its own name: every existing `<int:…>` rule is covered, and so is a new
    route, without anyone having to remember a special name.
    """

    regex = r"[0-9]+"  # Werkzeug's `\d+` also matches other scripts' digits

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if self.fixed_digits and len(value) != self.fixed_digits:
            raise ValidationError()
        number = bounded_number(value, self.min or 0, self.max or MAX_ID)
        if number is None:
            raise ValidationError()
        return number
