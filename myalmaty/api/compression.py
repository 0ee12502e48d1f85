"""gzip for the API's JSON, for clients that say they accept it.

The map's data compresses to a fifth or less; small answers are sent as they are, since
compressing them saves less than it costs. A fast level: the full collection of every idea is
large, and the time to compress it is spent on every changed version and every view not yet
kept (`api.bodies`). Level 2 compresses the map's features about as fast as level 1 and
within a tenth of level 4's size, in half level 4's time.
"""

from __future__ import annotations

import gzip

from flask import Response, request

COMPRESSED_TYPES = frozenset({"application/json", "application/geo+json"})
MIN_SIZE = 1024
LEVEL = 2


def accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=LEVEL, mtime=0)


def compress_json(response: Response) -> Response:
    if response.mimetype not in COMPRESSED_TYPES:
        return response
    response.vary.add("Accept-Encoding")
    if (
        response.status_code != 200
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or not accepts_gzip()
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    response.set_data(gzipped(body))
    response.headers["Content-Encoding"] = "gzip"
    return response
