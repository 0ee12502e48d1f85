"""What an export is narrowed to, read from the web form or the command line, and its query.

Both the download page and `flask export` hand their raw strings to `parse_filters`, so a
value is accepted or refused with the same translated message wherever it was typed.
Filters that contradict each other (since > until, a quarter and a group with no idea in
common) are not errors: they simply match nothing, and the export has only its headers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields

import sqlalchemy as sa
from flask_babel import get_timezone
from flask_babel import gettext as _

from myalmaty.core.errors import DomainError
from myalmaty.core.numbers import EARLIEST_YEAR, LATEST_YEAR, bounded_number, year_in_range
from myalmaty.core.text import clean_line
from myalmaty.domain.ideas import Idea, IdeaStage, IdeaStatus
from myalmaty.domain.reference import Category, Forum, Quarter, Recommendation
from myalmaty.domain.rules import on_agenda_of, takes_up
from myalmaty.domain.themes import IdeaGroup
from myalmaty.exports.areas import Area, InvalidArea, parse_area
from myalmaty.extensions import db

FILTER_NAMES = ("forum", "quarter", "category", "group", "recommendation", "stage", "since", "until",
                "area")


@dataclass(frozen=True)
class ExportFilters:
    """Resolved filters: database ids, a stage, dates (days in the platform's time zone)."""

    forum_id: int | None = None
    quarter_id: int | None = None
    category_id: int | None = None
    group_id: int | None = None
    recommendation_id: int | None = None
    stage: IdeaStage | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    # Drawn on the organisers' map (a rectangle, a cluster's bounds or a polygon).
    area: Area | None = None

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


class InvalidFilters(DomainError):
    """One or more filter values name nothing that exists; `errors` maps filter → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_filters(raw: Mapping[str, object]) -> ExportFilters:
    """Turn typed values (slugs, ids, ISO dates) into resolved filters, or raise InvalidFilters
    listing every value that is wrong, each with a message that repeats what was typed."""
    values = {name: clean_line(str(raw.get(name) or "")) for name in FILTER_NAMES}
    resolved: dict[str, object] = {}
    errors: dict[str, str] = {}

    def by_id(name: str, model: type, message: str) -> None:
        value = values[name]
        if not value:
            return
        number = bounded_number(value)
        if number is None or db.session.get(model, number) is None:
            errors[name] = message % {"value": value}
        else:
            resolved[f"{name}_id"] = number

    def by_slug(name: str, model: type[Quarter | Category], message: str) -> None:
        value = values[name]
        if not value:
            return
        found = db.session.scalar(sa.select(model.id).where(model.slug == value))
        if found is None:
            errors[name] = message % {"value": value}
        else:
            resolved[f"{name}_id"] = found

    by_id("forum", Forum, _("There is no forum with the number “%(value)s”."))
    by_slug("quarter", Quarter, _("There is no quarter with the short name “%(value)s”."))
    by_slug("category", Category, _("There is no category with the short name “%(value)s”."))
    by_id("group", IdeaGroup, _("There is no theme with the number “%(value)s”."))
    by_id(
        "recommendation", Recommendation,
        _("There is no recommendation with the number “%(value)s”."),
    )
    if values["stage"]:
        try:
            resolved["stage"] = IdeaStage(values["stage"])
        except ValueError:
            errors["stage"] = _(
                "“%(value)s” is not a stage; use one of: %(choices)s.",
                value=values["stage"], choices=", ".join(s.value for s in IdeaStage),
            )
    for name in ("since", "until"):
        if values[name]:
            day = _date(values[name])
            if day is None:
                errors[name] = _(
                    "“%(value)s” is not a date; write it as YYYY-MM-DD.", value=values[name]
                )
            elif not year_in_range(day):
                errors[name] = _("Enter a date between %(first)s and %(last)s.",
                                 first=EARLIEST_YEAR, last=LATEST_YEAR)
            else:
                resolved[name] = day
    if values["area"]:
        try:
            resolved["area"] = parse_area(values["area"])
        except InvalidArea as error:
            errors["area"] = str(error)
    if errors:
        raise InvalidFilters(errors)
    return ExportFilters(**resolved)  # type: ignore[arg-type]


def _start_of_day_utc(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the platform's time zone, as UTC: a day means a day in Almaty."""
    local = dt.datetime.combine(day, dt.time.min).replace(tzinfo=get_timezone())
    return local.astimezone(dt.UTC)


def idea_conditions(filters: ExportFilters) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions on `Idea` for the filters.

    A forum or a recommendation matches the ideas on its agenda or taking it up, directly or
    through their active theme (`domain.rules`, as everywhere else). Only published ideas,
    ever. Ideas marked as duplicates are left out too: their supports moved to the original,
    which stands for them, so including them would count one idea twice.
    """
    conditions: list[sa.ColumnElement[bool]] = [Idea.status == IdeaStatus.PUBLISHED]
    if filters.forum_id is not None:
        conditions.append(on_agenda_of(filters.forum_id))
    if filters.quarter_id is not None:
        conditions.append(Idea.quarter_id == filters.quarter_id)
    if filters.category_id is not None:
        conditions.append(Idea.category_id == filters.category_id)
    if filters.group_id is not None:
        conditions.append(Idea.group_id == filters.group_id)
    if filters.recommendation_id is not None:
        conditions.append(takes_up(filters.recommendation_id))
    if filters.stage is not None:
        conditions.append(Idea.stage == filters.stage)
    if filters.since is not None:
        conditions.append(Idea.published_at >= _start_of_day_utc(filters.since))
    if filters.until is not None:
        conditions.append(
            Idea.published_at < _start_of_day_utc(filters.until + dt.timedelta(days=1))
        )
    if filters.area is not None:
        conditions.extend(area_conditions(filters.area, conditions))
    return conditions


def area_conditions(area: Area, others: list[sa.ColumnElement[bool]]) -> list[sa.ColumnElement[bool]]:
    """Ideas inside `area`: its bounding box in SQL (the status-lon-lat index serves it), then,
    for a polygon, each idea in the box tested exactly (shapely, via core.geo) and the ones
    inside named by id. The ids are written into the statement, not bound one by one: a large
    area holds more ideas than SQLite takes parameters."""
    box = area.bbox
    in_box: list[sa.ColumnElement[bool]] = [Idea.lon.between(box.min_lon, box.max_lon),
                                            Idea.lat.between(box.min_lat, box.max_lat)]
    if area.is_rectangle:
        return in_box
    candidates = db.session.execute(sa.select(Idea.id, Idea.lat, Idea.lon).where(*others, *in_box))
    inside = [idea_id for idea_id, lat, lon in candidates if area.covers(lat, lon)]
    return [*in_box, Idea.id.in_(
        sa.bindparam("area_ids", inside, expanding=True, literal_execute=True, unique=True)
    )]
