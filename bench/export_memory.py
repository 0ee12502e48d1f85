"""How long exports take and how much memory they need, at 10,000 and 100,000 ideas, on
SQLite or PostgreSQL, each beside its floor.

    python bench/export_memory.py [--db sqlite|postgresql] [--sizes 10000 100000]
                                  [--formats csv geojson xlsx html pack] [--runs 3]
                                  [--profile] [--trace] [--json PATH]

Seeds published ideas into a throw-away database (a SQLite file, or a fresh PostgreSQL schema;
bulk inserts through SQLAlchemy Core), then runs each export through the same code path as the
web download and `flask export` (`export_ideas` → chunks → a file), each run in a forked
process, and prints the time as min / median / max over `--runs`, beside its floor and the
ratio of the medians, the target, the process's resident memory growth during the export
(VmHWM, reset at the start, less VmRSS at the start; the largest over the runs) and the file's
size. The floor is the same rows read with the bare driver (sqlite3 or psycopg) and written
by the plainest writer of the format: `csv.writer` (CSV), `json.dumps` per feature (GeoJSON),
XlsxWriter's `write_row` in constant-memory mode, ideas and visible comments (XLSX). If memory
is bounded, the growth stays about the same when the number of ideas grows tenfold: the last
lines compare them. `--profile` prints where an export's time goes (cProfile, by own time);
`--trace` the peak of Python allocations (tracemalloc, much slower).
The discussion pack is made for the one forum, whose agenda holds 20 of the 200 themes (about
one idea in forty); it draws a map per recommendation and per theme and a QR code per idea.
Not a test: it prints figures.
"""


from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import io
import json
import multiprocessing
import os
import pstats
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.throwaway import DEFAULT_POSTGRES, throwaway_database
from myalmaty import create_app
from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import Comment, CommentStatus, Idea, IdeaStage, IdeaStatus
from myalmaty.domain.reference import AgendaItem, Category, Forum, Quarter, Recommendation
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.exports.filters import ExportFilters
from myalmaty.exports.services import PLATFORM, ExportFormat, export_ideas
from myalmaty.extensions import db

WORDS = ("двор кино сквер велодорожка мурал арбат фестиваль скамейки деревья фонари "
         "аула қала саябақ көше мәдениет жастар courtyard cinema market library").split()
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def seed_reference(connection: sa.Connection) -> dict[str, list[int]]:
    from myalmaty.domain.accounts import User

    connection.execute(sa.insert(User.__table__), [
        {"email": f"bench{n}@example.kz", "display_name": f"Resident {n}", "role": Role.RESIDENT,
         "locale": "ru", "active": True, "created_at": NOW, "updated_at": NOW}
        for n in range(1, 1001)
    ])
    connection.execute(sa.insert(Category.__table__), [
        {"slug": f"c{n}", "name_ru": f"Категория {n}", "name_kk": f"Санат {n}",
         "name_en": f"Category {n}", "position": n, "archived": False, "created_at": NOW, "updated_at": NOW}
        for n in range(1, 6)
    ])
    square = ('{"type": "Polygon", "coordinates": [[[76.90, 43.20], [76.99, 43.20], [76.99, 43.28], '
              '[76.90, 43.28], [76.90, 43.20]]]}')
    connection.execute(sa.insert(Quarter.__table__), [
        {"slug": f"q{n}", "name_ru": f"Квартал {n}", "name_kk": f"Орам {n}", "name_en": f"Quarter {n}",
         "boundary_geojson": square, "min_lon": 76.9, "min_lat": 43.2, "max_lon": 76.99, "max_lat": 43.28,
         "centre_lat": 43.24, "centre_lon": 76.945, "archived": False, "created_at": NOW, "updated_at": NOW}
        for n in range(1, 4)
    ])
    connection.execute(sa.insert(Forum.__table__), [{
        "title_ru": "Форум", "title_kk": "Форум", "title_en": "Forum", "held_on": dt.date(2018, 7, 21),
        "created_at": NOW, "updated_at": NOW,
    }])
    connection.execute(sa.insert(Recommendation.__table__), [
        {"forum_id": 1, "position": n, "title_ru": f"Рекомендация {n}", "title_kk": f"Ұсыным {n}",
         "title_en": f"Recommendation {n}", "text_ru": "…", "text_kk": "…", "text_en": "…",
         "created_at": NOW, "updated_at": NOW}
        for n in range(1, 4)
    ])
    connection.execute(sa.insert(IdeaGroup.__table__), [
        {"title": f"Тема {n}", "summary": "", "stage": IdeaStage.UNDER_REVIEW, "public_answer": "",
         "version": 1, "created_at": NOW, "updated_at": NOW}
        for n in range(1, 201)
    ])
    connection.execute(sa.insert(RecommendationLink.__table__), [
        {"recommendation_id": 1 + n % 3, "group_id": n, "rationale": "", "created_at": NOW,
         "updated_at": NOW}
        for n in range(1, 201)
    ])
    connection.execute(sa.insert(AgendaItem.__table__), [
        {"forum_id": 1, "group_id": n, "position": n, "note": f"Тема {n}: двадцать минут",
         "created_at": NOW, "updated_at": NOW}
        for n in range(1, 21)
    ])
    return {"users": list(range(1, 1001))}


