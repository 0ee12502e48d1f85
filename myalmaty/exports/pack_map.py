"""A still map of some ideas, drawn on the server as an image for the printed discussion pack.

With a tile file (TILE_FILE), the map is the file's tiles of the ideas' area; without one it is
the city's boundary and the quarters' outlines on a plain background, so a printed page always
shows where the ideas are. Ideas are numbered markers: the number is the idea's number in the
pack's list beside the map.

The picture has a fixed size, so however deep the tile file goes, a map costs the same bytes;
the zoom is the deepest at which every idea fits, up to the file's deepest zoom (past it the
file's tiles are enlarged).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from flask import current_app
from PIL import Image, ImageDraw, ImageFont
from shapely.geometry import mapping

from myalmaty.core.geo import city_boundary
from myalmaty.core.tiles import TileFileError, TileFileInfo, open_tiles

WIDTH, HEIGHT = 1200, 720
TILE = 256
MARGIN = 60  # pixels kept free around the outermost idea
# The deepest zoom a map is drawn at: a few ideas in one courtyard still show the streets (with
# tiles) or the quarter (without) around them, and ideas at one spot are not a lone dot.
TILES_MAX_ZOOM = 15
DRAWN_MAX_ZOOM = 13
MARKER_RADIUS = 18
# Tiles more than this many zooms above the view's are not worth reading (and shrinking).
MAX_SHRINK_ZOOMS = 2

BACKGROUND = (246, 244, 238)
CITY = (31, 41, 51)
QUARTER = (37, 99, 235)
MARKER = (200, 30, 45)


@dataclass(frozen=True)
class MapPoint:
    number: int
    lat: float
    lon: float


@dataclass(frozen=True)
class MapImage:
    data: bytes
    media_type: str  # image/png or image/jpeg
    width: int
    height: int
    from_tiles: bool


def _world_px(lon: float, lat: float, z: float) -> tuple[float, float]:
    """Web Mercator pixel coordinates at zoom z (256-pixel tiles, rows from the north)."""
    size = TILE * 2 ** z
    lat = max(min(lat, 85.0), -85.0)
    x = (lon + 180.0) / 360.0 * size
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * size
    return x, y


def _fit_zoom(points: Sequence[MapPoint], deepest: int) -> int:
    """The deepest zoom, up to `deepest`, at which every point fits inside the margins."""
    lons = [p.lon for p in points]
    lats = [p.lat for p in points]
    for z in range(deepest, 0, -1):
        x0, y0 = _world_px(min(lons), max(lats), z)
        x1, y1 = _world_px(max(lons), min(lats), z)
        if x1 - x0 <= WIDTH - 2 * MARGIN and y1 - y0 <= HEIGHT - 2 * MARGIN:
            return z
    return 1


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont:
    fonts = resources.files("myalmaty.data").joinpath("fonts")
    return ImageFont.truetype(io.BytesIO(fonts.joinpath("DejaVuSans-Bold.ttf").read_bytes()), 18)


class _View:
    """Where a longitude and latitude land on the picture."""

    def __init__(self, centre: tuple[float, float], z: int) -> None:
        self.z = z
        cx, cy = _world_px(centre[1], centre[0], z)
        self.left, self.top = cx - WIDTH / 2, cy - HEIGHT / 2

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = _world_px(lon, lat, self.z)
        return x - self.left, y - self.top


def _tiles_image(view: _View, info: TileFileInfo, path: str) -> Image.Image | None:
    """The view drawn from the tile file, or None when the file has nothing for it."""
    tz = min(max(view.z, info.min_zoom), info.max_zoom)
    if tz - view.z > MAX_SHRINK_ZOOMS:
        return None
    scale = 2.0 ** (tz - view.z)
    left, top = view.left * scale, view.top * scale
    width, height = math.ceil(WIDTH * scale), math.ceil(HEIGHT * scale)
    canvas = Image.new("RGB", (width, height), BACKGROUND)
    found = False
    last = (1 << tz) - 1
    try:
        with open_tiles(path) as source:
            for tx in range(max(int(left // TILE), 0), min(int((left + width) // TILE), last) + 1):
                for ty in range(max(int(top // TILE), 0), min(int((top + height) // TILE), last) + 1):
                    data = source.read(tz, tx, ty)
                    if data is None:
                        continue
                    with Image.open(io.BytesIO(data)) as tile:
                        canvas.paste(tile.convert("RGB"), (round(tx * TILE - left), round(ty * TILE - top)))
                    found = True
    except TileFileError:
        current_app.logger.exception("TILE_FILE cannot be read; the pack's map is drawn without it")
        return None
    if not found:
        return None
    return canvas if scale == 1 else canvas.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def _rings(geometry: dict) -> Iterable[list[list[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def _outline(draw: ImageDraw.ImageDraw, view: _View, geometry: dict, colour: tuple[int, int, int],
             width: int) -> None:
    for ring in _rings(geometry):
        draw.line([view.xy(lon, lat) for lon, lat, *_z in ring], fill=colour, width=width, joint="curve")


def _quarter_geometry(text: str) -> dict | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if data.get("type") == "Feature":
        data = data.get("geometry") or {}
    elif data.get("type") == "FeatureCollection":
        features = data.get("features") or [{}]
        data = features[0].get("geometry") or {}
    return data if data.get("type") in ("Polygon", "MultiPolygon") else None


def _label(draw: ImageDraw.ImageDraw, view: _View, geometry: dict, name: str) -> None:
    """The quarter's name just above its outline (inside, it would hide the markers)."""
    ring = next(iter(_rings(geometry)), [])
    if not ring:
        return
    xs, ys = zip(*(view.xy(lon, lat) for lon, lat, *_z in ring), strict=True)
    draw.text(((min(xs) + max(xs)) / 2, min(ys) - 4), name, fill=QUARTER,
              font=_font().font_variant(size=16), anchor="md")


