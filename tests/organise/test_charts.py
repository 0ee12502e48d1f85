"""Charts drawn on the server as HTML: escaped labels, accessible names, bars following the numbers."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from myalmaty.organise.charts import Datum, bar_chart, column_chart
from myalmaty.organise.quarter_maps import NO_IDEAS, PALETTE, colour_bins, colour_for


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def _shares(chart: ET.Element) -> list[float]:
    return [float(re.fullmatch(r"--share: ([\d.]+)", li.get("style")).group(1))
            for li in chart.iter("li")]


def _description(chart: ET.Element) -> str:
    return chart.find(f"p[@id='{chart.get('aria-describedby')}']").text


def test_a_bar_chart_is_a_named_image_whose_bars_follow_the_numbers():
    chart = _parse(bar_chart([Datum("Alatau", 3), Datum("Bazar", 1)], "Ideas by quarter"))

    assert chart.get("role") == "img"
    assert chart.get("aria-label") == "Ideas by quarter"
    assert _description(chart) == "Alatau: 3; Bazar: 1"
    first, second = _shares(chart)
    assert first == pytest.approx(3 * second, abs=0.001) and first == 1


def test_labels_and_numbers_are_text_not_drawn_in_svg():
    """SVG text scales with its picture, down to 6 px on a phone: here they are page text."""
    markup = str(bar_chart([Datum("Alatau", 1234)], "Ideas"))

    assert "<svg" not in markup and "<text" not in markup
    chart = _parse(markup)
    assert [s.text for s in chart.iter("span") if s.get("class") == "chart-label"] == ["Alatau"]
    assert [s.text for s in chart.iter("span") if s.get("class") == "chart-value"] == ["1\u202f234"]


def test_labels_are_escaped():
    markup = str(bar_chart([Datum('<script>alert("x")</script>', 1)], "<b>Title</b>"))

    assert "<script>" not in markup and "<b>" not in markup
    assert "&lt;script&gt;" in markup
    _parse(markup)  # still well-formed


def test_long_labels_are_kept_whole_to_wrap_rather_than_cut():
    name = "Creative quarter of the old tram depot and its courtyards"
    chart = _parse(bar_chart([Datum(name, 2)], "Ideas"))

    label = next(s for s in chart.iter("span") if s.get("class") == "chart-label")
    assert label.text == name
    assert chart.find("ol/li").get("title") == f"{name}: 2"


def test_an_empty_chart_says_so():
    assert "No ideas yet" in str(bar_chart([], "Ideas", "No ideas yet"))
    assert "No ideas yet" in str(column_chart([Datum("01.09", 0)], "Weeks", "No ideas yet"))


def test_a_column_chart_has_one_column_per_week():
    weeks = [Datum(f"{d:02d}.09", n) for d, n in ((1, 0), (8, 4), (15, 2))]
    chart = _parse(column_chart(weeks, "Ideas per week"))

    shares = _shares(chart)
    assert shares[0] == 0 and shares[1] == pytest.approx(2 * shares[2], abs=0.001)
    assert re.findall(r"\d\d\.09", _description(chart)) == ["01.09", "08.09", "15.09"]


def test_colour_classes_cover_every_count_without_gaps():
    bins = colour_bins(12)

    assert bins[0].low == 1 and bins[-1].high == 12
    assert all(a.high + 1 == b.low for a, b in itertools.pairwise(bins))
    assert colour_for(0, bins) == NO_IDEAS
    assert colour_for(12, bins) == PALETTE[-1]
    assert colour_for(1, bins) == PALETTE[0]


def test_few_distinct_counts_still_use_the_palettes_ends():
    bins = colour_bins(2)

    assert [b.colour for b in bins] == [PALETTE[0], PALETTE[-1]]
    assert colour_bins(0) == []