def seed_ideas(connection: sa.Connection, start: int, count: int) -> None:
    """Published ideas, each with as many comments as its comment_count says (the XLSX's
    Comments sheet has about two rows per idea), one in five of them hidden."""
    rng = random.Random(start)
    batch = []
    comments = []
    for n in range(start, start + count):
        title = " ".join(rng.choices(WORDS, k=5)).capitalize()
        description = " ".join(rng.choices(WORDS, k=60))
        moment = NOW - dt.timedelta(minutes=n)
        batch.append({
            "title": title, "description": description, "first_step": "Собрать соседей во дворе.",
            "search_text": f"{title} {description}".casefold(), "locale": "ru",
            "category_id": 1 + n % 5, "quarter_id": 1 + n % 3,
            "lat": 43.2 + rng.random() * 0.08, "lon": 76.9 + rng.random() * 0.09,
            "author_id": 1 + n % 1000, "status": IdeaStatus.PUBLISHED, "rejection_note": "",
            "group_id": (1 + n % 200) if n % 4 == 0 else None, "stage": IdeaStage.NEW,
            "public_answer": "", "support_count": n % 17, "comment_count": n % 5,
            "published_at": moment, "version": 1, "created_at": moment, "updated_at": moment,
        })
        comments.extend(
            {"idea_id": n, "author_id": 1 + (n + k) % 1000, "body": " ".join(rng.choices(WORDS, k=20)),
             "status": CommentStatus.HIDDEN if (n + k) % 5 == 0 else CommentStatus.VISIBLE,
             "hidden_reason": "", "created_at": moment, "updated_at": moment}
            for k in range(n % 5)
        )
        if len(batch) == 10_000:
            connection.execute(sa.insert(Idea.__table__), batch)
            connection.execute(sa.insert(Comment.__table__), comments)
            batch.clear()
            comments.clear()
    if batch:
        connection.execute(sa.insert(Idea.__table__), batch)
    if comments:
        connection.execute(sa.insert(Comment.__table__), comments)


def _rss_mib(field: str) -> float:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Targets at 100,000 ideas (issue: exports): seconds, and the most the median may be of its floor.
TARGET_SECONDS = {"csv": 3.0, "xlsx": 15.0}
TARGET_RATIO = {"csv": 1.5, "geojson": 2.0}


# --- floors: the same rows with the bare driver and the plainest writer -----------------------

IDEA_SQL = ("SELECT id, created_at, published_at, title, description, first_step, category_id, "
            "quarter_id, group_id, stage, public_answer, support_count, comment_count, lat, lon "
            "FROM ideas WHERE status = 'published' ORDER BY id")
COMMENT_SQL = ("SELECT c.idea_id, i.created_at, i.title, c.created_at, c.body FROM comments c "
               "JOIN ideas i ON i.id = c.idea_id WHERE i.status = 'published' "
               "AND c.status = 'visible' ORDER BY c.idea_id, c.created_at, c.id")


