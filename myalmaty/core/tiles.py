"""Map tiles from a local MBTiles or PMTiles file (TILE_FILE), so no page asks another host.

The format is told by the file's first bytes, not its name:
- MBTiles is SQLite: `tiles(zoom_level, tile_column, tile_row, tile_data)` with rows counted
  from the south (TMS), and `metadata(name, value)`. It is opened read-only (`mode=ro`).
- PMTiles is one file of directories and tiles addressed as the web counts them (XYZ, no flip),
  read through the `pmtiles` package over a read-only memory map.
Either is opened once per request that needs it (SQLite connections cannot cross threads, and
opening a local file costs far less than sending the tile); `open_tiles` hands back a source
with one method, `read(z, x, y)`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from flask import Blueprint, Flask, Response, current_app, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import Compression, TileType

MAX_ZOOM = 22
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
# A week: the tile file changes only when the operator replaces it (and the ETag says so).
TILE_MAX_AGE = 7 * 24 * 3600

tiles_bp = Blueprint("tiles", __name__)


class TileFileError(RuntimeError):
    """TILE_FILE is missing, unreadable, or not an MBTiles or PMTiles file of raster tiles."""


@dataclass(frozen=True)
class TileFileInfo:
    format: str
    min_zoom: int
    max_zoom: int
    attribution: str


SQLITE_MAGIC = b"SQLite format 3\x00"
PMTILES_MAGIC = b"PMTiles"
PMTILES_TYPES = {TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp"}


class TileSource(Protocol):
    def read(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at z/x/y as the web counts it (rows from the north); None when there is none."""


class MBTilesSource:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def read(self, z: int, x: int, y: int) -> bytes | None:
        tms_row = (1 << z) - 1 - y
        row = self.connection.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? "
            "AND tile_row = ?",
            (z, x, tms_row),
        ).fetchone()
        return bytes(row[0]) if row else None

    def info(self) -> TileFileInfo:
        metadata = dict(self.connection.execute("SELECT name, value FROM metadata").fetchall())
        low, high = self.connection.execute(
            "SELECT min(zoom_level), max(zoom_level) FROM tiles"
        ).fetchone()
        if low is None:
            return _checked(str(metadata.get("format") or "png"), None, None, metadata)
        return _checked(str(metadata.get("format") or "png"), int(low), int(high), metadata)


class PMTilesSource:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.header: dict[str, Any] = reader.header()

    def read(self, z: int, x: int, y: int) -> bytes | None:
        if x >= (1 << z) or y >= (1 << z):
            return None
        try:
            data = self.reader.get(z, x, y)
            if data is None:
                return None
            if self.header["tile_compression"] == Compression.GZIP:
                return gzip.decompress(data)
        except PMTILES_ERRORS as error:
            raise TileFileError(f"cannot be read as PMTiles ({error})") from error
        return bytes(data)

    def info(self) -> TileFileInfo:
        try:
            metadata = self.reader.metadata()
        except (*PMTILES_ERRORS, json.JSONDecodeError) as error:
            raise TileFileError(f"cannot be read as PMTiles ({error})") from error
        tile_type = self.header["tile_type"]
        name = PMTILES_TYPES.get(tile_type, getattr(tile_type, "name", str(tile_type)).lower())
        if not self.header.get("tile_entries_count"):
            return _checked(name, None, None, metadata)
        return _checked(name, int(self.header["min_zoom"]), int(self.header["max_zoom"]),
                        metadata)


def _checked(tile_format: str, low: int | None, high: int | None,
             metadata: dict[str, Any]) -> TileFileInfo:
    tile_format = tile_format.lower()
    if tile_format not in MEDIA_TYPES:
        raise TileFileError(f"holds {tile_format} tiles; only raster tiles (png, jpg, webp) "
                            "can be shown")
    if low is None or high is None:
        raise TileFileError("holds no tiles")
    return TileFileInfo(tile_format, low, high, str(metadata.get("attribution") or ""))


