"""The rules for a point, checked without any page in between."""

from __future__ import annotations

import math

import pytest

from myalmaty.ideas.location import (
    QUARTER_AUTO,
    QUARTER_NONE,
    LocationError,
    check_point,
    parse_coordinate,
    resolve_location,
)
from tests.factories import CENTRE


@pytest.mark.parametrize(("text", "value"), [("43.25", 43.25), (" 43,25 ", 43.25), ("", None),
                                             (None, None), ("-0.5", -0.5)])
def test_typed_coordinates_are_read(text, value):
    assert parse_coordinate(text) == value


@pytest.mark.parametrize("text", ["abc", "nan", "NaN", "inf", "-infinity", "1e400", "43.2.1"])
def test_anything_but_a_finite_number_is_not_a_coordinate(text):
    with pytest.raises(ValueError):
        parse_coordinate(text)


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [(math.nan, 76.9, "lat"), (43.2, math.inf, "lat"), (91.0, 76.9, "lat"),
     (43.2, -181.0, "lon"), (76.95, 43.25, "lat"), (43.20, 76.62, "lat"), (0.0, 0.0, "lat")],
)
def test_points_the_service_refuses_even_if_a_form_let_them_through(lat, lon, field):
    with pytest.raises(LocationError) as refused:
        check_point(lat, lon)
    assert refused.value.field == field


def test_a_point_in_the_centre_is_in_almaty():
    check_point(*CENTRE)


def test_a_chosen_quarter_must_be_the_one_given(app, quarter):
    with pytest.raises(LocationError) as refused:
        resolve_location(*CENTRE, str(quarter.id + 1), quarter)
    assert refused.value.field == "quarter"


def test_auto_finds_the_quarter_and_none_keeps_none(app, quarter):
    assert resolve_location(*CENTRE, QUARTER_AUTO, None).quarter == quarter
    assert resolve_location(*CENTRE, QUARTER_NONE, None).quarter is None


def test_an_archived_quarter_cannot_be_chosen(app, quarter):
    quarter.archived = True
    with pytest.raises(LocationError):
        resolve_location(*CENTRE, str(quarter.id), quarter)
