"""How long suggested themes take: the background job over 10,000 published ideas.

    python -m bench.themes [--ideas 10000] [--runs 3] [--data labelled|words] [--db sqlite]

Each run is what a worker's job does from a cold start (no similarity index in the process):
read the published ideas in no theme, build the similarity index, ask every idea of it as a
search would (`Index.alike_pairs`), form the groups, label them and store them; then the same
job with the index already built (`flask worker` builds it once, and each job's forked
process inherits it). Printed: the
median of each step and of the whole job, beside its floor (reading the same ideas' indexed
columns with the bare driver, plus one plain numpy pass over their words: a dot product of
each idea's term counts with a random vector), the ratio, and the target (10 s).

`--data labelled` (default) copies the 415 labelled ideas (`tests/data/similarity`) over the
city, each copy moved by up to a few kilometres, so topics repeat as in real life;
`--data words` writes word salad from the labelled vocabulary around four dense hotspots
(every idea shares some words with hundreds near it: the heavier case).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

TARGET_S = 10.0


def fill_labelled(database_url: str, ideas: int, seed: int = 3) -> None:
    """`ideas` published ideas: the labelled ones again and again, each copy moved."""
    from bench import throwaway
    from bench.similarity import NOWHERE, labelled
    from myalmaty.domain.ideas import Idea

    throwaway.fill(database_url, 0)
    items, _queries = labelled()
    rng = random.Random(seed)
    from myalmaty import create_app
    from myalmaty.core import grid
    from myalmaty.extensions import db
    from myalmaty.ideas.text import search_text

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                      "SIMILARITY_INDEX_FILE": ""})
    with app.app_context():
        author_id = db.session.scalar(sa.text("SELECT min(id) FROM users"))
        category_id = db.session.scalar(sa.text("SELECT min(id) FROM categories"))
        rows = []
        for n in range(ideas):
            item = items[n % len(items)]
            copy = n // len(items)
            # Every copy of the set moves as a whole, so its topics stay together at a place.
            shift = random.Random(copy).uniform(-0.04, 0.04), random.Random(-copy - 1).uniform(-0.05, 0.05)
            lat = (item["lat"] if item["lat"] is not None else NOWHERE[0]) + (shift[0] if copy else 0)
            lon = (item["lon"] if item["lon"] is not None else NOWHERE[1]) + (shift[1] if copy else 0)
            lat, lon = lat + rng.gauss(0, 0.0005), lon + rng.gauss(0, 0.0005)
            rows.append({
                "title": item["title"], "description": item["description"], "first_step": "",
                "search_text": search_text(item["title"], item["description"]),
                "locale": item["lang"], "category_id": category_id, "author_id": author_id,
                "status": "published", "stage": "new", "lat": lat, "lon": lon,
                "support_count": 0, "comment_count": 0, "rejection_note": "",
                "public_answer": "", "version": 1, **grid.cell_keys(lat, lon),
            })
        db.session.execute(sa.insert(Idea.__table__), rows)
        db.session.commit()
        db.engine.dispose()


def measure(database_url: str, runs: int) -> dict[str, Any]:
    from bench.figures import Floors
    from myalmaty import create_app
    from myalmaty.core.permissions import Role
    from myalmaty.domain.accounts import User
    from myalmaty.domain.themes import ThemeSuggestion
    from myalmaty.extensions import db
    from myalmaty.ideas.similarity import index_for_app
    from myalmaty.ideas.similarity.grouping import RADIUS_M, alike_groups
    from myalmaty.moderation import suggested_themes
    from myalmaty.moderation import suggestion_queries as queries
    from myalmaty.moderation.services import suggestions

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False, "SIMILARITY_INDEX_FILE": ""})
    floors = Floors(database_url)
    steps: dict[str, list[float]] = {k: [] for k in (
        "index built", "pairs (every idea asked)", "groups formed", "whole job",
        "whole job, index kept", "floor")}
    found: list[int] = []
    groups: list = []
    with app.app_context():
        moderator = db.session.scalar(sa.select(User).limit(1))
        assert moderator is not None
        moderator.role = Role.MODERATOR
        db.session.commit()
        considered = len(queries.ungrouped_published_ids())
        for _ in range(runs):
            # The floor: the same ideas read with the bare driver, and one numpy pass.
            t0 = time.perf_counter()
            rows = floors.rows("SELECT id, title, description, lat, lon FROM ideas "
                               "WHERE status = 'published' AND group_id IS NULL")
            lengths = np.fromiter((len(r[1]) + len(r[2]) for r in rows), dtype=np.float64,
                                  count=len(rows))
            float(lengths @ np.random.default_rng(0).random(len(rows)))
            steps["floor"].append(time.perf_counter() - t0)
            # The parts, from a cold index.
            app.extensions.pop("similarity_index", None)
            t0 = time.perf_counter()
            index = index_for_app()
            steps["index built"].append(time.perf_counter() - t0)
            among = queries.ungrouped_published_ids()
            t0 = time.perf_counter()
            index.alike_pairs(among, radius_m=RADIUS_M)
            steps["pairs (every idea asked)"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            groups = alike_groups(index, among)
            steps["groups formed"].append(time.perf_counter() - t0)
            # The whole job, cold, as the page starts it.
            app.extensions.pop("similarity_index", None)
            db.session.rollback()
            t0 = time.perf_counter()
            run = suggestions.request_run(moderator)
            db.session.commit()
            suggested_themes.run_suggestions(run.id)
            steps["whole job"].append(time.perf_counter() - t0)
            assert db.session.get(type(run), run.id).status == "done"
            # Again, with the index the job found (as `flask worker` builds it once and each
            # job's forked process inherits it).
            t0 = time.perf_counter()
            run = suggestions.request_run(moderator)
            db.session.commit()
            suggested_themes.run_suggestions(run.id)
            steps["whole job, index kept"].append(time.perf_counter() - t0)
            found.append(db.session.scalar(sa.select(sa.func.count()).select_from(ThemeSuggestion)
                                           .where(ThemeSuggestion.status == "open")) or 0)
        db.engine.dispose()
    floors.connection.close()
    floor = statistics.median(steps["floor"])
    print(f"\nsuggested themes over {considered:,} published ideas in no theme "
          f"({runs} runs, medians; {len(groups)} groups, {found[-1]} suggestions stored)")
    print(f"{'step':<28}{'seconds':>9}{'floor':>9}{'ratio':>8}{'target':>8}")
    result = {"ideas": considered, "groups": len(groups), "runs": runs, "floor_s": round(floor, 3),
              "steps": {}}
    for name, times in steps.items():
        if name == "floor":
            continue
        median = statistics.median(times)
        target = TARGET_S if name.startswith("whole job") else None
        result["steps"][name] = round(median, 2)
        print(f"{name:<28}{median:>9.2f}{floor:>9.3f}{median / floor:>8.0f}"
              f"{(f'{target:.0f}' if target else '—'):>8}")
    print("(floor: the same ideas read with the bare driver, and one numpy pass over them)")
    return result


def main(argv: list[str] | None = None) -> int:
    from bench import throwaway
    from bench.similarity import labelled_words
    from bench.throwaway import DEFAULT_POSTGRES, throwaway_database

    parser = argparse.ArgumentParser(prog="python -m bench.themes", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", choices=("labelled", "words"), default="labelled")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    with throwaway_database(args.db, args.postgres_url) as url:
        start = time.perf_counter()
        if args.data == "labelled":
            fill_labelled(url, args.ideas)
        else:
            throwaway.WORDS = labelled_words()
            throwaway.fill(url, args.ideas)
        print(f"{args.ideas:,} published ideas ({args.data}) written in "
              f"{time.perf_counter() - start:.1f} s")
        result = measure(url, args.runs)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
