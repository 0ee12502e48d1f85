"""Where an idea is: reading typed coordinates, checking the point, choosing its quarter.

The browser's map only helps; every rule here runs on the server, so a point outside Almaty
or outside the chosen quarter is refused whatever the page sent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from myalmaty.core.errors import FieldError
from myalmaty.core.geo import is_in_almaty, point_in_boundary
from myalmaty.domain.lookups import quarter_containing
from myalmaty.domain.reference import Quarter

# Choices of the quarter field besides a quarter's id.
QUARTER_AUTO = "auto"
QUARTER_NONE = "none"
# About 10 cm on the ground: more digits only pretend to a precision no phone has.
DECIMALS = 6

OUTSIDE_ALMATY = _l(
    "This point is outside Almaty. The city boundary we use is approximate: if the place is "
    "in Almaty, move the pin a little further into the city."
)


class LocationError(FieldError):
    pass


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    quarter: Quarter | None


def parse_coordinate(text: str | None) -> float | None:
    """A typed coordinate as a number; empty means "not given". Accepts a decimal comma.

    Raises ValueError for anything that is not an ordinary finite number ("abc", "nan", "inf").
    """
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def check_point(lat: float, lon: float) -> None:
    """Refuse non-finite, out-of-range, swapped and outside-Almaty points, each clearly."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise LocationError("lat", _l("Coordinates must be ordinary numbers, such as 43.2383."))
    if not -90 <= lat <= 90:
        raise LocationError("lat", _l("Latitude must be between -90 and 90."))
    if not -180 <= lon <= 180:
        raise LocationError("lon", _l("Longitude must be between -180 and 180."))
    if is_in_almaty(lat, lon):
        return
    if is_in_almaty(lon, lat):
        raise LocationError(
            "lat",
            _l("Latitude and longitude look swapped: in Almaty the latitude is about 43 and "
               "the longitude about 77."),
        )
    raise LocationError("lat", OUTSIDE_ALMATY)


def resolve_location(
    lat: float | None, lon: float | None, quarter_choice: str, chosen: Quarter | None
) -> Location:
    """The point to store and its quarter.

    `quarter_choice` is QUARTER_AUTO (the quarter the point lies in, if any), QUARTER_NONE, or
    a quarter's id, given as `chosen`. Without a point, a chosen quarter's centre is used.
    """
    if quarter_choice not in (QUARTER_AUTO, QUARTER_NONE) and (
        chosen is None or chosen.archived or str(chosen.id) != quarter_choice
    ):
        raise LocationError("quarter", _l("Choose a quarter from the list."))
    if lat is None and lon is None:
        if chosen is None:
            raise LocationError(
                "lat",
                _l("Show where the idea is: tap the map, type the coordinates or choose a "
                   "quarter."),
            )
        lat, lon = chosen.centre_lat, chosen.centre_lon
    elif lat is None:
        raise LocationError("lat", _l("Enter the latitude as well."))
    elif lon is None:
        raise LocationError("lon", _l("Enter the longitude as well."))
    check_point(lat, lon)
    lat, lon = round(lat, DECIMALS), round(lon, DECIMALS)
    if chosen is not None:
        if not point_in_boundary(chosen.boundary_geojson, lat, lon):
            raise LocationError(
                "quarter",
                _l("The point is not inside the quarter “%(name)s”. Move the pin, or choose "
                   "the quarter it is in, or “Not in a creative quarter”."),
                name=chosen.name,
            )
        return Location(lat, lon, chosen)
    if quarter_choice == QUARTER_AUTO:
        return Location(lat, lon, quarter_containing(lat, lon))
    return Location(lat, lon, None)
