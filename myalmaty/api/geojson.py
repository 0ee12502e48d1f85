"""GeoJSON (RFC 7946) for published ideas: coordinates in [lon, lat] order, no personal data.

Built from plain rows with dicts and `json.dumps`: the map asks for every published idea at
once, and ORM objects or `url_for` per idea would cost more than the query itself.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request

GEOJSON = "application/geo+json"


def feature(row: Any, idea_url_prefix: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": row.id,
        "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
        "properties": {
            "id": row.id,
            "reference": f"{row.created_at:%Y}-{row.id:05d}",
            "title": row.title,
            "category": row.category,
            "quarter": row.quarter,
            "stage": row.stage.value,
            "stage_label": row.stage.label,
            "support_count": row.support_count,
            "comment_count": row.comment_count,
            "url": f"{idea_url_prefix}{row.id}",
        },
    }


def feature_collection(rows: list[Any], idea_url_prefix: str) -> dict[str, Any]:
    return {"type": "FeatureCollection",
            "features": [feature(row, idea_url_prefix) for row in rows]}


def cached_json(payload: Any, mimetype: str = "application/json", status: int = 200) -> Response:
    """A JSON response with an ETag of its body; `If-None-Match` with that tag gets a 304.

    `no-cache` lets browsers keep the body but makes them ask each time: a support or a newly
    published idea shows at once, and an unchanged answer costs a 304 without a body.
    """
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, status=status, mimetype=mimetype)
    response.add_etag()
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Accept-Language", "Cookie"))
    return response.make_conditional(request)
