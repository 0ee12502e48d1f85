"""GeoJSON (RFC 7946) that QGIS and GDAL open: a FeatureCollection of points, streamed.

Coordinates are [longitude, latitude] in WGS 84 with no `crs` member (RFC 7946 §4); the
properties are the export's columns under their stable machine keys, dates in ISO 8601,
preceded by `name`, the idea's title: the field KML placemarks and QGIS labels take by default.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from myalmaty.exports.areas import Area
from myalmaty.exports.columns import IDEA_COLUMNS, Kind, cell_functions, redact_emails
from myalmaty.exports.queries import IdeaRow

FEATURES_PER_CHUNK = 500
MEDIA_TYPE = "application/geo+json"
# One encoder for every feature (json.dumps with options makes a new one per call).
_encode = json.JSONEncoder(ensure_ascii=False).encode


def _iso_day(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


# Per column, the value as GeoJSON holds it: days in ISO 8601, everything else as it is.
_KEYS = ("name", *(c.key for c in IDEA_COLUMNS))
_VALUES = cell_functions(IDEA_COLUMNS, {Kind.DAY: _iso_day})


def feature(row: IdeaRow) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": row.id,
        "geometry": {"type": "Point", "coordinates": [round(row.lon, 6), round(row.lat, 6)]},
        "properties": dict(zip(_KEYS, (redact_emails(row.title), *[v(row) for v in _VALUES]),
                               strict=True)),
    }


def selection_member(area: Area | None) -> dict[str, Any] | None:
    """The area selected on the map, as a foreign member of the collection (RFC 7946 §6.1):
    its description, its `area=` form and its outline."""
    if area is None:
        return None
    return {"description": area.describe(), "area": area.compact, "geometry": area.geometry}


def geojson_chunks(rows: Iterable[IdeaRow], selection: dict[str, Any] | None = None) -> Iterator[bytes]:
    head: dict[str, Any] = {"type": "FeatureCollection"}
    if selection is not None:
        head["selection"] = selection
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [').encode("utf-8")
    parts: list[str] = []
    separator = "\n"
    for count, row in enumerate(rows, start=1):
        parts.append(separator + _encode(feature(row)))
        separator = ",\n"
        if count % FEATURES_PER_CHUNK == 0:
            yield "".join(parts).encode("utf-8")
            parts.clear()
    parts.append("\n]}\n")
    yield "".join(parts).encode("utf-8")
