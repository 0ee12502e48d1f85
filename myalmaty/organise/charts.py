"""Charts drawn on the server as HTML and CSS: no script, no other host, readable without colour.

Why not SVG text: an SVG scaled to a phone's width (its viewBox) shrinks its text with it, to
about 6 px at 360 px. Here the words and numbers are ordinary text in CSS px that wraps and
reflows; only the bars' lengths come from the numbers (a `--share` between 0 and 1 that the
stylesheet turns into a width or a height). The layout follows the chart's own width through
container queries in organise.css: labels beside the bars when there is room, above them when
not; the weekly columns become rows on a phone, and their date axis is thinned when narrow.

Charting libraries drawn on the server (pygal, matplotlib, plotly's static export) produce a
picture of a fixed size or an SVG scaled as a whole: both bring back the shrinking text.

Each chart is an image with a name (`role="img"`, `aria-label`) and a description of all its
numbers; the page shows a table of the same numbers beside it, which is the text alternative.
Every label is escaped here, as names of quarters and categories are typed by organisers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

_ids = count(1)


@dataclass(frozen=True)
class Datum:
    label: str
    value: int


def _format(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _describe(data: Sequence[Datum]) -> str:
    return "; ".join(f"{d.label}: {_format(d.value)}" for d in data)


def _share(value: int, top: int) -> str:
    return f"{value / top:.4f}" if top else "0"


def _chart(css_class: str, title: str, description: str, body: str) -> Markup:
    chart_id = f"chart-{next(_ids)}"
    return Markup(
        f'<div class="chart {css_class}" role="img" aria-label="{escape(title)}" '
        f'aria-describedby="{chart_id}-desc">'
        f'<p class="visually-hidden" id="{chart_id}-desc">{escape(description)}</p>'
        f"{body}</div>"
    )


def _item(css_class: str, datum: Datum, top: int) -> str:
    return (
        f'<li class="{css_class}" style="--share: {_share(datum.value, top)}" '
        f'title="{escape(datum.label)}: {_format(datum.value)}">'
        f'<span class="chart-label">{escape(datum.label)}</span>'
        f'<span class="chart-bar"><span class="chart-fill"></span>'
        f'<span class="chart-value">{_format(datum.value)}</span></span></li>'
    )


def bar_chart(data: Sequence[Datum], title: str, empty_text: str = "") -> Markup:
    """Horizontal bars, one per row; a label as long as it is, wrapped rather than cut."""
    top = max((d.value for d in data), default=0)
    if not data:
        return _chart("bar-chart", title, empty_text, f'<p class="chart-empty">{escape(empty_text)}</p>')
    rows = "".join(_item("chart-row", datum, top) for datum in data)
    return _chart("bar-chart", title, _describe(data), f'<ol class="chart-rows">{rows}</ol>')


def column_chart(data: Sequence[Datum], title: str, empty_text: str = "") -> Markup:
    """Columns over time (e.g. weeks), the value above each and its date below: rows when narrow."""
    top = max((d.value for d in data), default=0)
    description = _describe(data) if top else empty_text or _describe(data)
    columns = "".join(_item("chart-column", datum, top) for datum in data)
    empty = f'<p class="chart-empty">{escape(empty_text)}</p>' if not top and empty_text else ""
    return _chart("column-chart", title, description, f'<ol class="chart-columns">{columns}</ol>{empty}')
