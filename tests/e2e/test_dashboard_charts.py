"""The organisers' dashboard read on a phone and on a desktop: chart text that stays at least
12 px, axis labels that neither run together nor spill out of their chart, and a table beside
every chart."""

from __future__ import annotations

import datetime as dt

import pytest

from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role
from myalmaty.extensions import db
from tests import factories

LONG_QUARTER = "Креативный квартал старого трамвайного депо и его дворов"
LONG_CATEGORY = "Общественные пространства, дворы и благоустройство"

# Every text box inside the charts, as the browser draws it: the text's own extent (a Range),
# its computed font size, and whether it is shown at all.
MEASURE = """() => Array.from(document.querySelectorAll('.chart')).map(chart => {
  const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                     width: r.width, height: r.height});
  const texts = Array.from(chart.querySelectorAll('.chart-label, .chart-value, .chart-empty'))
    .filter(el => el.checkVisibility({visibilityProperty: true}))
    .map(el => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return {kind: el.className, text: el.textContent, box: box(range.getBoundingClientRect()),
              size: parseFloat(getComputedStyle(el).fontSize)};
    });
  return {kind: chart.className, box: box(chart.getBoundingClientRect()), texts,
          tables: chart.closest('.chart-card').querySelectorAll('table tbody tr').length};
})"""


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] - 0.5 and b["left"] < a["right"] - 0.5 and \
        a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5


def _inside(inner: dict, outer: dict) -> bool:
    return (inner["left"] >= outer["left"] - 0.5 and inner["right"] <= outer["right"] + 0.5
            and inner["top"] >= outer["top"] - 0.5 and inner["bottom"] <= outer["bottom"] + 0.5)


@pytest.fixture
def busy_dashboard(app):
    """Long names in ru, and published ideas in each of the last twelve weeks, up to 120 a week."""
    quarter = factories.make_quarter(name_ru=LONG_QUARTER)
    other = factories.make_quarter(name_ru="Панфилова")
    long_category = factories.make_category(name_ru=LONG_CATEGORY)
    short_category = factories.make_category(name_ru="Музыка")
    author = factories.make_user()
    now = utcnow()
    for week in range(12):
        for n in range(week * 11 - 1 if week else 1):
            factories.make_idea(author=author, quarter=quarter if n % 3 else other,
                                category=long_category if n % 2 else short_category,
                                published_at=now - dt.timedelta(weeks=week, hours=1))
    organiser = factories.make_user(role=Role.ORGANISER, locale="ru")
    db.session.commit()
    return organiser


@pytest.mark.parametrize("width", [360, 960, 1280])
def test_chart_text_is_legible_and_no_label_overlaps_or_spills(page, sign_in, busy_dashboard, width):
    sign_in(busy_dashboard)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(page.base_url + "/organise/?lang=ru")

    charts = page.evaluate(MEASURE)

    assert len(charts) == 4
    for chart in charts:
        assert chart["tables"] > 0, chart["kind"]  # the same numbers as a table
        texts = chart["texts"]
        assert texts, chart["kind"]
        for text in texts:
            assert text["size"] >= 12, text
            assert text["box"]["height"] >= 12, text  # as drawn, not only as asked
            assert _inside(text["box"], chart["box"]), (width, text, chart["box"])
        for i, one in enumerate(texts):
            for other in texts[i + 1:]:
                assert not _overlap(one["box"], other["box"]), (width, one, other)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    weeks = next(c for c in charts if "column-chart" in c["kind"])
    dates = [t for t in weeks["texts"] if t["kind"] == "chart-label"]
    # Every week's date below its column where they fit; every other one where they would not.
    assert len(dates) == {360: 12, 960: 6, 1280: 12}[width]
    labels = [t["text"] for c in charts for t in c["texts"]]
    assert LONG_QUARTER in labels and LONG_CATEGORY in labels  # wrapped, not cut short


def test_each_chart_opens_as_a_table_of_the_same_numbers(page, sign_in, busy_dashboard):
    sign_in(busy_dashboard)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(page.base_url + "/organise/?lang=en")

    summaries = page.locator(".chart-card summary")
    assert summaries.count() == 4
    for index in range(4):
        summaries.nth(index).click()
    tables = page.locator(".chart-card table")
    assert all(tables.nth(i).is_visible() for i in range(4))
    week_rows = tables.nth(3).locator("tbody tr")
    assert week_rows.count() == 12
    assert week_rows.last.locator("td").inner_text() == "1"

