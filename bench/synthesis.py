"""How long a synthesis of a recommendation's ideas takes (`ideas.similarity.synthesis`).

    python -m bench.synthesis [--ideas 10000] [--linked 3000] [--runs 30] [--db sqlite|postgresql]

A throw-away database gets `--ideas` synthetic published ideas (`bench.throwaway.fill`, with
the labelled evaluation's words; one in a hundred marked as a duplicate of another), about
20,000 supports from 3,000 residents, and a
recommendation that `--linked` of the ideas take up: two thirds through 20 linked themes, the
rest linked one by one. The similarity index is built first (its time is printed apart: a
process builds it once). Then, each the median of `--runs`:

- one synthesis of the recommendation (what its page, the dashboard and the pack call);
- its part in the index alone (the centre of the ideas' vectors, the closest ideas, the key
  words), no database;
- one synthesis of a theme of 100 ideas;

beside the floor: the reads a synthesis cannot do without, with the bare driver (the
recommendation's ideas with their supports and quarter, and the count of distinct supporters),
and the ratio.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

THEMES = 20
RESIDENTS = 3000
SUPPORTS = 20_000

FLOOR_IDEAS = """
SELECT i.id, i.support_count, i.quarter_id FROM ideas i WHERE i.status = 'published' AND i.id IN (
  SELECT l.idea_id FROM recommendation_links l WHERE l.recommendation_id = ? AND l.idea_id IS NOT NULL
  UNION SELECT m.id FROM recommendation_links l JOIN idea_groups g ON g.id = l.group_id
        JOIN ideas m ON m.group_id = g.id
        WHERE l.recommendation_id = ? AND g.dissolved_at IS NULL)
"""
FLOOR_SUPPORTERS = """
SELECT count(DISTINCT s.user_id) FROM supports s WHERE s.idea_id IN (
  SELECT l.idea_id FROM recommendation_links l WHERE l.recommendation_id = ? AND l.idea_id IS NOT NULL
  UNION SELECT m.id FROM recommendation_links l JOIN idea_groups g ON g.id = l.group_id
        JOIN ideas m ON m.group_id = g.id
        WHERE l.recommendation_id = ? AND g.dissolved_at IS NULL)
"""


def seed_links(linked: int, ideas: int) -> tuple[int, int]:
    """The recommendation over `linked` ideas, supports; (recommendation id, a theme's id)."""
    import datetime as dt

    import sqlalchemy as sa

    from myalmaty.core.models import utcnow
    from myalmaty.domain import kept
    from myalmaty.domain.accounts import User
    from myalmaty.domain.ideas import Idea, IdeaStatus, Support
    from myalmaty.domain.reference import Forum, Recommendation
    from myalmaty.domain.themes import IdeaGroup, RecommendationLink
    from myalmaty.extensions import db

    forum = Forum(title_ru="Форум", title_kk="Форум", title_en="Forum", held_on=dt.date(2026, 7, 21))
    recommendation = Recommendation(forum=forum, position=1, title_ru="Р", title_kk="Р",
                                    title_en="R", text_ru="", text_kk="", text_en="")
    through_themes = linked * 2 // 3
    per_theme = max(1, through_themes // THEMES)
    groups = [IdeaGroup(title=f"Theme {n}") for n in range(THEMES)]
    db.session.add_all([forum, recommendation, *groups])
    db.session.flush()
    for n, group in enumerate(groups):
        db.session.execute(sa.update(Idea).where(Idea.id.between(1 + n * per_theme,
                                                                 (n + 1) * per_theme))
                           .values(group_id=group.id))
        db.session.add(RecommendationLink(recommendation=recommendation, group=group))
    first_direct = THEMES * per_theme + 1
    db.session.execute(sa.insert(RecommendationLink), [
        {"recommendation_id": recommendation.id, "idea_id": idea_id, "rationale": "",
         "created_at": utcnow(), "updated_at": utcnow()}
        for idea_id in range(first_direct, linked + 1)])
    residents = [User(email=f"resident{n}@example.kz", display_name=f"R {n}", password_hash=None)
                 for n in range(RESIDENTS)]
    db.session.add_all(residents)
    db.session.flush()
    rng = random.Random(3)
    pairs = {(rng.choice(residents).id, rng.randrange(1, ideas + 1)) for _ in range(SUPPORTS)}
    db.session.execute(sa.insert(Support), [{"user_id": u, "idea_id": i, "created_at": utcnow()}
                                            for u, i in pairs])
    # One idea in a hundred marked as a duplicate of another (its supports count for that one).
    db.session.execute(sa.update(Idea).where(Idea.id % 100 == 7).values(
        status=IdeaStatus.DUPLICATE, duplicate_of_id=Idea.id - 1))
    kept.rebuild(db.session.connection())  # the bulk UPDATE skipped the flush that keeps them
    db.session.commit()
    # The statistics `fill` gathered saw no theme at all: gather them again, as autovacuum would.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text(
            "VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE"))
    return recommendation.id, groups[0].id


