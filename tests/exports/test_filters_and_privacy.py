"""What leaves the platform: only published ideas, no e-mail, and exactly what the filters ask."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from myalmaty.core.models import utcnow
from tests.exports.conftest import EMAIL, csv_ids, every_member, read_csv

ALL_FORMATS = ["csv", "xlsx", "geojson", "html", "pack"]


def _args(fmt, world):
    return ("--forum", str(world.forum.id)) if fmt == "pack" else ()


@pytest.mark.parametrize("fmt", ALL_FORMATS)
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_no_file_holds_an_email_address_or_an_unpublished_idea(world, export_cli, fmt, lang):
    result, data = export_cli(fmt, "--lang", lang, *_args(fmt, world))
    assert result.exit_code == 0, result.output
    members = every_member(data)
    if fmt == "pack":
        assert len(members) > 5
    for name, content in members:
        assert EMAIL.search(content) is None, f"e-mail address in {fmt} {name}"
        for idea in world.unpublished:
            assert idea.title.encode() not in content, f"{idea.status.value} idea in {fmt} {name}"
        # A deleted account's name is gone too; comment authors appear by display name only.
        assert b"Gone Person" not in content


def test_the_email_a_resident_typed_is_replaced(world, export_cli):
    _result, data = export_cli("csv", "--lang", "en")
    text = data.decode("utf-8-sig")
    assert "aigerim.author" not in text
    assert "Пишите мне: [e-mail removed]" in text


def _ids(*ideas):
    return {idea.id for idea in ideas}


def _day(days_ago: int) -> str:
    """The day, in Almaty, `days_ago` days back: what an organiser would type."""
    return (utcnow() - dt.timedelta(days=days_ago)).astimezone(ZoneInfo("Asia/Almaty")).date().isoformat()


@pytest.mark.parametrize(
    ("make_args", "expected"),
    [
        (lambda w: [], lambda w: _ids(*w.published)),
        (lambda w: ["--forum", str(w.forum.id)], lambda w: _ids(w.cinema, w.mural, w.bikes)),
        (lambda w: ["--forum", str(w.other_forum.id)], lambda w: _ids(w.formula)),
        (lambda w: ["--quarter", "west"], lambda w: _ids(w.bikes, w.formula)),
        (lambda w: ["--category", "culture"], lambda w: _ids(w.cinema, w.mural, w.hostile)),
        (lambda w: ["--group", str(w.courtyards.id)], lambda w: _ids(w.cinema, w.mural)),
        (lambda w: ["--recommendation", str(w.believe.id)], lambda w: _ids(w.cinema, w.mural, w.formula)),
        (lambda w: ["--recommendation", str(w.small_steps.id)], lambda w: _ids(w.cinema)),
        (lambda w: ["--stage", "selected_for_forum"], lambda w: _ids(w.cinema, w.mural)),
        (lambda w: ["--since", _day(7)], lambda w: _ids(w.mural, w.hostile, w.formula)),
        (lambda w: ["--until", _day(20)], lambda w: _ids(w.cinema)),
        (lambda w: ["--since", _day(12), "--until", _day(4)], lambda w: _ids(w.bikes, w.mural)),
        (lambda w: ["--quarter", "centre", "--category", "culture", "--stage", "new"],
         lambda w: _ids(w.hostile)),
    ],
    ids=["none", "forum", "other-forum", "quarter", "category", "group", "recommendation",
         "recommendation-direct", "stage", "since", "until", "date-range", "combined"],
)
def test_each_filter_narrows_the_export(world, export_cli, make_args, expected):
    result, data = export_cli("csv", *make_args(world))
    assert result.exit_code == 0, result.output
    assert csv_ids(data) == expected(world)


@pytest.mark.parametrize("fmt", ["csv", "geojson", "xlsx"])
@pytest.mark.parametrize(
    "make_args",
    [
        lambda w: ["--since", "2026-02-01", "--until", "2026-01-01"],
        lambda w: ["--quarter", "west", "--group", str(w.courtyards.id)],
    ],
    ids=["since-after-until", "quarter-and-group-apart"],
)
def test_contradictory_filters_give_headers_only(world, export_cli, fmt, make_args):
    result, data = export_cli(fmt, "--lang", "en", *make_args(world))
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        assert read_csv(data) == [read_csv(data)[0]] and read_csv(data)[0][0] == "Number"
    elif fmt == "geojson":
        assert json.loads(data) == {"type": "FeatureCollection", "features": []}
    else:
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data))["Ideas"]
        assert [c.value for c in sheet[1]][:2] == ["Number", "Reference"]
        assert sheet.max_row == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "atlantis"], "There is no quarter with the short name “atlantis”."),
        (["--category", "nope"], "There is no category with the short name “nope”."),
        (["--forum", "abc"], "There is no forum with the number “abc”."),
        (["--forum", "999"], "There is no forum with the number “999”."),
        (["--group", "999"], "There is no theme with the number “999”."),
        (["--group", "²"], "There is no theme with the number “²”."),
        (["--recommendation", "-1"], "There is no recommendation with the number “-1”."),
        (["--stage", "finished"], "“finished” is not a stage"),
        (["--since", "2026-13-01"], "“2026-13-01” is not a date; write it as YYYY-MM-DD."),
        (["--until", "yesterday"], "“yesterday” is not a date"),
    ],
)
def test_invalid_filter_values_stop_the_command_with_a_clear_error(world, export_cli, args, message):
    result, data = export_cli("csv", "--lang", "en", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert data == b""


def test_errors_are_in_the_chosen_language(world, export_cli):
    result, _data = export_cli("csv", "--lang", "kk", "--quarter", "atlantis")
    assert result.exit_code != 0
    assert "«atlantis» қысқа атауы бар орам жоқ." in result.output


def test_a_pack_needs_a_forum(world, export_cli):
    result, data = export_cli("pack", "--lang", "en")
    assert result.exit_code != 0
    assert "choose the forum" in result.output
    assert data == b""
