"""A throw-away database (a SQLite file, or a fresh PostgreSQL schema) filled by bulk insert."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from myalmaty import create_app
from myalmaty.core import grid
from myalmaty.core.database import throwaway_schema
from myalmaty.core.geo import geometry_summary
from myalmaty.domain import kept
from myalmaty.domain.ideas import Idea, IdeaStage
from myalmaty.extensions import db
from myalmaty.ideas.text import search_text

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SQUARE = {"type": "Polygon", "coordinates": [[[76.945, 43.252], [76.962, 43.252],
                                              [76.962, 43.265], [76.945, 43.265],
                                              [76.945, 43.252]]]}
# Where ideas gather (the centre, Arbat, Medeu road, the south-west), plus a spread over the city.
HOTSPOTS = [(43.2383, 76.9456, 0.012), (43.2620, 76.9410, 0.008), (43.2200, 76.9700, 0.015),
            (43.2050, 76.8700, 0.020)]
WORDS = ["летний", "кинотеатр", "двор", "сквер", "велодорожка", "скамейки", "фонтан", "сад",
         "мастерская", "концерт", "ярмарка", "библиотека", "площадка", "аллея", "мурал"]
# A word in one idea in fifty: what a search for something particular finds (bench.figures).
RARE_WORD, RARE_EVERY = "каток", 50
# Who signs in: an organiser (the dashboard) and residents (submissions), all with the same
# password (bench.figures.BENCH_PASSWORD).
ORGANISER = "organiser@bench.kz"
RESIDENTS = 32
BATCH = 10_000


def resident(n: int) -> str:
    return f"resident{n}@bench.kz"


@contextmanager
def throwaway_database(kind: str, postgres_url: str) -> Iterator[str]:
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="myalmaty-bench-"))
        try:
            yield f"sqlite:///{folder / 'bench.sqlite3'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    with throwaway_schema(postgres_url, "bench") as url:
        yield url


def _point(rng: random.Random) -> tuple[float, float]:
    if rng.random() < 0.6:
        lat, lon, spread = rng.choice(HOTSPOTS)
        return (min(43.40, max(43.10, rng.gauss(lat, spread))),
                min(77.15, max(76.75, rng.gauss(lon, spread * 1.4))))
    return 43.15 + rng.random() * 0.17, 76.80 + rng.random() * 0.25


def fill(database_url: str, ideas: int, seed: int = 1) -> None:
    """Reference rows, then `ideas` published ideas in batches of plain INSERTs."""
    from shapely.geometry import shape

    from bench.figures import BENCH_PASSWORD
    from myalmaty.auth.passwords import hash_password
    from myalmaty.core.permissions import Role
    from myalmaty.domain.accounts import User
    from myalmaty.domain.reference import Category, Quarter

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        authors = [User(email=f"bench{n}@example.kz", display_name=f"Bench {n}",
                        password_hash=None) for n in range(50)]
        password = hash_password(BENCH_PASSWORD)
        db.session.add(User(email=ORGANISER, display_name="Organiser", role=Role.ORGANISER,
                            password_hash=password))
        db.session.add_all(User(email=resident(n), display_name=f"Resident {n}",
                                password_hash=password) for n in range(RESIDENTS))
        categories = [Category(slug=f"c{n}", name_ru=f"Категория {n}", name_kk=f"Санат {n}",
                               name_en=f"Category {n}", position=n) for n in range(6)]
        quarter = Quarter(slug="panfilov", name_ru="Панфилова", name_kk="Панфилов",
                          name_en="Panfilov", boundary_geojson=json.dumps(SQUARE),
                          **geometry_summary(shape(SQUARE)))
        db.session.add_all([*authors, *categories, quarter])
        db.session.commit()
        author_ids = [a.id for a in authors]
        category_ids = [c.id for c in categories]
        rng = random.Random(seed)
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        stages = list(IdeaStage)
        table = Idea.__table__
        for first in range(0, ideas, BATCH):
            rows = []
            for n in range(first, min(ideas, first + BATCH)):
                # To six decimals, as the app stores a point (`ideas.location`).
                lat, lon = (round(v, 6) for v in _point(rng))
                title = " ".join(rng.sample(WORDS, 3)).capitalize() + f" №{n}"
                description = " ".join(rng.choices(WORDS, k=25))
                if n % RARE_EVERY == 0:
                    description += f" {RARE_WORD}"
                first_step = " ".join(rng.choices(WORDS, k=8))
                when = start + dt.timedelta(seconds=n * 60 + rng.randrange(60))
                rows.append({
                    "title": title, "description": description, "first_step": first_step,
                    "search_text": search_text(title, description, first_step), "locale": "ru",
                    "category_id": rng.choice(category_ids),
                    "quarter_id": quarter.id if n % 10 == 0 else None,
                    "author_id": rng.choice(author_ids), "status": "published",
                    "stage": rng.choice(stages).value, "lat": lat, "lon": lon,
                    "support_count": int(rng.paretovariate(1.5)) - 1,
                    "comment_count": int(rng.paretovariate(2.0)) - 1,
                    "published_at": when, "created_at": when, "updated_at": when,
                    "rejection_note": "", "public_answer": "", "version": 1,
                    **grid.cell_keys(lat, lon),
                })
            db.session.execute(sa.insert(table), rows)
            db.session.commit()
        # A bulk insert skips the flush that keeps the aggregates of ideas: build them once.
        kept.rebuild(db.session.connection())
        db.session.commit()
        # As autovacuum would soon: statistics, and on PostgreSQL the visibility map that
        # index-only scans need.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text(
                "VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE"))
        db.engine.dispose()
