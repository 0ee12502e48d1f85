"""How well and how fast similar ideas are found: the labelled evaluation, then scale.

    python -m bench.similarity [--ideas 100000] [--runs 200] [--json figures.json] [--record]

1. The labelled set (`tests/data/similarity/`: ideas, and queries tagged by kind) is inserted
   as published ideas into a throw-away database; every query is asked of the index
   (`similar_ideas`, what the form and the review page call) and of the former prefix-overlap
   method (`similarity.legacy`), in the same run. Per kind: precision@5 (of what is shown, the
   share that is relevant), recall@5 (of the relevant ideas, the share shown, out of at most
   five), MRR, and the false-positive rate (the share of queries showing an idea at the same
   place about another topic). Queries with a point search near it (the callers' 1,500 m);
   "same topic far away" searches the whole city from the point, likeness discounted by
   distance; queries without a point search by text. `--record` writes the index's scores to
   `tests/data/similarity/scores.json`, the floor that `tests/ideas/test_similarity_eval.py`
   holds it to.
2. Scale: 100,000 synthetic published ideas (`bench.throwaway.fill`); the index's build time,
   the memory it keeps (its arrays and dicts, counted) and the growth of the
   process's resident memory while it is built (loading rows included); the time a second
   process takes to load the index from the file the first one kept (`SIMILARITY_INDEX_FILE`),
   beside the build, and the file's size; the p50 of a suggestion (with a point, and by text only),
   beside its floor: the same database reads with the bare driver (the change marker, then
   the five ideas shown), and the ratio.
3. A worker's start: the index built by the warm-up thread (`start_warm_up`, as gunicorn's
   `post_worker_init` starts it) while suggestions are asked for; they answer the former way
   meanwhile, beside the same search with the index ready.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "similarity"
SCORES = DATA / "scores.json"
KINDS = ("paraphrase_same_place", "cross_language", "typos_forms", "transliteration",
         "same_topic_far", "same_place_other_topic")
SAME_PLACE_KINDS = KINDS[:4]
SHOWN = 5
CITY_WIDE_M = 100_000.0
# Every idea in the app has a point; the labelled ideas written without one stand here, far
# from every labelled place (north-west edge of the city).
NOWHERE = (43.36, 76.78)


def labelled() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return (json.loads((DATA / "ideas.json").read_text(encoding="utf-8")),
            json.loads((DATA / "queries.json").read_text(encoding="utf-8")))


def insert_labelled(ideas: list[dict[str, Any]]) -> dict[int, str]:
    """The labelled ideas as published ideas (in the current app context): id → key."""
    from myalmaty.core.models import utcnow
    from myalmaty.domain.accounts import User
    from myalmaty.domain.ideas import Idea, IdeaStatus
    from myalmaty.domain.reference import Category
    from myalmaty.extensions import db
    from myalmaty.ideas.text import search_text

    author = User(email="labelled@example.kz", display_name="Labelled", password_hash=None)
    categories = {slug: Category(slug=slug, name_ru=slug, name_kk=slug, name_en=slug)
                  for slug in sorted({i["category"] for i in ideas})}
    db.session.add_all([author, *categories.values()])
    rows = []
    for item in ideas:
        idea = Idea(title=item["title"], description=item["description"], first_step="",
                    search_text=search_text(item["title"], item["description"]),
                    locale=item["lang"], category=categories[item["category"]], author=author,
                    lat=item["lat"] if item["lat"] is not None else NOWHERE[0],
                    lon=item["lon"] if item["lon"] is not None else NOWHERE[1],
                    status=IdeaStatus.PUBLISHED,
                    published_at=utcnow())
        rows.append((idea, item["key"]))
    db.session.add_all([idea for idea, _key in rows])
    db.session.commit()
    return {idea.id: key for idea, key in rows}


def new_method(query: dict[str, Any], keys: dict[int, str]) -> list[str]:
    from myalmaty.ideas.similarity import similar_ideas

    far = query["kind"] == "same_topic_far"
    found = similar_ideas(query["title"], query["lat"], query["lon"],
                          description=query["description"],
                          **({"radius_m": CITY_WIDE_M} if far else {}))
    return [keys[s.idea.id] for s in found]


def legacy_method(query: dict[str, Any], keys: dict[int, str]) -> list[str]:
    from myalmaty.ideas.similarity import legacy

    # What the form sent before: the title and the description as one text.
    far = query["kind"] == "same_topic_far"
    found = legacy.similar_ideas(f"{query['title']} {query['description']}", query["lat"],
                                 query["lon"], **({"radius_m": CITY_WIDE_M} if far else {}))
    return [keys[s.idea.id] for s in found]


@dataclass
class Scores:
    queries: int = 0
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    reciprocal_rank: list[float] = field(default_factory=list)
    false_positive: list[float] = field(default_factory=list)

    def add(self, shown: list[str], query: dict[str, Any]) -> None:
        shown = shown[:SHOWN]
        relevant = set(query["relevant"])
        self.queries += 1
        if shown:
            self.precision.append(sum(k in relevant for k in shown) / len(shown))
        if relevant:
            self.recall.append(len(relevant & set(shown)) / min(len(relevant), SHOWN))
            rank = next((n for n, k in enumerate(shown, 1) if k in relevant), None)
            self.reciprocal_rank.append(1 / rank if rank else 0.0)
        self.false_positive.append(float(bool(set(query["near_other_topic"]) & set(shown))))

    def row(self) -> dict[str, Any]:
        def mean(values: list[float]) -> float | None:
            return round(statistics.fmean(values), 3) if values else None

        # Precision over the queries that showed something: showing nothing is not a wrong
        # suggestion (recall counts what it misses).
        return {"queries": self.queries, "precision_at_5": mean(self.precision),
                "recall_at_5": mean(self.recall), "mrr": mean(self.reciprocal_rank),
                "false_positive_rate": mean(self.false_positive)}


def evaluate(method: Callable[[dict[str, Any], dict[int, str]], list[str]],
             queries: list[dict[str, Any]], keys: dict[int, str]) -> dict[str, dict[str, Any]]:
    """Scores per kind, plus "same_place" (the four same-place kinds together)."""
    by_kind: dict[str, Scores] = {kind: Scores() for kind in (*KINDS, "same_place")}
    for query in queries:
        shown = method(query, keys)
        by_kind[query["kind"]].add(shown, query)
        if query["kind"] in SAME_PLACE_KINDS:
            by_kind["same_place"].add(shown, query)
    return {kind: scores.row() for kind, scores in by_kind.items()}


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def print_scores(new: dict[str, dict[str, Any]], old: dict[str, dict[str, Any]]) -> None:
    print(f"\n{'kind':<24}{'n':>4}  {'P@5 new/old':>12}  {'R@5 new/old':>12}"
          f"  {'MRR new/old':>12}  {'FP new/old':>12}")
    for kind, row in new.items():
        was = old[kind]
        print(f"{kind:<24}{row['queries']:>4}  "
              + "  ".join(f"{_fmt(row[m]):>5} / {_fmt(was[m]):>4}"
                          for m in ("precision_at_5", "recall_at_5", "mrr",
                                    "false_positive_rate")))
    print("(targets: same-place P@5 and R@5 ≥ 0.80; same_place_other_topic FP ≤ 0.20; "
          "cross-language R@5 above the old method's)")


def run_labelled(database_url: str) -> dict[str, Any]:
    from myalmaty import create_app
    from myalmaty.extensions import db

    ideas, queries = labelled()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False, "SIMILARITY_INDEX_FILE": ""})
    with app.app_context():
        db.create_all()
        keys = insert_labelled(ideas)
        new = evaluate(new_method, queries, keys)
        old = evaluate(legacy_method, queries, keys)
        db.engine.dispose()
    print(f"Labelled set: {len(ideas)} ideas, {len(queries)} queries")
    print_scores(new, old)
    return {"ideas": len(ideas), "queries": len(queries), "new": new, "legacy": old}


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def labelled_words() -> list[str]:
    """The distinct words of the labelled ideas (some 2,000, in three languages)."""
    from myalmaty.ideas.similarity.normalise import words

    ideas, _queries = labelled()
    return sorted({w.casefold() for i in ideas for w, _s in words(f"{i['title']} {i['description']}")
                   if len(w) > 2})


def run_scale(database_url: str, ideas: int, runs: int, vocabulary: str) -> dict[str, Any]:
    from bench import throwaway
    from bench.figures import Floors
    from bench.throwaway import HOTSPOTS, fill

    if vocabulary == "labelled":
        # Real words in real proportions of languages; with the map benchmark's 15 words every
        # idea would share every word with every query (see --vocabulary tiny).
        throwaway.WORDS = labelled_words()
    WORDS = throwaway.WORDS
    from myalmaty import create_app
    from myalmaty.extensions import db
    from myalmaty.ideas import similarity
    from myalmaty.ideas.similarity import legacy

    start = time.perf_counter()
    fill(database_url, ideas)
    print(f"\n{ideas:,} synthetic published ideas ({len(WORDS):,} distinct words) in "
          f"{time.perf_counter() - start:.1f} s")
    folder = Path(tempfile.mkdtemp(prefix="myalmaty-bench-index-"))
    index_file = folder / "similarity-index.npz"
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False, "SIMILARITY_INDEX_FILE": str(index_file)}
    app = create_app(settings)
    rng = random.Random(7)
    floors = Floors(database_url)
    with app.app_context():
        rss_before = _rss_kib()
        start = time.perf_counter()
        index = similarity.index_for_app()
        build_s = time.perf_counter() - start
        kept_bytes = index.memory_bytes()
        rss_growth_mib = (_rss_kib() - rss_before) / 1024
        print(f"index of {len(index):,} ideas built in {build_s:.1f} s (kept file written "
              f"included); kept {kept_bytes / 2**20:.1f} MiB; resident memory grew "
              f"{rss_growth_mib:.1f} MiB")
    # The next worker: loads the kept file instead of building.
    loaded_app = create_app(settings)
    with loaded_app.app_context():
        start = time.perf_counter()
        loaded = similarity.index_for_app()
        load_s = time.perf_counter() - start
        file_mib = index_file.stat().st_size / 2**20
        print(f"the next process loaded it from the kept file ({file_mib:.1f} MiB) in "
              f"{load_s:.2f} s instead of building it ({len(loaded):,} ideas; floor: the "
              f"build, ratio {load_s / build_s:.2f})")
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    with app.app_context():

        def point() -> tuple[float, float]:
            lat, lon, spread = rng.choice(HOTSPOTS)
            return rng.gauss(lat, spread), rng.gauss(lon, spread)

        def text() -> tuple[str, str]:
            return " ".join(rng.sample(WORDS, 3)), " ".join(rng.choices(WORDS, k=12))

        shown: list[int] = []

        def near() -> None:
            title, description = text()
            found = similarity.similar_ideas(title, *point(), description=description)
            shown[:] = [s.idea.id for s in found]

        def text_only() -> None:
            title, description = text()
            found = similarity.similar_ideas(title, None, None, description=description)
            shown[:] = [s.idea.id for s in found]

        def old_near() -> None:
            title, description = text()
            legacy.similar_ideas(f"{title} {description}", *point())

        def floor() -> None:
            floors.rows("SELECT version FROM content_version WHERE id = 1")
            ids = shown or [1, 2, 3, 4, 5]
            floors.rows("SELECT * FROM ideas WHERE id IN (" + ",".join("?" * len(ids)) + ")",
                        tuple(ids))

        rows = []
        for name, function, count in (("with a point (1,500 m)", near, runs),
                                      ("by text only", text_only, runs),
                                      ("old method, with a point", old_near, max(5, runs // 20))):
            times, floor_times = [], []
            for _ in range(count):
                t0 = time.perf_counter()
                function()
                times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                floor()
                floor_times.append(time.perf_counter() - t0)
                db.session.rollback()
            median = statistics.median(times) * 1000
            floor_median = statistics.median(floor_times) * 1000
            rows.append({"figure": name, "runs": count, "p50_ms": round(median, 2),
                         "p90_ms": round(statistics.quantiles(times, n=10)[-1] * 1000, 2),
                         "floor_p50_ms": round(floor_median, 2),
                         "ratio": round(median / floor_median, 1) if floor_median else None,
                         "target_ms": 50})
        print(f"\n{'suggestions among ' + format(ideas, ',') + ' ideas':<34}{'runs':>6}"
              f"{'p50':>8}{'p90':>8}{'floor':>8}{'ratio':>7}{'target':>8}")
        for r in rows:
            print(f"{r['figure']:<34}{r['runs']:>6}{r['p50_ms']:>8.1f}{r['p90_ms']:>8.1f}"
                  f"{r['floor_p50_ms']:>8.2f}{r['ratio'] or 0:>7.1f}{r['target_ms']:>8}")
        print("(milliseconds, in-process; floor = the change marker and the five ideas shown, "
              "read with the bare driver)")
        db.engine.dispose()
    floors.connection.close()
    warming = run_warm_up(database_url, near, runs, rows[0]["p50_ms"])
    return {"ideas": ideas, "vocabulary": len(WORDS), "build_s": round(build_s, 2),
            "load_s": round(load_s, 2), "file_mib": round(file_mib, 1),
            "index_kept_mib": round(kept_bytes / 2**20, 1),
            "rss_growth_mib": round(rss_growth_mib, 1), "target_mib": 200, "latency": rows,
            "warm_up": warming}


def run_warm_up(database_url: str, near: Callable[[], None], runs: int,
                ready_p50_ms: float) -> dict[str, Any]:
    """A worker as gunicorn starts it: the index built by the warm-up thread while searches
    arrive; they answer at once the former way (newest 500 ideas around the point)."""
    from myalmaty import create_app
    from myalmaty.extensions import db
    from myalmaty.ideas.similarity import start_warm_up

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False, "SIMILARITY_WARMUP": True,
                      "SIMILARITY_INDEX_FILE": ""})
    start = time.perf_counter()
    thread = start_warm_up(app)
    assert thread is not None
    times: list[float] = []
    with app.app_context():
        while thread.is_alive() and len(times) < runs:
            t0 = time.perf_counter()
            near()
            times.append(time.perf_counter() - t0)
            db.session.rollback()
        thread.join()
        build_s = time.perf_counter() - start
        db.engine.dispose()
    figures: dict[str, Any] = {"build_s": round(build_s, 2), "searches_during_build": len(times)}
    print(f"\nwarm-up (a worker at start): index built in the background in {build_s:.1f} s "
          f"while {len(times)} searches were answered")
    if len(times) >= 2:
        p50, p90 = statistics.median(times) * 1000, statistics.quantiles(times, n=10)[-1] * 1000
        figures.update(p50_ms=round(p50, 1), p90_ms=round(p90, 1),
                       max_ms=round(max(times) * 1000, 1), floor_p50_ms=ready_p50_ms)
        print(f"{'suggestion during the build':<34}{'runs':>6}{'p50':>8}{'p90':>8}{'floor':>8}"
              f"{'ratio':>7}")
        print(f"{'(the former way, 500 newest)':<34}{len(times):>6}{p50:>8.1f}{p90:>8.1f}"
              f"{ready_p50_ms:>8.1f}{p50 / ready_p50_ms:>7.1f}")
        print("(milliseconds, beside the build thread; floor = the same search with the index "
              "ready; without the warm-up the first search would wait the whole build)")
    return figures


def main(argv: list[str] | None = None) -> int:
    from bench.throwaway import DEFAULT_POSTGRES, throwaway_database

    parser = argparse.ArgumentParser(prog="python -m bench.similarity", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ideas", type=int, default=100_000,
                        help="synthetic ideas for the scale figures (0: skip them)")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--vocabulary", choices=("labelled", "tiny"), default="labelled",
                        help="words of the synthetic ideas: the labelled ideas' own, or the "
                             "15 words of the map benchmark (every idea matches every query)")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--record", action="store_true",
                        help=f"write the index's scores to {SCORES.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {}
    with throwaway_database(args.db, args.postgres_url) as url:
        result["labelled"] = run_labelled(url)
    if args.ideas:
        with throwaway_database(args.db, args.postgres_url) as url:
            result["scale"] = run_scale(url, args.ideas, args.runs, args.vocabulary)
    if args.record:
        SCORES.write_text(json.dumps(result["labelled"]["new"], indent=2) + "\n")
        print(f"\nrecorded {SCORES.relative_to(ROOT)}")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
