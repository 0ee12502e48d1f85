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
from myalmaty.exports.columns import IDEA_COLUMNS, Cell, redact_emails
from myalmaty.exports.queries import IdeaRow

FEATURES_PER_CHUNK = 500
MEDIA_TYPE = "application/geo+json"


def machine_value(value: Cell) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def feature(row: IdeaRow) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": row.id,
        "geometry": {"type": "Point", "coordinates": [round(row.lon, 6), round(row.lat, 6)]},
        "properties": {
            "name": redact_emails(row.title),
            **{c.key: machine_value(c.value(row)) for c in IDEA_COLUMNS},
        },
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
        parts.append(separator + json.dumps(feature(row), ensure_ascii=False))
        separator = ",\n"
        if count % FEATURES_PER_CHUNK == 0:
            yield "".join(parts).encode("utf-8")
            parts.clear()
    parts.append("\n]}\n")
    yield "".join(parts).encode("utf-8")