def _spread(view: _View, points: Sequence[MapPoint]) -> list[tuple[tuple[float, float], int]]:
    """Where each marker goes: at its idea, or moved around it on a widening circle until it
    covers no marker placed before it (ideas at one address stay readable)."""
    placed: list[tuple[tuple[float, float], int]] = []
    for point in sorted(points, key=lambda p: p.number):
        x0, y0 = view.xy(point.lon, point.lat)
        x, y, step = x0, y0, 0
        while any(math.dist((x, y), xy) < 2 * MARKER_RADIUS for xy, _n in placed) and step < 60:
            step += 1
            angle = step * 2.4  # the golden angle, roughly: the circle fills evenly
            distance = 2 * MARKER_RADIUS * math.sqrt(step)
            x, y = x0 + distance * math.cos(angle), y0 + distance * math.sin(angle)
        placed.append(((x, y), point.number))
    return placed


def _marker(draw: ImageDraw.ImageDraw, x: float, y: float, number: int) -> None:
    radius = MARKER_RADIUS
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=MARKER, outline="white", width=3)
    draw.text((x, y), str(number), fill="white", font=_font(), anchor="mm")


def render_map(points: Sequence[MapPoint], quarter_outlines: Sequence[tuple[str, str]],
               *, tiles: bool = True) -> MapImage:
    """The ideas' area, over the tile file when there is one, else over the city's outlines.

    `quarter_outlines` are the quarters' (name, boundary as GeoJSON text), as
    `queries.quarter_outlines` gives them. `tiles=False` draws the outlines even when there is
    a tile file (the pack's budget for tiles is spent).
    """
    info: TileFileInfo | None = current_app.extensions.get("tile_file") if tiles else None
    deepest = TILES_MAX_ZOOM if info else DRAWN_MAX_ZOOM
    if points:
        lons, lats = [p.lon for p in points], [p.lat for p in points]
        centre = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
        z = _fit_zoom(points, deepest)
    else:
        min_lon, min_lat, max_lon, max_lat = city_boundary().bounds
        centre = ((min_lat + max_lat) / 2, (min_lon + max_lon) / 2)
        z = _fit_zoom([MapPoint(0, min_lat, min_lon), MapPoint(0, max_lat, max_lon)], deepest)
    view = _View(centre, z)
    image = _tiles_image(view, info, current_app.config["TILE_FILE"]) if info else None
    from_tiles = image is not None
    if image is None:
        image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    if not from_tiles:
        for name, text in quarter_outlines:
            geometry = _quarter_geometry(text)
            if geometry is not None:
                _outline(draw, view, geometry, QUARTER, 2)
                _label(draw, view, geometry, name)
    _outline(draw, view, dict(mapping(city_boundary())), CITY, 3)
    for (x, y), number in reversed(_spread(view, points)):  # the first idea drawn on top
        _marker(draw, x, y, number)
    if from_tiles and info is not None and info.attribution:
        _attribution(draw, info.attribution)
    buffer = io.BytesIO()
    if from_tiles:
        # Photographic tiles compress far better as JPEG; drawn outlines stay sharp as PNG.
        image.save(buffer, format="JPEG", quality=85, optimize=True)
        media_type = "image/jpeg"
    else:
        image.save(buffer, format="PNG", optimize=True)
        media_type = "image/png"
    return MapImage(buffer.getvalue(), media_type, WIDTH, HEIGHT, from_tiles)


def _attribution(draw: ImageDraw.ImageDraw, text: str) -> None:
    font = _font().font_variant(size=14)
    box = draw.textbbox((WIDTH - 6, HEIGHT - 6), text, font=font, anchor="rd")
    draw.rectangle((box[0] - 4, box[1] - 3, box[2] + 4, box[3] + 3), fill=(255, 255, 255))
    draw.text((WIDTH - 6, HEIGHT - 6), text, fill=(60, 60, 60), font=font, anchor="rd")
