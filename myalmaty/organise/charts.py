"""Charts drawn on the server as inline SVG: no script, no other host, readable without colour.

Each chart is an image with a title (`role="img"`, `aria-labelledby`); the page shows a table
of the same numbers beside it, which is the text alternative. Every label is escaped here, as
names of quarters and categories are typed by organisers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

_ids = count(1)

# A narrow drawing so that the text stays legible when a phone scales it down.
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 160
VALUE_WIDTH = 44
CHART_WIDTH = 420
LABEL_CHARS = 20


@dataclass(frozen=True)
class Datum:
    label: str
    value: int


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _format(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _open_svg(width: int, height: int, title: str, description: str, css_class: str) -> tuple[str, str]:
    chart_id = f"chart-{next(_ids)}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'aria-label="{escape(title)}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return chart_id, head


def _describe(data: Sequence[Datum]) -> str:
    return "; ".join(f"{d.label}: {_format(d.value)}" for d in data)


def bar_chart(data: Sequence[Datum], title: str, empty_text: str = "") -> Markup:
    """Horizontal bars, one per row, longest label cut short (the full one is in the bar's title)."""
    top = max((d.value for d in data), default=0)
    height = max(len(data), 1) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    _, svg = _open_svg(CHART_WIDTH, height, title, _describe(data) or empty_text, "bar-chart")
    parts = [svg]
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    if not data:
        parts.append(f'<text x="8" y="{BAR_HEIGHT}" class="chart-empty">{escape(empty_text)}</text>')
    for row, datum in enumerate(data):
        y = BAR_GAP + row * (BAR_HEIGHT + BAR_GAP)
        width = round(room * datum.value / top, 1) if top else 0
        middle = y + BAR_HEIGHT / 2
        parts.append(
            f'<g class="bar"><title>{escape(datum.label)}: {_format(datum.value)}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" dominant-baseline="middle" '
            f'class="chart-label">{escape(_short(datum.label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" rx="3"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{middle}" dominant-baseline="middle" '
            f'class="chart-value">{_format(datum.value)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


COLUMN_AREA_HEIGHT = 160
AXIS_HEIGHT = 34
VALUE_HEIGHT = 18


def column_chart(data: Sequence[Datum], title: str, empty_text: str = "") -> Markup:
    """Vertical columns over time (e.g. weeks), the value above each and its label below."""
    top = max((d.value for d in data), default=0)
    slots = max(len(data), 1)
    slot = CHART_WIDTH / slots
    column = slot * 0.7
    height = VALUE_HEIGHT + COLUMN_AREA_HEIGHT + AXIS_HEIGHT
    description = _describe(data) if top else empty_text or _describe(data)
    _, svg = _open_svg(CHART_WIDTH, height, title, description, "column-chart")
    parts = [svg]
    baseline = VALUE_HEIGHT + COLUMN_AREA_HEIGHT
    parts.append(f'<line x1="0" y1="{baseline}" x2="{CHART_WIDTH}" y2="{baseline}" class="chart-axis"/>')
    for index, datum in enumerate(data):
        x = round(index * slot + (slot - column) / 2, 1)
        bar = round(COLUMN_AREA_HEIGHT * datum.value / top, 1) if top else 0
        centre = round(x + column / 2, 1)
        parts.append(
            f'<g class="column"><title>{escape(datum.label)}: {_format(datum.value)}</title>'
            f'<rect x="{x}" y="{baseline - bar}" width="{round(column, 1)}" height="{bar}" rx="2"/>'
            f'<text x="{centre}" y="{baseline - bar - 4}" text-anchor="middle" class="chart-value">'
            f"{_format(datum.value)}</text>"
            f'<text x="{centre}" y="{baseline + 16}" text-anchor="middle" class="chart-label">'
            f"{escape(_short(datum.label, 8))}</text></g>"
        )
    if not top and empty_text:
        parts.append(
            f'<text x="{CHART_WIDTH / 2}" y="{baseline / 2}" text-anchor="middle" class="chart-empty">'
            f"{escape(empty_text)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
