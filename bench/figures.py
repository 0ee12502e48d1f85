"""Each figure: the app's answer over HTTP (or the test client), beside its floor.

The floor is the same read done with the bare driver (sqlite3 or psycopg) and `json.dumps`:
what no framework can beat. The ratio says what the app adds on top.
"""

from __future__ import annotations

import http.client
import json
import math
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from myalmaty.api import clusters
from myalmaty.core import grid
from myalmaty.core.geo import BBox

VIEW_PIXELS = (1920, 1080)
CITY_ZOOM = 12
CITY_CENTRE = (43.2383, 76.9456)
PER_PAGE = 20
DEEP_PAGE = 2000


def view_bbox(lat: float, lon: float, zoom: int, pixels: tuple[int, int] = VIEW_PIXELS) -> BBox:
    """The box a map of `pixels` shows around (lat, lon) at `zoom` (Web Mercator)."""
    world = 256 * 2 ** zoom
    x = (lon + 180) / 360 * world
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * world

    def lat_at(py: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / world))))

    half_w, half_h = pixels[0] / 2, pixels[1] / 2
    return BBox((x - half_w) / world * 360 - 180, lat_at(y + half_h),
                (x + half_w) / world * 360 - 180, lat_at(y - half_h))


def bbox_text(b: BBox) -> str:
    return ",".join(f"{v:.6f}" for v in (b.min_lon, b.min_lat, b.max_lon, b.max_lat))


@dataclass
class Figure:
    name: str
    path: str
    target_ms: float | None
    floor: Callable[[], Any]
    headers: dict[str, str]
    times: list[float]
    floor_times: list[float]
    size: int = 0
    encoded_size: int = 0
    status: int = 0
    # A query string never asked before on every request: what building the answer costs
    # when no process has it kept yet (`api.bodies`).
    fresh: bool = False
    _asked: int = 0

    def next_path(self) -> str:
        if not self.fresh:
            return self.path
        self._asked += 1
        return f"{self.path}&fresh={self._asked}"

    def row(self) -> dict[str, Any]:
        median = statistics.median(self.times) * 1000
        floor = statistics.median(self.floor_times) * 1000
        return {
            "figure": self.name, "path": self.path, "status": self.status,
            "min_ms": round(min(self.times) * 1000, 2), "median_ms": round(median, 2),
            "max_ms": round(max(self.times) * 1000, 2),
            "floor_min_ms": round(min(self.floor_times) * 1000, 2),
            "floor_median_ms": round(floor, 2),
            "floor_max_ms": round(max(self.floor_times) * 1000, 2),
            "ratio": round(median / floor, 2) if floor else None,
            "bytes": self.size, "bytes_sent": self.encoded_size, "target_ms": self.target_ms,
        }


class HttpClient:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        self.connection.request("GET", path, headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        return response.status, body, dict(response.getheaders())


class TestClient:
    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        response = self.client.get(path, headers=headers)
        return response.status_code, response.get_data(), dict(response.headers)


class Floors:
    """The same reads with the bare driver."""

    def __init__(self, database_url: str) -> None:
        self._count: int | None = None
        url = sa.make_url(database_url)
        self.postgres = url.get_backend_name() == "postgresql"
        if self.postgres:
            import psycopg

            self.connection: Any = psycopg.connect(
                url.set(drivername="postgresql").render_as_string(hide_password=False),
                autocommit=True)
        else:
            self.connection = sqlite3.connect(url.database)

    def rows(self, sql: str, params: tuple = ()) -> list[Any]:
        if self.postgres:
            sql = sql.replace("%", "%%").replace("?", "%s")
        cursor = self.connection.cursor()
        cursor.execute(sql, params)
        return cursor.fetchall()

    def version(self) -> str:
        return json.dumps(self.rows("SELECT version FROM content_version WHERE id = 1"))

    def clusters(self, bbox: BBox, zoom: int) -> str:
        # As the app without filters: the cells' rows kept on write (`domain.map_cells`).
        cells = grid.level_for(bbox, zoom, clusters.MAX_CELLS)
        rows = self.rows(
            "SELECT cell, sum(count), sum(sum_lat) / sum(count), sum(sum_lon) / sum(count), "
            "min(min_lon), min(min_lat), max(max_lon), max(max_lat) FROM map_cells "
            "WHERE level = ? AND cell BETWEEN ? AND ? AND cell % ? BETWEEN ? AND ? "
            "GROUP BY cell ORDER BY cell LIMIT ?",
            (cells.level, cells.first_key, cells.last_key, 1 << cells.level, cells.y0, cells.y1,
             clusters.MAX_CELLS + 1))
        return json.dumps([{"count": r[1], "centre": [r[3], r[2]], "bounds": list(r[4:])}
                           for r in rows])

    def features(self, bbox: BBox) -> str:
        rows = self.rows(
            "SELECT i.id, i.lat, i.lon, i.title, i.stage, c.name_ru FROM ideas i "
            "JOIN categories c ON c.id = i.category_id WHERE i.status = 'published' "
            "AND i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ? ORDER BY i.id",
            (bbox.min_lon, bbox.max_lon, bbox.min_lat, bbox.max_lat))
        return json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": r[0],
             "geometry": {"type": "Point", "coordinates": [r[2], r[1]]},
             "properties": {"id": r[0], "title": r[3], "category": r[5], "stage": r[4]}}
            for r in rows]}, ensure_ascii=False, separators=(",", ":"))

    def list_page(self, page: int) -> str:
        # As the app: the count is read once per change marker, the marker every time.
        version = self.rows("SELECT version FROM content_version WHERE id = 1")[0][0]
        if self._count is None:
            self._count = self.rows("SELECT count(*) FROM ideas WHERE status = 'published'")[0][0]
        ids = [r[0] for r in self.rows(
            "SELECT id FROM ideas WHERE status = 'published' "
            "ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?",
            (PER_PAGE, (page - 1) * PER_PAGE))]
        marks = ",".join("?" for _ in ids)
        rows = self.rows(
            "SELECT i.id, i.title, i.description, i.published_at, i.support_count, "
            "i.comment_count, c.name_ru, q.name_ru, u.display_name FROM ideas i "
            "JOIN categories c ON c.id = i.category_id JOIN users u ON u.id = i.author_id "
            f"LEFT JOIN quarters q ON q.id = i.quarter_id WHERE i.id IN ({marks})", tuple(ids))
        return json.dumps({"total": self._count, "version": version,
                           "rows": [list(map(str, r)) for r in rows]},
                          ensure_ascii=False)

    def explain(self, statement: str, params: Any) -> list[str]:
        prefix = "EXPLAIN " if self.postgres else "EXPLAIN QUERY PLAN "
        cursor = self.connection.cursor()
        cursor.execute(prefix + statement, params)
        return [" ".join(str(c) for c in row[-1:]) for row in cursor.fetchall()]


def timed(function: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def bbox_holding(floors: Floors, wanted: int) -> BBox:
    """A box around the centre holding about `wanted` ideas (by bisection on its size)."""
    low, high = 0.0005, 0.2
    lat, lon = CITY_CENTRE
    for _ in range(25):
        half = (low + high) / 2
        count = floors.rows(
            "SELECT count(*) FROM ideas WHERE status = 'published' AND lon BETWEEN ? AND ? "
            "AND lat BETWEEN ? AND ?", (lon - half, lon + half, lat - half * 0.73,
                                        lat + half * 0.73))[0][0]
        if abs(count - wanted) < wanted * 0.02:
            break
        low, high = (half, high) if count < wanted else (low, half)
    return BBox(lon - half, lat - half * 0.73, lon + half, lat + half * 0.73)