def timed(function: Callable[[], Any], runs: int) -> list[float]:
    from myalmaty.extensions import db

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
        db.session.rollback()
    return times


def main(argv: list[str] | None = None) -> int:
    from bench import throwaway
    from bench.figures import Floors
    from bench.similarity import labelled_words
    from bench.throwaway import DEFAULT_POSTGRES, fill, throwaway_database

    parser = argparse.ArgumentParser(prog="python -m bench.synthesis", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--linked", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = parser.parse_args(argv)

    from myalmaty import create_app
    from myalmaty.extensions import db
    from myalmaty.ideas.similarity import index_for_app, queries
    from myalmaty.ideas.similarity.synthesis import (
        centre,
        recommendation_members,
        recommendation_synthesis,
        theme_synthesis,
    )

    throwaway.WORDS = labelled_words()
    with throwaway_database(args.db, args.postgres_url) as url:
        fill(url, args.ideas)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                          "SIMILARITY_INDEX_FILE": ""})
        floors = Floors(url)
        with app.app_context():
            recommendation_id, theme_id = seed_links(args.linked, args.ideas)
            start = time.perf_counter()
            index = index_for_app()
            build_s = time.perf_counter() - start
            synthesis = recommendation_synthesis(recommendation_id)
            members = queries.member_facts(recommendation_members([recommendation_id]).subquery())
            ids = [row[2] for row in members]
            print(f"{args.ideas:,} published ideas ({args.db}); index built in {build_s:.1f} s "
                  f"(once per process). The recommendation: {synthesis.idea_count:,} ideas, "
                  f"{synthesis.supporters:,} supporters; key words: "
                  f"{', '.join(synthesis.key_words)}")

            def floor() -> None:
                floors.rows(FLOOR_IDEAS, (recommendation_id, recommendation_id))
                floors.rows(FLOOR_SUPPORTERS, (recommendation_id, recommendation_id))

            figures = [
                (f"synthesis of {len(ids):,} ideas", lambda: recommendation_synthesis(recommendation_id)),
                (f"its part in the index ({len(ids):,})", lambda: centre(index, ids)),
                ("synthesis of a theme's ideas", lambda: theme_synthesis(theme_id)),
            ]
            floor_times = timed(floor, args.runs)
            floor_ms = statistics.median(floor_times)
            print(f"\n{'figure':<36}{'runs':>6}{'p50':>8}{'p90':>8}{'floor':>8}{'ratio':>7}")
            for name, function in figures:
                times = timed(function, args.runs)
                median = statistics.median(times)
                p90 = statistics.quantiles(times, n=10)[-1]
                print(f"{name:<36}{args.runs:>6}{median:>8.1f}{p90:>8.1f}{floor_ms:>8.1f}"
                      f"{median / floor_ms:>7.1f}")
            print("(milliseconds, in-process, index already built; floor = the recommendation's "
                  "ideas and its distinct supporters read with the bare driver)")
            db.engine.dispose()
        floors.connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
