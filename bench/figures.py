"""Each figure: the app's answer over HTTP (or the test client), beside its floor.

The floor is the same read done with the bare driver (sqlite3 or psycopg) and `json.dumps`:
what no framework can beat. The ratio says what the app adds on top.
"""

from __future__ import annotations

import datetime as dt
import http.client
import http.cookies
import json
import math
import re
import sqlite3
import statistics
import time
import urllib.parse
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
# A search for a word in one idea in fifty (bench.throwaway.RARE_WORD).
SEARCH = "каток"
BENCH_PASSWORD = "bench password 2026"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


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
    # Who asks (a signed-in client for the dashboard); None: the bench's anonymous client.
    client: Any = None
    # A query string never asked before on every request: what building the answer costs
    # when no process has it kept yet (`api.bodies`).
    fresh: bool = False
    # Run before each request, outside its time (a write that comes between two views).
    before: Callable[[], Any] | None = None
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
    """One keep-alive connection to the server, keeping its cookies (a signed-in session)."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, headers: dict[str, str],
                body: str | None = None) -> tuple[int, bytes, dict[str, str]]:
        headers = dict(headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # A kept-alive connection the server closed while idle: a GET is asked again.
            if method != "GET":
                raise
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        sent = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return response.status, sent, dict(response.getheaders())

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        return self.request("GET", path, headers)

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        # A connection of its own, as sync workers answer anyway: a kept-alive one may have
        # been closed by the server while idle, and a POST is not asked twice.
        self.connection.close()
        return self.request("POST", path, {"Connection": "close"},
                            urllib.parse.urlencode(fields))


class TestClient:
    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        response = self.client.get(path, headers=headers)
        return response.status_code, response.get_data(), dict(response.headers)

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        response = self.client.post(path, data=fields)
        return response.status_code, response.get_data(), dict(response.headers)


def csrf_token(page: bytes) -> str:
    found = _CSRF.search(page.decode())
    if found is None:
        raise SystemExit("no CSRF token on the page")
    return found.group(1)


def sign_in(client: Any, email: str) -> Any:
    """`client` signed in through the sign-in form, as a person would."""
    status, page, _headers = client.get("/account/login", {})
    status, _body, _headers = client.post("/account/login", {
        "csrf_token": csrf_token(page), "email": email, "password": BENCH_PASSWORD})
    if status != 302:
        raise SystemExit(f"signing in as {email} answered {status}")
    return client


class Floors:
    """The same reads with the bare driver."""

    def __init__(self, database_url: str) -> None:
        self._count: int | None = None
        self._search_counts: dict[str, int] = {}
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

    def bump_marker(self) -> None:
        """What any write to a published idea does to the change marker (a support, a stage):
        whatever a process kept at the old marker is no longer current."""
        self.connection.cursor().execute(
            "UPDATE content_version SET version = version + 1 WHERE id = 1")
        if not self.postgres:
            self.connection.commit()

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
        # As the app (`api.queries.box_features`): one key range of the finest cells per column of
        # them, each a probe of the index on that level, then the exact box.
        ranges = grid.key_ranges(bbox).ranges()
        values = ", ".join("(?, ?)" for _ in ranges)
        select = ("SELECT i.id, i.lat, i.lon, i.title, i.stage, c.name_ru FROM ideas i "
                  "JOIN categories c ON c.id = i.category_id WHERE i.status = 'published' "
                  f"AND i.{grid.cell_column(grid.BOX_LEVEL)} BETWEEN r.low AND r.high "
                  "AND i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?")
        ranges_table = f"(SELECT column1 AS low, column2 AS high FROM (VALUES {values}) v) r"
        if self.postgres:
            sql = f"SELECT f.* FROM {ranges_table} CROSS JOIN LATERAL ({select} OFFSET 0) f"
        else:
            sql = f"{select.replace(' FROM ideas i', f' FROM {ranges_table} JOIN ideas i', 1)}"
        rows = sorted(self.rows(sql, (*(key for pair in ranges for key in pair),
                                      bbox.min_lon, bbox.max_lon, bbox.min_lat, bbox.max_lat)))
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
        return json.dumps({"total": self._count, "version": version,
                           "rows": self._list_rows(ids)}, ensure_ascii=False)

    def _match(self, q: str) -> tuple[str, str]:
        """The full-text condition of `domain.search`, for one word, and its parameter."""
        if self.postgres:
            return "search_vector @@ to_tsquery('simple'::regconfig, ?)", f"'{q}':*"
        return "id IN (SELECT rowid FROM ideas_fts WHERE ideas_fts MATCH ?)", f'"{q}"*'

    def search_page(self, q: str) -> str:
        """Page 1 of the list for `?q=`: the count once per change marker, as `list_page`."""
        version = self.rows("SELECT version FROM content_version WHERE id = 1")[0][0]
        match, word = self._match(q)
        if q not in self._search_counts:
            self._search_counts[q] = self.rows(
                f"SELECT count(*) FROM ideas WHERE status = 'published' AND {match}", (word,))[0][0]
        ids = [r[0] for r in self.rows(
            f"SELECT id FROM ideas WHERE status = 'published' AND {match} "
            "ORDER BY published_at DESC, id DESC LIMIT ?", (word, PER_PAGE))]
        return json.dumps({"total": self._search_counts[q], "version": version,
                           "rows": self._list_rows(ids)}, ensure_ascii=False)

    def _list_rows(self, ids: list[int]) -> list[list[str]]:
        marks = ",".join("?" for _ in ids)
        return [list(map(str, r)) for r in self.rows(
            "SELECT i.id, i.title, i.description, i.published_at, i.support_count, "
            "i.comment_count, c.name_ru, q.name_ru, u.display_name FROM ideas i "
            "JOIN categories c ON c.id = i.category_id JOIN users u ON u.id = i.author_id "
            f"LEFT JOIN quarters q ON q.id = i.quarter_id WHERE i.id IN ({marks})", tuple(ids))]

    def idea_page(self, idea_id: int) -> str:
        """One idea with its category, quarter and author, and its visible comments."""
        idea = self.rows(
            "SELECT i.id, i.title, i.description, i.first_step, i.lat, i.lon, i.stage, "
            "i.status, i.published_at, i.support_count, i.comment_count, i.public_answer, "
            "c.name_ru, q.name_ru, u.display_name FROM ideas i "
            "JOIN categories c ON c.id = i.category_id JOIN users u ON u.id = i.author_id "
            "LEFT JOIN quarters q ON q.id = i.quarter_id WHERE i.id = ?", (idea_id,))
        comments = self.rows(
            "SELECT m.id, m.body, m.created_at, u.display_name FROM comments m "
            "JOIN users u ON u.id = m.author_id WHERE m.idea_id = ? AND m.status = 'visible' "
            "ORDER BY m.created_at, m.id", (idea_id,))
        return json.dumps([list(map(str, r)) for r in (*idea, *comments)], ensure_ascii=False)

    def dashboard(self) -> str:
        """The dashboard's numbers, each one aggregate over the ideas."""
        now = dt.datetime.now(dt.UTC)
        starts = [now - dt.timedelta(weeks=12 - n) for n in range(13)]
        bounds = [s if self.postgres else s.replace(tzinfo=None).isoformat(" ")
                  for s in starts]
        weeks = ", ".join("sum(CASE WHEN published_at >= ? AND published_at < ? THEN 1 "
                          "ELSE 0 END)" for _ in range(12))
        week_params = tuple(v for pair in zip(bounds, bounds[1:], strict=False) for v in pair)
        published = "status = 'published'"
        found = [
            self.rows("SELECT status, count(*) FROM ideas GROUP BY status"),
            self.rows(f"SELECT quarter_id, count(*) FROM ideas WHERE {published} "
                      "GROUP BY quarter_id"),
            self.rows(f"SELECT stage, count(*) FROM ideas WHERE {published} GROUP BY stage"),
            self.rows("SELECT c.id, c.name_ru, count(i.id) FROM categories c LEFT JOIN ideas i "
                      f"ON i.category_id = c.id AND i.{published} GROUP BY c.id, c.name_ru"),
            self.rows("SELECT id, name_ru, boundary_geojson FROM quarters ORDER BY name_ru"),
            self.rows(f"SELECT {weeks} FROM ideas WHERE {published} AND published_at >= ? "
                      "AND published_at < ?", (*week_params, bounds[0], bounds[-1])),
            self.rows("SELECT count(*), min(created_at) FROM ideas WHERE status = 'pending'"),
            self.rows("SELECT i.id, i.title, i.support_count, c.name_ru, q.name_ru FROM ideas i "
                      "JOIN categories c ON c.id = i.category_id "
                      f"LEFT JOIN quarters q ON q.id = i.quarter_id WHERE i.{published} "
                      "ORDER BY i.support_count DESC, i.published_at DESC, i.id DESC LIMIT 10"),
        ]
        return json.dumps([[list(map(str, r)) for r in rows] for rows in found],
                          ensure_ascii=False)

    def submit(self, n: int, category_id: int, author_id: int) -> None:
        """One new idea written and committed (as a submission stores it), for the floor of
        submissions per second; `remove_submitted` takes them away again."""
        lat, lon = CITY_CENTRE[0] + (n % 100) * 1e-4, CITY_CENTRE[1] + (n % 77) * 1e-4
        now = dt.datetime.now(dt.UTC)
        when: Any = now if self.postgres else now.replace(tzinfo=None).isoformat(" ")
        title = f"Floor {n}: летний кинотеатр во дворе"
        text = "Показы под открытым небом для соседей летними вечерами."
        row = {"title": title, "description": text, "first_step": text,
               "search_text": f"{title} {text}".casefold(), "locale": "ru",
               "category_id": category_id, "author_id": author_id, "status": "pending",
               "stage": "new", "lat": lat, "lon": lon, "support_count": 0,
               "comment_count": 0, "created_at": when, "updated_at": when,
               "rejection_note": "", "public_answer": "", "version": 1,
               **grid.cell_keys(lat, lon)}
        marks = ", ".join("?" for _ in row)
        self.rows(f"INSERT INTO ideas ({', '.join(row)}) VALUES ({marks}) RETURNING id",
                  tuple(row.values()))
        if not self.postgres:
            self.connection.commit()

    def remove_submitted(self) -> None:
        self.connection.cursor().execute(
            "DELETE FROM ideas WHERE title LIKE " + ("'Floor %%'" if self.postgres else "'Floor %'"))
        if not self.postgres:
            self.connection.commit()

    def explain(self, statement: str, params: Any) -> list[str]:
        prefix = "EXPLAIN " if self.postgres else "EXPLAIN QUERY PLAN "
        cursor = self.connection.cursor()
        cursor.execute(prefix + statement, params)
        return [" ".join(str(c) for c in row[-1:]) for row in cursor.fetchall()]


def timed(function: Callable[[], Any], runs: int,
          before: Callable[[], Any] | None = None) -> list[float]:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
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
