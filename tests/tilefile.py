"""Tiny MBTiles and PMTiles files of Almaty for the tests: solid 256×256 PNGs at zooms 10–12.

Each tile's colour encodes its web (XYZ) address, so a test can tell a tile served with the
rows flipped from the right one: red = x % 256, green = y % 256, blue = zoom * 10.
"""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from pathlib import Path

from PIL import Image
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

from myalmaty.core.geo import city_boundary
from myalmaty.core.tiles import tiles_over

ZOOMS = (10, 11, 12)


def colour_of(z: int, x: int, y: int) -> tuple[int, int, int]:
    return (x % 256, y % 256, z * 10)


def tile_png(z: int, x: int, y: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), colour_of(z, x, y)).save(buffer, format="PNG")
    return buffer.getvalue()


def city_tiles(z: int) -> list[tuple[int, int]]:
    return list(tiles_over(city_boundary().bounds, z))


def make_mbtiles(path: Path, zooms: tuple[int, ...] = ZOOMS) -> Path:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        connection.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, "
                           "tile_row INTEGER, tile_data BLOB)")
        connection.executemany("INSERT INTO metadata VALUES (?, ?)", [
            ("name", "Almaty (test)"), ("format", "png"),
            ("minzoom", str(min(zooms))), ("maxzoom", str(max(zooms))),
            ("attribution", "Test tiles"),
        ])
        for z in zooms:
            for x, y in city_tiles(z):
                tms_row = (1 << z) - 1 - y
                connection.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                                   (z, x, tms_row, tile_png(z, x, y)))
    return path


def make_pmtiles(path: Path, zooms: tuple[int, ...] = ZOOMS,
                 tile_type: TileType = TileType.PNG) -> Path:
    """The same tiles as make_mbtiles, as PMTiles (addressed XYZ, as the web counts them)."""
    tiles = sorted((zxy_to_tileid(z, x, y), tile_png(z, x, y))
                   for z in zooms for x, y in city_tiles(z))
    with path.open("wb") as file:
        writer = Writer(file)
        for tile_id, data in tiles:
            writer.write_tile(tile_id, data)
        writer.finalize(
            {"tile_type": tile_type, "tile_compression": Compression.NONE,
             "min_lon_e7": 767000000, "min_lat_e7": 431000000,
             "max_lon_e7": 772000000, "max_lat_e7": 434000000,
             "center_zoom": min(zooms), "center_lon_e7": 769000000, "center_lat_e7": 432500000},
            {"name": "Almaty (test)", "attribution": "Test tiles"},
        )
    return path


TILE_FILE_MAKERS = {"mbtiles": make_mbtiles, "pmtiles": make_pmtiles}


def make_tile_file(kind: str, path: Path, zooms: tuple[int, ...] = ZOOMS) -> Path:
    return TILE_FILE_MAKERS[kind](path.with_suffix(f".{kind}"), zooms)


def zoom_size(z: int) -> int:
    """Bytes the offline map spends on zoom z's tiles (their data: URIs)."""
    import base64

    prefix = len("data:image/png;base64,")
    return sum(prefix + len(base64.b64encode(tile_png(z, x, y))) for x, y in city_tiles(z))