def _bare_rows(database_url: str, sql: str) -> Iterator[tuple]:
    """Rows of `sql` from the bare driver, fetched a thousand at a time (a server-side cursor
    on PostgreSQL, as the app's `yield_per`)."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "postgresql":
        import psycopg

        connection: Any = psycopg.connect(
            url.set(drivername="postgresql").render_as_string(hide_password=False))
        cursor = connection.cursor(name="floor")
    else:
        import sqlite3

        connection = sqlite3.connect(url.database)
        cursor = connection.cursor()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(1000):
            yield from batch
    finally:
        cursor.close()
        connection.close()


def floor_csv(database_url: str, output: Path) -> None:
    with open(output, "wb") as f:
        buffer = io.StringIO()
        # The dialect of the export measured (Russian: semicolons).
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        for count, row in enumerate(_bare_rows(database_url, IDEA_SQL), start=1):
            writer.writerow(row)
            if count % 500 == 0:
                f.write(buffer.getvalue().encode("utf-8"))
                buffer.seek(0)
                buffer.truncate()
        f.write(buffer.getvalue().encode("utf-8"))


def floor_geojson(database_url: str, output: Path) -> None:
    keys = IDEA_SQL.split("SELECT ")[1].split(" FROM")[0].split(", ")
    with open(output, "wb") as f:
        parts = []
        for count, row in enumerate(_bare_rows(database_url, IDEA_SQL), start=1):
            parts.append(json.dumps({
                "type": "Feature", "id": row[0],
                "geometry": {"type": "Point", "coordinates": [row[14], row[13]]},
                "properties": dict(zip(keys, map(str, row), strict=True)),
            }, ensure_ascii=False))
            if count % 500 == 0:
                f.write(",\n".join(parts).encode("utf-8"))
                parts.clear()
        f.write(",\n".join(parts).encode("utf-8"))


def floor_xlsx(database_url: str, output: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(output), {"constant_memory": True})
    for title, sql in (("Ideas", IDEA_SQL), ("Comments", COMMENT_SQL)):
        sheet = workbook.add_worksheet(title)
        for n, row in enumerate(_bare_rows(database_url, sql)):
            sheet.write_row(n, 0, [str(v) if isinstance(v, dt.datetime) else v for v in row])
    workbook.close()


FLOORS: dict[str, Callable[[str, Path], None]] = {
    "csv": floor_csv, "geojson": floor_geojson, "xlsx": floor_xlsx,
}


# --- one run in a forked process ----------------------------------------------------------------

def _export(fmt: ExportFormat, output: Path, filters: ExportFilters | None = None) -> None:
    if filters is None:
        filters = ExportFilters(forum_id=1) if fmt is ExportFormat.PACK else ExportFilters()
    export = export_ideas(PLATFORM, fmt, filters, locale="ru")
    with open(output, "wb") as f:
        for chunk in export.chunks:
            f.write(chunk)


def _in_child(work: Callable[[], None], output: Path, trace: bool, profile: bool, pipe) -> None:
    """Runs in a forked process, so each run's peak memory is its own."""
    db.session.remove()
    db.engine.dispose(close=False)  # the parent's connections stay the parent's
    with db.engine.connect():  # as in a worker that has served a request: its pool is ready
        pass
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    except OSError:
        pass
    rss_start = _rss_mib("VmRSS")
    if trace:
        tracemalloc.start()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    work()
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else float("nan")
    report = ""
    if profiler is not None:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(18)
        report = text.getvalue()
    pipe.send((seconds, _rss_mib("VmHWM") - rss_start, traced, output.stat().st_size, report))


