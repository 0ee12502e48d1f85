"""GeoJSON (RFC 7946) for published ideas: coordinates in [lon, lat] order, no personal data.

Built from plain rows with dicts and `json.dumps`: the map asks for every published idea at
once, and ORM objects or `url_for` per idea would cost more than the query itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Response, request

from myalmaty.api.bodies import bodies
from myalmaty.api.compression import MIN_SIZE, accepts_gzip
from myalmaty.domain.ideas import IdeaStage

GEOJSON = "application/geo+json"
# Bump when the shape of the answer changes, so that no cached answer of the old shape is kept.
FORMAT_VERSION = "1"


class Serialiser:
    """Turns rows into features; labels are translated once per response, not once per idea."""

    def __init__(self, idea_url_prefix: str) -> None:
        self.idea_url_prefix = idea_url_prefix
        self.stage_labels = {stage: stage.label for stage in IdeaStage}

    def feature(self, row: Any) -> dict[str, Any]:
        return {
            "type": "Feature",
            "id": row.id,
            "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
            "properties": {
                "id": row.id,
                "reference": f"{row.created_at.year}-{row.id:05d}",
                "title": row.title,
                "category": row.category,
                "quarter": row.quarter,
                "stage": row.stage.value,
                "stage_label": self.stage_labels[row.stage],
                "support_count": row.support_count,
                "comment_count": row.comment_count,
                "url": f"{self.idea_url_prefix}{row.id}",
            },
        }

    def collection(self, rows: list[Any]) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": [self.feature(row) for row in rows]}


def slim_collection(features: str) -> str:
    """The map's slim features, written by the database (`api.queries.box_features`) as JSON
    text separated by commas, in a FeatureCollection: each is exactly what
    `json.dumps(..., ensure_ascii=False, separators=(",", ":"))` writes for {"type": "Feature",
    "id": …, "geometry": {…}, "properties": {"id", "title", "category", "stage"}} but for the
    text of the coordinates, which reads back as the same numbers (a test holds it to that).
    The rest of an idea comes from GET /api/ideas/<id>."""
    return '{"type":"FeatureCollection","features":[' + features + "]}"


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _caching_headers(response: Response) -> Response:
    # `no-cache`: browsers keep the body but ask each time, so a support or a newly published
    # idea shows at once, and an unchanged answer costs a 304 without a body.
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def cached_json(payload: Any, mimetype: str = "application/json") -> Response:
    """A JSON response with an ETag of its body; `If-None-Match` with that tag gets a 304."""
    response = Response(_dumps(payload), mimetype=mimetype)
    response.add_etag()
    _caching_headers(response).make_conditional(request)  # in place; returns the same object
    return response


def versioned_json(version: str, build: Callable[[], Any], mimetype: str) -> Response:
    """A JSON response whose ETag comes from `version` (plus language and query string).

    When the browser already holds that version, the answer is a 304 and the body is never
    built: a revalidation costs one read of the change marker, not thousands of features.
    Another browser asking for the same view gets the body (and its gzip) this process built
    for the first (`api.bodies`). `build` gives the payload, or its JSON text already written.
    """
    from myalmaty.core.i18n import current_locale

    key = "|".join((FORMAT_VERSION, version, current_locale(), request.query_string.decode()))
    etag = hashlib.sha256(key.encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
        response.set_etag(etag)
        return _caching_headers(response)
    body = bodies.get(version, etag)
    if body is None:
        payload = build()
        text = payload if isinstance(payload, str) else _dumps(payload)
        body = bodies.put(version, etag, text.encode())
    if accepts_gzip() and len(body.plain) >= MIN_SIZE:
        response = Response(bodies.packed(etag, body), mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(body.plain, mimetype=mimetype)
    response.set_etag(etag)
    return _caching_headers(response)
