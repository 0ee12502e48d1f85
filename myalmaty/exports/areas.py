"""An area drawn on the organisers' map, as it travels in a query string (`area=`).

Compact and readable, in the API's order (longitude, latitude), six decimals at most:
- a rectangle (also a cluster's bounds): `west,south,east,north`, as the API's `bbox`;
- a polygon: its corners `lon,lat;lon,lat;...` (3 to MAX_VERTICES, closing corner optional).

The value is bounded (length, corners, each corner within the city's bounding box) and the
polygon must be a valid one (no crossing edges, some area), so whatever is typed into the URL
is either a usable area or a translated error, never a server error. An export job stores the
request's arguments as they are, so the area reaches it unchanged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property

from flask_babel import gettext as _
from shapely.geometry import Polygon

from myalmaty.core.geo import BBox, city_boundary, point_in_boundary

MAX_VERTICES = 100
# 100 corners of "-180.123456,-90.123456;" and some slack.
MAX_LENGTH = 2500
# The city's bounding box, with a margin for an outline drawn a little wide of the border.
MARGIN_DEGREES = 0.02
_NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{1,12})?")


class InvalidArea(ValueError):
    """The `area` cannot be used; the message is translated and says what to do."""


@dataclass(frozen=True)
class Area:
    """A rectangle or a polygon; `corners` are (lon, lat), without the closing corner."""

    corners: tuple[tuple[float, float], ...]
    is_rectangle: bool

    @property
    def bbox(self) -> BBox:
        lons = [lon for lon, _lat in self.corners]
        lats = [lat for _lon, lat in self.corners]
        return BBox(min(lons), min(lats), max(lons), max(lats))

    @cached_property
    def geometry_json(self) -> str:
        """The area as a GeoJSON Polygon (text: the cache key of core.geo's prepared shapes)."""
        ring = [[lon, lat] for lon, lat in self.corners]
        return json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})

    @property
    def geometry(self) -> dict[str, object]:
        return json.loads(self.geometry_json)

    def covers(self, lat: float, lon: float) -> bool:
        """Inside or on the edge (an idea on the line drawn is in the selection)."""
        return point_in_boundary(self.geometry_json, lat, lon)

    @property
    def compact(self) -> str:
        """The query-string form, as `parse_area` reads it back."""
        if self.is_rectangle:
            box = self.bbox
            return ",".join(_number(v) for v in (box.min_lon, box.min_lat, box.max_lon, box.max_lat))
        return ";".join(f"{_number(lon)},{_number(lat)}" for lon, lat in self.corners)

    def describe(self) -> str:
        """The selection in words and numbers, for the file that holds it."""
        if self.is_rectangle:
            box = self.bbox
            return _("Rectangle drawn on the map: longitude %(west)s to %(east)s, latitude "
                     "%(south)s to %(north)s.", west=_number(box.min_lon), east=_number(box.max_lon),
                     south=_number(box.min_lat), north=_number(box.max_lat))
        corners = "; ".join(f"{_number(lon)} {_number(lat)}" for lon, lat in self.corners)
        return _("Polygon drawn on the map, %(count)s corners (longitude latitude): %(corners)s.",
                 count=len(self.corners), corners=corners)


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _allowed_box() -> BBox:
    min_lon, min_lat, max_lon, max_lat = city_boundary().bounds
    return BBox(min_lon - MARGIN_DEGREES, min_lat - MARGIN_DEGREES,
                max_lon + MARGIN_DEGREES, max_lat + MARGIN_DEGREES)


def _numbers(text: str) -> list[float]:
    values = text.split(",")
    if not all(_NUMBER.fullmatch(v.strip()) for v in values):
        raise InvalidArea(_("The area drawn on the map could not be read. Clear it and draw it "
                            "again."))
    return [round(float(v), 6) for v in values]


def parse_area(text: str) -> Area:
    """The area in `text`, or InvalidArea with a translated message."""
    text = text.strip()
    unreadable = _("The area drawn on the map could not be read. Clear it and draw it again.")
    if len(text) > MAX_LENGTH:
        raise InvalidArea(_("An area has at most %(max)s corners.", max=MAX_VERTICES))
    if ";" not in text:
        numbers = _numbers(text)
        if len(numbers) != 4:
            raise InvalidArea(unreadable)
        west, south, east, north = numbers
        if west >= east or south >= north:
            raise InvalidArea(_("A rectangle needs a width and a height: draw it again."))
        corners: tuple[tuple[float, float], ...] = (
            (west, south), (east, south), (east, north), (west, north))
        rectangle = True
    else:
        pairs = [_numbers(part) for part in text.strip(";").split(";")]
        if any(len(pair) != 2 for pair in pairs):
            raise InvalidArea(unreadable)
        if len(pairs) > 1 and pairs[0] == pairs[-1]:
            pairs.pop()  # the closing corner, as GeoJSON writes it
        if len(pairs) > MAX_VERTICES:
            raise InvalidArea(_("An area has at most %(max)s corners.", max=MAX_VERTICES))
        if len(pairs) < 3:
            raise InvalidArea(_("An area needs at least three corners."))
        corners = tuple((lon, lat) for lon, lat in pairs)
        rectangle = False
    box = _allowed_box()
    if not all(box.min_lon <= lon <= box.max_lon and box.min_lat <= lat <= box.max_lat
               for lon, lat in corners):
        raise InvalidArea(_("The area must lie in Almaty: draw it within the city."))
    polygon = Polygon(corners)
    if not polygon.is_valid or polygon.area <= 0:
        raise InvalidArea(_("The area's edges cross each other or enclose nothing: draw it "
                            "again, corner after corner around the area."))
    return Area(corners, rectangle)