@contextmanager
def open_tiles(path: str | Path) -> Iterator[MBTilesSource | PMTilesSource]:
    """The file's tiles, MBTiles or PMTiles (told by its first bytes), open for this block."""
    if not Path(path).is_file():
        raise TileFileError("the file does not exist")
    try:
        with open(path, "rb") as file:
            magic = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise TileFileError(f"cannot be read ({error})") from error
    if magic.startswith(PMTILES_MAGIC):
        with _open_pmtiles(path) as source:
            yield source
    elif magic == SQLITE_MAGIC:
        with _open_mbtiles(path) as connection:
            yield MBTilesSource(connection)
    else:
        raise TileFileError("is neither an MBTiles nor a PMTiles file")


@contextmanager
def _open_mbtiles(path: str | Path) -> Iterator[sqlite3.Connection]:
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            yield connection
    except sqlite3.Error as error:
        raise TileFileError(f"cannot be read as MBTiles ({error})") from error


# What the pmtiles reader raises on a damaged or truncated file.
PMTILES_ERRORS = (ValueError, KeyError, IndexError, EOFError, OSError, gzip.BadGzipFile)


@contextmanager
def _open_pmtiles(path: str | Path) -> Iterator[PMTilesSource]:
    try:
        file = open(path, "rb")
    except OSError as error:
        raise TileFileError(f"cannot be read ({error})") from error
    with file:
        try:
            source = PMTilesSource(Reader(MmapSource(file)))
        except PMTILES_ERRORS as error:
            raise TileFileError(f"cannot be read as PMTiles ({error})") from error
        yield source


def tile_file_info(path: str | Path) -> TileFileInfo:
    """The file's format and zoom range (from its metadata or header, else from its tiles)."""
    with open_tiles(path) as source:
        return source.info()


def tiles_over(bounds: tuple[float, float, float, float], z: int) -> Iterator[tuple[int, int]]:
    """The (x, y) tiles at zoom z covering (min_lon, min_lat, max_lon, max_lat)."""
    min_lon, min_lat, max_lon, max_lat = bounds
    x0, y0 = lonlat_to_tile(min_lon, max_lat, z)
    x1, y1 = lonlat_to_tile(max_lon, min_lat, z)
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            yield x, y


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    lat_rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_rad)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


@tiles_bp.get(f"/tiles/<int(min=0, max={MAX_ZOOM}):z>/<int(min=0):x>/<int(min=0):y>.<ext>")
def tile(z: int, x: int, y: int, ext: str) -> ResponseReturnValue:
    info: TileFileInfo = current_app.extensions["tile_file"]
    if ext != info.format or x >= (1 << z) or y >= (1 << z):
        return _missing()
    try:
        with open_tiles(current_app.config["TILE_FILE"]) as source:
            data = source.read(z, x, y)
    except TileFileError:
        # Replaced or removed since start: the maps go blank, /readyz says why.
        current_app.logger.exception("TILE_FILE cannot be read")
        data = None
    if data is None:
        return _missing()
    response = Response(data, mimetype=MEDIA_TYPES[info.format])
    response.set_etag(hashlib.blake2b(data, digest_size=16).hexdigest())
    response.cache_control.public = True
    response.cache_control.max_age = TILE_MAX_AGE
    return response.make_conditional(request)


def _missing() -> ResponseReturnValue:
    # A short text body: Leaflet shows an empty square, a person opening it reads why.
    response = Response(_("There is no map tile here."), status=404,
                        mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def init_app(app: Flask) -> None:
    """With TILE_FILE set, serve its tiles and point every map at them (TILE_URL is replaced)."""
    path = app.config.get("TILE_FILE")
    if not path:
        return
    try:
        info = tile_file_info(path)
    except TileFileError as error:
        # Production refuses this earlier (settings_check); development starts with the
        # configured TILE_URL and says why.
        app.logger.warning("TILE_FILE %s: %s; maps use TILE_URL instead", path, error)
        return
    app.extensions["tile_file"] = info
    app.config["TILE_URL"] = f"/tiles/{{z}}/{{x}}/{{y}}.{info.format}"
    if info.attribution:
        app.config["TILE_ATTRIBUTION"] = info.attribution
    app.config["TILE_MIN_ZOOM"] = info.min_zoom
    app.config["TILE_MAX_ZOOM"] = info.max_zoom
    app.register_blueprint(tiles_bp)
