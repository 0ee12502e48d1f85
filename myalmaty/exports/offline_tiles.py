"""The tiles of the city from TILE_FILE, embedded in the offline map as data: URIs.

Zoom by zoom from the file's lowest, every tile over the city's bounding box goes in, as long
as the whole stays under OFFLINE_TILES_MAX_BYTES; the first zoom that would pass the cap is left
out whole (a half-drawn zoom would show holes). Past the deepest zoom embedded, Leaflet enlarges
that zoom's tiles.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from flask import current_app

from myalmaty.core.geo import city_boundary
from myalmaty.core.tiles import MEDIA_TYPES, TileFileInfo, open_tiles, tiles_over


@dataclass
class EmbeddedTiles:
    tiles: dict[str, str] = field(default_factory=dict)  # "z/x/y" -> data: URI
    min_zoom: int | None = None
    max_zoom: int | None = None
    size: int = 0  # bytes of the data: URIs


def embedded_tiles() -> EmbeddedTiles | None:
    """The city's tiles under the size cap; None when no tile file is configured."""
    info: TileFileInfo | None = current_app.extensions.get("tile_file")
    if info is None:
        return None
    cap = int(current_app.config["OFFLINE_TILES_MAX_BYTES"])
    bounds = city_boundary().bounds
    prefix = f"data:{MEDIA_TYPES[info.format]};base64,"
    embedded = EmbeddedTiles()
    with open_tiles(current_app.config["TILE_FILE"]) as source:
        for z in range(info.min_zoom, info.max_zoom + 1):
            zoom: dict[str, str] = {}
            size = 0
            for x, y in tiles_over(bounds, z):
                data = source.read(z, x, y)
                if data is None:
                    continue
                uri = prefix + base64.b64encode(data).decode("ascii")
                zoom[f"{z}/{x}/{y}"] = uri
                size += len(uri)
                if embedded.size + size > cap:
                    return embedded
            if zoom:
                embedded.tiles.update(zoom)
                embedded.size += size
                embedded.min_zoom = z if embedded.min_zoom is None else embedded.min_zoom
                embedded.max_zoom = z
    return embedded
