"""The scale benchmark in one command.

    python -m bench --ideas 100000 [--db postgresql] [--runs 15] [--json figures.json]

Builds a throw-away database by bulk insert, starts gunicorn with 2 workers on loopback (or
uses the test client with `--server test-client`), and prints each figure as min / median /
max beside its floor (the same read with the bare driver and `json`), the ratio, and the
target: the map's clusters and bbox API, a 304, the list's first and a deep page, a `?q=`
search, an idea's page and the organiser's dashboard (signed in; and again with the change
marker bumped before each view, as writes to published ideas do). Then submissions per
second: residents posting new ideas through the form at once, the rows counted afterwards
(none may be lost, no answer may be a 5xx), beside the same rows inserted with the driver.
Then the query plans of the hot queries, then everything again as JSON.

`--threads N` runs gthread workers with N threads each (sync workers by default);
`--only-submissions` measures submissions alone, to compare worker settings; `--only WORD`
measures only the figures whose name holds WORD, without submissions (`--ideas 1000000 --only
clusters` for the clusters at a million ideas).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.figures import (
    CITY_CENTRE,
    CITY_ZOOM,
    DEEP_PAGE,
    PER_PAGE,
    SEARCH,
    Figure,
    Floors,
    HttpClient,
    TestClient,
    bbox_holding,
    bbox_text,
    csrf_token,
    sign_in,
    timed,
    view_bbox,
)
from bench.throwaway import (
    DEFAULT_POSTGRES,
    ORGANISER,
    RESIDENTS,
    fill,
    resident,
    throwaway_database,
)

ROOT = Path(__file__).resolve().parent.parent
# The similarity index of this run's throw-away database: beside nothing the checkout keeps.
INDEX_FILE = Path(tempfile.gettempdir()) / f"myalmaty-bench-similarity-{os.getpid()}.npz"
GZIP = {"Accept-Encoding": "gzip"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": "false", "IDEAS_PER_PAGE": str(PER_PAGE),
            "SIMILARITY_INDEX_FILE": str(INDEX_FILE), "PYTHONPATH": str(ROOT)}


def start_gunicorn(database_url: str, threads: int = 1) -> tuple[subprocess.Popen, int]:
    """gunicorn with 2 workers: sync ones, or gthread ones with `threads` threads each."""
    port = _free_port()
    worker = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []
    process = subprocess.Popen(
        [shutil.which("gunicorn") or "gunicorn", "--workers", "2", *worker, "--bind",
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
                       "RATELIMIT_ENABLED": False, "IDEAS_PER_PAGE": PER_PAGE,
                       "SIMILARITY_INDEX_FILE": str(INDEX_FILE)})


def submissions(make_client: Any, floors: Floors, total: int,
                concurrency: int) -> dict[str, Any]:
    """`total` new ideas posted through the form by `concurrency` residents at once; the rows
    counted afterwards. Then the floor: the same rows inserted one by one with the driver."""
    category_id, author_id = floors.rows(
        "SELECT (SELECT min(id) FROM categories), (SELECT min(id) FROM users)")[0]
    before = floors.rows("SELECT count(*) FROM ideas")[0][0]
    clients = [sign_in(make_client(), resident(n)) for n in range(concurrency)]
    tokens = [csrf_token(client.get("/ideas/new", {})[1]) for client in clients]
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def post(k: int) -> None:
        for n in range(k, total, concurrency):
            try:
                status = send(k, n)
            except OSError:
                status = 0  # no answer at all
            with lock:
                statuses[status] += 1

    def send(k: int, n: int) -> int:
        return clients[k].post("/ideas/new", {
            "csrf_token": tokens[k], "title": f"Бенч {n}: летний кинотеатр во дворе",
            "description": "Показы под открытым небом для соседей летними вечерами.",
            "first_step": "Спросить соседей, какой вечер им удобен.",
            "category": str(category_id), "quarter": "auto",
            "lat": f"{CITY_CENTRE[0] + (n % 100) * 1e-4:.6f}",
            "lon": f"{CITY_CENTRE[1] + (n % 77) * 1e-4:.6f}"})[0]

    start = time.perf_counter()
    threads = [threading.Thread(target=post, args=(k,)) for k in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    stored = floors.rows("SELECT count(*) FROM ideas")[0][0] - before
    start = time.perf_counter()
    for n in range(total):
        floors.submit(n, category_id, author_id)
    floor_elapsed = time.perf_counter() - start
    floors.remove_submitted()
    accepted = statuses[302]
    return {"figure": "submissions per second", "posted": total, "concurrency": concurrency,
            "accepted": accepted, "stored": stored, "lost": accepted - stored,
            "server_errors": sum(n for status, n in statuses.items() if status >= 500),
            "unanswered": statuses[0],
            "statuses": dict(statuses), "per_second": round(stored / elapsed, 1),
            "floor_per_second": round(total / floor_elapsed, 1),
            "ratio": round((total / floor_elapsed) / (stored / elapsed), 2) if stored else None,
            "target_per_second": 150}


def plans(app: Any, floors: Floors, paths: list[tuple[str, str]],
          signed_in: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """The app's own statements for each path (captured in-process), with their plans; the
    paths in `signed_in` are asked by the organiser."""
    from myalmaty.extensions import db

    organiser = sign_in(TestClient(app), ORGANISER)
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
            (organiser.client if path in signed_in else app.test_client()).get(path)
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
    parser.add_argument("--threads", type=int, default=1,
                        help="gthread workers with this many threads each (1: sync workers)")
    parser.add_argument("--submissions", type=int, default=600,
                        help="ideas posted for the submissions figure")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="residents posting at once for the submissions figure")
    parser.add_argument("--only", metavar="WORD",
                        help="only the figures whose name holds WORD, and no submissions")
    parser.add_argument("--only-submissions", action="store_true",
                        help="measure submissions per second only (to compare worker settings)")
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
        with app.app_context():
            from myalmaty.ideas.similarity import index_for_app

            # Built once here and kept in INDEX_FILE, so each worker loads it at start, as
            # after a restart in production, instead of both building it while being measured.
            index_for_app()
        process = None
        idea_id = floors.rows("SELECT max(id) FROM ideas WHERE status = 'published'")[0][0] // 2
        if server == "gunicorn":
            process, port = start_gunicorn(database_url, args.threads)
            client: Any = HttpClient(port)

            def make_client() -> Any:
                return HttpClient(port)
        else:
            client = TestClient(app)

            def make_client() -> Any:
                return TestClient(app)
        organiser = sign_in(make_client(), ORGANISER)
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
                Figure(f"search ?q={SEARCH}", f"/ideas/?q={urllib.parse.quote(SEARCH)}", 40,
                       lambda: floors.search_page(SEARCH), {}, [], []),
                Figure("idea page", f"/ideas/{idea_id}", 20,
                       lambda: floors.idea_page(idea_id), {}, [], []),
                Figure("dashboard (organiser)", "/organise/", 150, floors.dashboard, {}, [], [],
                       client=organiser),
                # As in a live campaign: some published idea changed since the last view.
                Figure("dashboard after a write", "/organise/", 150, floors.dashboard, {}, [],
                       [], client=organiser, before=floors.bump_marker),
            ]
            if args.only_submissions:
                figures = []
            if args.only:
                figures = [f for f in figures if args.only in f.name]
            for figure in figures:
                asker = figure.client or client
                print(f"measuring {figure.name}: {figure.path}", flush=True)
                for _ in range(3):  # warm both workers and the caches
                    asker.get(figure.path, figure.headers)
                status, body, _headers = asker.get(figure.path, {})
                figure.size = len(body)
                status, sent, _headers = asker.get(figure.path, figure.headers)
                figure.status, figure.encoded_size = status, len(sent)
                figure.times = timed(lambda f=figure, a=asker: a.get(f.next_path(), f.headers),
                                     args.runs, figure.before)
                figure.floor_times = timed(figure.floor, args.runs)
            # Alone, the test client posts one at a time (it is no server).
            submitted = None if args.only else submissions(
                make_client, floors, args.submissions,
                min(args.concurrency, RESIDENTS) if server == "gunicorn" else 1)
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
        if (s := submitted) is not None:
            print(f"\nsubmissions per second: {s['per_second']:.1f} (target >= "
                  f"{s['target_per_second']}); floor {s['floor_per_second']:.1f}, ratio "
                  f"{s['ratio'] or 0:.1f}; {s['posted']} posted by {s['concurrency']} residents "
                  f"at once, {s['accepted']} accepted, {s['stored']} stored, lost {s['lost']}, "
                  f"5xx {s['server_errors']}, unanswered {s['unanswered']}; "
                  f"statuses {s['statuses']}")
            print("(floor = the same rows inserted and committed one by one with the bare "
                  "driver)")
        explained = plans(app, floors, [(f.name, f.path) for f in figures
                                        if not f.name.startswith("304") and not f.fresh
                                        and f.before is None],
                          frozenset(f.path for f in figures if f.client is not None))
        print("\nQuery plans of the hot queries:")
        for entry in explained:
            print(f"- [{entry['figure']}] {entry['sql'][:160]}")
            for line in entry["plan"]:
                print(f"    {line}")
        result = {"ideas": args.ideas, "db": args.db, "server": server,
                  "threads": args.threads, "seed_seconds": round(seeded, 1), "runs": args.runs,
                  "figures": rows, "submissions": submitted, "plans": explained}
        print("\n" + json.dumps(result, ensure_ascii=False))
        if args.json:
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2))
        floors.connection.close()
        INDEX_FILE.unlink(missing_ok=True)
        with app.app_context():
            from myalmaty.extensions import db

            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
