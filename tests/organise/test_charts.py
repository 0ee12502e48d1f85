"""Server-drawn SVG charts: escaped labels, accessible names, bars proportional to the numbers."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from myalmaty.organise.charts import Datum, bar_chart, column_chart
from myalmaty.organise.quarter_maps import NO_IDEAS, PALETTE, colour_bins, colour_for

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_a_bar_chart_is_a_titled_image_whose_bars_follow_the_numbers():
    svg = _parse(bar_chart([Datum("Alatau", 3), Datum("Bazar", 1)], "Ideas by quarter"))

    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Ideas by quarter"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}desc").text == "Alatau: 3; Bazar: 1"
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(3 * widths[1], abs=0.2)


def test_labels_are_escaped():
    markup = str(bar_chart([Datum('<script>alert("x")</script>', 1)], "<b>Title</b>"))

    assert "<script>" not in markup and "<b>" not in markup
    assert "&lt;script&gt;" in markup
    _parse(markup)  # still well-formed


def test_long_labels_are_cut_but_kept_whole_in_the_bars_title():
    name = "Creative quarter of the old tram depot and its courtyards"
    svg = _parse(bar_chart([Datum(name, 2)], "Ideas"))

    label = next(t for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-label")
    assert label.text.endswith("…") and len(label.text) <= 20
    assert svg.find(f"{SVG}g/{SVG}title").text == f"{name}: 2"


def test_an_empty_chart_says_so():
    assert "No ideas yet" in str(bar_chart([], "Ideas", "No ideas yet"))
    assert "No ideas yet" in str(column_chart([Datum("01.09", 0)], "Weeks", "No ideas yet"))


def test_a_column_chart_has_one_column_per_week():
    weeks = [Datum(f"{d:02d}.09", n) for d, n in ((1, 0), (8, 4), (15, 2))]
    svg = _parse(column_chart(weeks, "Ideas per week"))

    heights = [float(r.get("height")) for r in svg.iter(f"{SVG}rect")]
    assert heights[0] == 0 and heights[1] == pytest.approx(2 * heights[2], abs=0.2)
    assert re.findall(r"\d\d\.09", svg.find(f"{SVG}desc").text) == ["01.09", "08.09", "15.09"]


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
