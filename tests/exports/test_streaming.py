"""Exports read ideas in batches: one query for the ideas, one per batch for their links."""

import io

import pytest
from openpyxl import load_workbook

from myalmaty.exports.filters import ExportFilters
from myalmaty.exports.queries import iter_idea_rows, load_reference_data
from myalmaty.extensions import db
from tests.factories import make_idea


def test_ideas_are_read_in_batches_not_one_by_one(world, count_queries):
    reference = load_reference_data("en")
    with count_queries() as counter:
        rows = list(iter_idea_rows(ExportFilters(), reference, batch_size=2))
    assert [r.id for r in rows] == sorted(i.id for i in world.published)
    # 5 ideas in batches of 2: the ideas' query, and the links of each of the three batches.
    assert counter.count == 1 + 3


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "geojson", "html"])
def test_control_characters_pasted_by_a_resident_do_not_break_the_file(world, export_cli, fmt):
    make_idea(title="Tab\tand\x0bvertical\x1ftab", description="bell\x07", category=world.culture)
    db.session.commit()
    result, data = export_cli(fmt, "--lang", "en")
    assert result.exit_code == 0, result.output
    if fmt == "xlsx":
        titles = [c.value for c in load_workbook(io.BytesIO(data))["Ideas"]["D"]]
        assert "Tab\tandverticaltab" in titles


@pytest.mark.parametrize("zone", ["Asia/Almaty", "Asia/Kolkata", "Europe/Berlin"])
def test_local_days_looked_up_per_hour_match_the_time_zone_at_every_moment(zone):
    """Days are looked up once per UTC hour; an hour holding local midnight (a half-hour
    offset) or a change of offset (summer time) is worked out moment by moment. Times come
    aware in UTC, or naive in UTC as SQLite stores them."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from myalmaty.exports.queries import ReferenceData

    tz = ZoneInfo(zone)
    reference = ReferenceData("en", {}, {}, {}, {}, {}, tz)
    start = dt.datetime(2026, 3, 28, 12, 0, tzinfo=dt.UTC)  # Berlin moves its clocks on the 29th
    for minutes in range(0, 2 * 24 * 60, 7):
        moment = start + dt.timedelta(minutes=minutes, seconds=minutes % 60)
        expected = moment.astimezone(tz).date()
        assert reference.local_day(moment) == expected, moment
        assert reference.local_day(moment.replace(tzinfo=None)) == expected, moment
    assert reference.local_day(None) is None