def run_forked(work: Callable[[], None], output: Path, trace: bool = False,
               profile: bool = False) -> tuple[float, float, float, int, str]:
    """(seconds, peak RSS growth MiB, Python heap peak MiB or nan, file bytes, profile text)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_in_child, args=(work, output, trace, profile, sender))
    child.start()
    result = receiver.recv()
    child.join()
    return result


def _spread(values: list[float]) -> str:
    return (f"{min(values):>7.2f} {statistics.median(values):>7.2f} {max(values):>7.2f}"
            if values else f"{'':>7} {'':>7} {'':>7}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                                  DEFAULT_POSTGRES))
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "geojson", "xlsx"],
                        choices=[f.value for f in ExportFormat])
    parser.add_argument("--runs", type=int, default=3, help="runs of each export and floor")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one run of each export (cProfile, by own time)")
    parser.add_argument("--trace", action="store_true",
                        help="also measure the Python heap peak with tracemalloc (2-4x slower)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    figures: list[dict[str, Any]] = []
    with throwaway_database(args.db, args.postgres_url) as database_url, \
            tempfile.TemporaryDirectory(prefix="myalmaty-export-bench-") as folder:
        folder_path = Path(folder)
        app = create_app({
            "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
        })
        with app.app_context():
            db.create_all()
            with db.engine.begin() as connection:
                seed_reference(connection)
            seeded = 0
            print(f"# {args.db}, {args.runs} runs of each; seconds as min median max; ratio: "
                  f"median / floor median; growth: peak RSS growth (MiB), largest of the runs",
                  flush=True)
            header = (f"{'ideas':>7} {'format':>8} {'min':>7} {'median':>7} {'max':>7} | "
                      f"{'floor min':>7} {'median':>7} {'max':>7} | {'ratio':>5} {'target':>11} "
                      f"{'growth':>7} {'floor':>6} {'MiB':>6}")
            for size in sorted(args.sizes):
                started = time.perf_counter()
                with db.engine.begin() as connection:
                    seed_ideas(connection, seeded + 1, size - seeded)
                    if connection.dialect.name == "postgresql":
                        connection.execute(sa.text("ANALYZE"))
                if not seeded:
                    # As a worker that has served a request: what is imported on first use is.
                    nothing = ExportFilters(since=dt.date(2100, 1, 1), forum_id=1)
                    for fmt in args.formats:
                        _export(ExportFormat(fmt), folder_path / f"warm.{fmt}", nothing)
                    # No connection of this process may reach the forked ones.
                    db.session.remove()
                    db.engine.dispose()
                seeded = size
                print(f"# seeded {size} ideas in {time.perf_counter() - started:.1f} s", flush=True)
                print(header)
                for fmt in args.formats:
                    output = folder_path / f"out.{fmt}"
                    # The export and its floor in turn, so that both meet the same load.
                    floor_output = folder_path / f"floor.{fmt}"
                    runs, floor_runs = [], []
                    for _ in range(args.runs):
                        runs.append(run_forked(lambda f=fmt, o=output: _export(ExportFormat(f), o),
                                               output, args.trace))
                        if fmt in FLOORS:
                            floor_runs.append(run_forked(
                                lambda f=fmt, o=floor_output: FLOORS[f](database_url, o),
                                floor_output))
                    times = [r[0] for r in runs]
                    floor_times = [r[0] for r in floor_runs]
                    ratio = (statistics.median(times) / statistics.median(floor_times)
                             if floor_times else None)
                    target = " ".join(filter(None, [
                        f"<={TARGET_SECONDS[fmt]:g}s" if fmt in TARGET_SECONDS else "",
                        f"<={TARGET_RATIO[fmt]:g}x" if fmt in TARGET_RATIO else "",
                    ]))
                    figure = {
                        "db": args.db, "ideas": size, "format": fmt, "seconds": times,
                        "median": statistics.median(times), "floor_seconds": floor_times,
                        "floor_median": statistics.median(floor_times) if floor_times else None,
                        "ratio": ratio, "target": target,
                        "rss_growth_mib": max(r[1] for r in runs),
                        "floor_rss_growth_mib": max((r[1] for r in floor_runs), default=None),
                        "heap_peak_mib": max(r[2] for r in runs), "file_bytes": runs[-1][3],
                    }
                    figures.append(figure)
                    print(f"{size:>7} {fmt:>8} {_spread(times)} | {_spread(floor_times)} | "
                          f"{(f'{ratio:.2f}' if ratio else '-'):>5} {target or '-':>11} "
                          f"{figure['rss_growth_mib']:>7.1f} "
                          f"{figure['floor_rss_growth_mib'] or 0:>6.1f} "
                          f"{runs[-1][3] / 2**20:>6.1f}", flush=True)
                    if args.profile:
                        report = run_forked(lambda f=fmt, o=output: _export(ExportFormat(f), o),
                                            output, profile=True)[4]
                        print(f"## profile: {fmt}, {size} ideas\n{_trim_profile(report)}",
                              flush=True)
            db.engine.dispose()
    print("\n# peak RSS growth (MiB) by size: flat if memory does not grow with the rows")
    for fmt in args.formats:
        growth = [f"{f['ideas']}: {f['rss_growth_mib']:.1f}" for f in figures if f["format"] == fmt]
        print(f"{fmt:>8}  " + ", ".join(growth))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def _trim_profile(report: str) -> str:
    """The table of a pstats report, without its preamble."""
    lines = report.splitlines()
    start = next((n for n, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(line for line in lines[start - 1:] if line.strip())


if __name__ == "__main__":
    main()
