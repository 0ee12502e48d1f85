"""The dashboard page: numbers from `dashboard_queries`, turned into charts, a map and tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_timedelta
from flask_babel import gettext as _

from myalmaty.core.permissions import Role, require
from myalmaty.domain.ideas import IdeaStage, IdeaStatus
from myalmaty.organise import dashboard_queries
from myalmaty.organise.charts import Datum, bar_chart, column_chart
from myalmaty.organise.quarter_maps import NO_IDEAS, choropleth

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User


def format_age(delta: dt.timedelta | None) -> str | None:
    """"5 hours", "12 days": days once past a day (Babel would round 10 days to "1 week")."""
    if delta is None:
        return None
    if delta < dt.timedelta(days=1):
        return format_timedelta(delta, threshold=1)
    return format_timedelta(delta, granularity="day", threshold=100_000)


@dataclass(frozen=True)
class QuarterRow:
    """A row of the quarters table and the map's legend."""

    name: str
    count: int
    colour: str
    archived: bool = False


def build_dashboard(actor: User, now: dt.datetime, timezone: ZoneInfo) -> dict[str, Any]:
    require(actor, Role.ORGANISER)
    data = dashboard_queries.dashboard(now, timezone)
    no_ideas = _("No published ideas yet.")

    mapped = choropleth(data.quarters, data.by_quarter)
    quarter_rows = sorted(
        (QuarterRow(q.name, data.by_quarter.get(q.id, 0), mapped.colours[q.id], q.archived)
         for q in data.quarters),
        key=lambda row: (-row.count, row.name),
    )
    quarter_data = [Datum(row.name, row.count) for row in quarter_rows]
    if data.unassigned:
        quarter_data.append(Datum(_("Outside any quarter"), data.unassigned))

    category_data = [Datum(category.name, number) for category, number in data.by_category]
    stage_data = [Datum(stage.label, data.by_stage.get(stage, 0)) for stage in IdeaStage]
    week_data = [Datum(format_date(start, "dd.MM"), number) for start, number in data.weeks]
    pending = data.pending

    return {
        "data": data,
        "statuses": [(status, data.by_status.get(status, 0)) for status in IdeaStatus],
        "quarter_rows": quarter_rows,
        "quarter_data": quarter_data,
        "quarter_chart": bar_chart(quarter_data, _("Published ideas by quarter"), no_ideas),
        "category_data": category_data,
        "category_chart": bar_chart(category_data, _("Published ideas by category"), no_ideas),
        "stage_data": stage_data,
        "stage_chart": bar_chart(stage_data, _("Published ideas by stage"), no_ideas),
        "week_rows": data.weeks,
        "week_chart": column_chart(week_data, _("Ideas published each week, last 12 weeks"), no_ideas),
        "map": mapped,
        "no_ideas_colour": NO_IDEAS,
        "pending": pending,
        "oldest_age": format_age(now - pending.oldest if pending.oldest else None),
        "median_age": format_age(now - pending.median if pending.median else None),
        "quarters": data.quarters,
    }
