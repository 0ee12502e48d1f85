"""How long exports take and how much memory they need, at 10,000 and 100,000 ideas.

    python bench/export_memory.py [--sizes 10000 100000] [--formats csv geojson xlsx html pack]

Seeds published ideas into a temporary SQLite database (bulk inserts through SQLAlchemy Core),
then runs each export through the same code path as the web download and `flask export`
(`export_ideas` → chunks → a file), each in a forked process, and prints the time, the file
size, the process's resident memory when the export starts and at its peak (VmHWM, reset at
the start), and with --trace the peak of Python allocations (tracemalloc, much slower). If
memory is bounded, the growth stays about the same when the number of ideas grows tenfold.
The discussion pack is made for the one forum, whose agenda holds 20 of the 200 themes (about
one idea in forty); it draws a map per recommendation and per theme and a QR code per idea.
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def _export_in_child(fmt: ExportFormat, output: Path, trace: bool, pipe) -> None:
    """Runs in a forked process, so each export's peak memory is its own."""
    db.engine.dispose(close=False)  # the parent's SQLite connections stay the parent's
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    except OSError:
        pass
    rss_start = _rss_mib("VmRSS")
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    filters = ExportFilters(forum_id=1) if fmt is ExportFormat.PACK else ExportFilters()
    export = export_ideas(PLATFORM, fmt, filters, locale="ru")
    with open(output, "wb") as f:
        for chunk in export.chunks:
            f.write(chunk)
    seconds = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else float("nan")
    pipe.send((seconds, rss_start, _rss_mib("VmHWM"), traced, output.stat().st_size))


def measure(fmt: ExportFormat, output: Path, trace: bool) -> tuple[float, float, float, float, int]:
    """(seconds, RSS at start MiB, peak RSS MiB, Python heap peak MiB or nan, file bytes)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_export_in_child, args=(fmt, output, trace, sender))
    child.start()
    result = receiver.recv()
    child.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "geojson", "xlsx", "html"],
                        choices=[f.value for f in ExportFormat])
    parser.add_argument("--trace", action="store_true",
                        help="also measure the Python heap peak with tracemalloc (2-4x slower)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        app = create_app({
            "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder_path / 'bench.sqlite3'}",
            "SQLALCHEMY_ENGINE_OPTIONS": {}, "RATELIMIT_ENABLED": False,
        })
        with app.app_context():
            db.create_all()
            with db.engine.begin() as connection:
                seed_reference(connection)
            seeded = 0
            print(f"{'ideas':>8} {'format':>8} {'seconds':>8} {'RSS start':>10} {'RSS peak':>9} "
                  f"{'growth':>7} {'heap peak':>10} {'file MiB':>9}   (MiB)")
            for size in sorted(args.sizes):
                started = time.perf_counter()
                with db.engine.begin() as connection:
                    seed_ideas(connection, seeded + 1, size - seeded)
                seeded = size
                print(f"# seeded {size} ideas in {time.perf_counter() - started:.1f} s")
                for fmt in args.formats:
                    seconds, start, peak, heap, size_bytes = measure(
                        ExportFormat(fmt), folder_path / f"out.{fmt}", args.trace
                    )
                    print(f"{size:>8} {fmt:>8} {seconds:>8.1f} {start:>10.1f} {peak:>9.1f} "
                          f"{peak - start:>7.1f} {heap:>10.1f} {size_bytes / 2**20:>9.1f}")
            db.engine.dispose()


if __name__ == "__main__":
    main()
