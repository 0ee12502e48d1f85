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


def geojson_chunks(rows: Iterable[IdeaRow]) -> Iterator[bytes]:
    yield b'{"type": "FeatureCollection", "features": ['
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
