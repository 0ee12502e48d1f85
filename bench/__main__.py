"""The scale benchmark in one command.

    python -m bench --ideas 100000 [--db postgresql] [--runs 15] [--json figures.json]

Builds a throw-away database by bulk insert, starts gunicorn with 2 workers on loopback (or
uses the test client with `--server test-client`), and prints each figure as min / median /
max beside its floor (the same read with the bare driver and `json`), the ratio, and the
target; then the query plans of the hot queries, then everything again as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.figures import (
    CITY_CENTRE,
    CITY_ZOOM,
    DEEP_PAGE,
    PER_PAGE,
    Figure,
    Floors,
    HttpClient,
    TestClient,
    bbox_holding,
    bbox_text,
    timed,
    view_bbox,
)
from bench.throwaway import DEFAULT_POSTGRES, fill, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
GZIP = {"Accept-Encoding": "gzip"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": "false", "IDEAS_PER_PAGE": str(PER_PAGE),
            "PYTHONPATH": str(ROOT)}


def start_gunicorn(database_url: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    process = subprocess.Popen(
        [shutil.which("gunicorn") or "gunicorn", "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "myalmaty:create_app()"],
        cwd=ROOT, env=_environment(database_url),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if HttpClient(port).get("/healthz", {})[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def in_process_app(database_url: str) -> Any:
    from myalmaty import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                       "RATELIMIT_ENABLED": False, "IDEAS_PER_PAGE": PER_PAGE})


def plans(app: Any, floors: Floors, paths: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The app's own statements for each path (captured in-process), with their plans."""
    from myalmaty.extensions import db

    found: list[dict[str, Any]] = []
    for name, path in paths:
        captured: list[tuple[str, Any]] = []

        def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                captured.append((statement, params))  # noqa: B023 - used at once

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            app.test_client().get(path)
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
        for statement, params in captured:
            found.append({"figure": name, "sql": " ".join(statement.split()),
                          "plan": floors.explain(statement, params)})
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                                  DEFAULT_POSTGRES))
    parser.add_argument("--server", choices=("gunicorn", "test-client"), default="gunicorn")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    server = args.server if shutil.which("gunicorn") or args.server != "gunicorn" else \
        "test-client"

    with throwaway_database(args.db, args.postgres_url) as database_url:
        start = time.perf_counter()
        fill(database_url, args.ideas)
        seeded = time.perf_counter() - start
        print(f"{args.ideas:,} published ideas on {args.db} in {seeded:.1f} s; "
              f"server: {server}", flush=True)
        floors = Floors(database_url)
        city = view_bbox(*CITY_CENTRE, CITY_ZOOM)
        near = bbox_holding(floors, 2000)
        clusters_path = f"/api/ideas/clusters?bbox={bbox_text(city)}&zoom={CITY_ZOOM}"
        bbox_path = f"/api/ideas?bbox={bbox_text(near)}"
        app = in_process_app(database_url)
        process = None
        if server == "gunicorn":
            process, port = start_gunicorn(database_url)
            client: Any = HttpClient(port)
        else:
            client = TestClient(app)
        try:
            etag = client.get(clusters_path, {})[2]["ETag"]
            figures = [
                Figure("clusters at city zoom", clusters_path, 50,
                       lambda: floors.clusters(city, CITY_ZOOM), GZIP, [], []),
                Figure("clusters, new view", clusters_path, 50,
                       lambda: floors.clusters(city, CITY_ZOOM), GZIP, [], [], fresh=True),
                Figure("bbox API (~2,000 ideas)", bbox_path, 30,
                       lambda: floors.features(near), GZIP, [], []),
                Figure("bbox API, new view", bbox_path, 30,
                       lambda: floors.features(near), GZIP, [], [], fresh=True),
                Figure("304 (clusters)", clusters_path, 5, floors.version,
                       {"If-None-Match": etag}, [], []),
                Figure("list page 1", "/ideas/", 25, lambda: floors.list_page(1), {}, [], []),
                Figure(f"list page {DEEP_PAGE}", f"/ideas/?page={DEEP_PAGE}", 40,
                       lambda: floors.list_page(DEEP_PAGE), {}, [], []),
            ]
            for figure in figures:
                for _ in range(3):  # warm both workers and the caches
                    client.get(figure.path, figure.headers)
                status, body, _headers = client.get(figure.path, {})
                figure.size = len(body)
                status, sent, _headers = client.get(figure.path, figure.headers)
                figure.status, figure.encoded_size = status, len(sent)
                figure.times = timed(lambda f=figure: client.get(f.next_path(), f.headers),
                                     args.runs)
                figure.floor_times = timed(figure.floor, args.runs)
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        rows = [f.row() for f in figures]
        print(f"\n{'figure':<26}{'status':>7}{'min':>8}{'median':>8}{'max':>8}"
              f"{'floor':>8}{'ratio':>7}{'target':>8}{'bytes':>10}{'sent':>9}")
        for r in rows:
            print(f"{r['figure']:<26}{r['status']:>7}{r['min_ms']:>8.1f}{r['median_ms']:>8.1f}"
                  f"{r['max_ms']:>8.1f}{r['floor_median_ms']:>8.1f}{r['ratio'] or 0:>7.1f}"
                  f"{r['target_ms']:>8.0f}{r['bytes']:>10,}{r['bytes_sent']:>9,}")
        print("(milliseconds; floor = median of the same read with the bare driver and json; "
              "sent = with Accept-Encoding: gzip where the figure asks for it)")
        explained = plans(app, floors, [(f.name, f.path) for f in figures
                                        if not f.name.startswith("304") and not f.fresh])
        print("\nQuery plans of the hot queries:")
        for entry in explained:
            print(f"- [{entry['figure']}] {entry['sql'][:160]}")
            for line in entry["plan"]:
                print(f"    {line}")
        result = {"ideas": args.ideas, "db": args.db, "server": server,
                  "seed_seconds": round(seeded, 1), "runs": args.runs, "figures": rows,
                  "plans": explained}
        print("\n" + json.dumps(result, ensure_ascii=False))
        if args.json:
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2))
        floors.connection.close()
        with app.app_context():
            from myalmaty.extensions import db

            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
