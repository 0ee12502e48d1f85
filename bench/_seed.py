"""A throw-away app on a temporary SQLite database, filled quickly with published ideas."""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from flask import Flask

from myalmaty import create_app
from myalmaty.core import grid
from myalmaty.core.geo import geometry_summary
from myalmaty.core.models import utcnow
from myalmaty.domain import kept
from myalmaty.domain.accounts import User
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.reference import Category, Quarter
from myalmaty.extensions import db
from myalmaty.ideas.text import search_text

SQUARE = {"type": "Polygon", "coordinates": [[[76.945, 43.252], [76.962, 43.252],
                                              [76.962, 43.265], [76.945, 43.265],
                                              [76.945, 43.252]]]}


def bench_app(**config: object) -> Flask:
    folder = Path(tempfile.mkdtemp(prefix="myalmaty-bench-"))
    settings = {
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
    }
    settings.update(config)
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        from shapely.geometry import shape

        author = User(email="bench@example.kz", display_name="Bench", password_hash=None)
        category = Category(slug="culture", name_ru="Культура", name_kk="Мәдениет",
                            name_en="Culture")
        quarter = Quarter(slug="panfilov", name_ru="Панфилова", name_kk="Панфилов",
                          name_en="Panfilov", boundary_geojson=json.dumps(SQUARE),
                          **geometry_summary(shape(SQUARE)))
        db.session.add_all([author, category, quarter])
        db.session.commit()
    return app


def add_ideas(app: Flask, count: int, seed: int = 1) -> None:
    """`count` published ideas spread over the centre of Almaty."""
    rng = random.Random(seed)
    with app.app_context():
        author_id = db.session.scalar(sa.select(User.id))
        category_id = db.session.scalar(sa.select(Category.id))
        quarter_id = db.session.scalar(sa.select(Quarter.id))
        now = utcnow()
        rows = []
        for n in range(count):
            title = f"Идея {seed}-{n}: летний кинотеатр во дворе"
            description = "Показы под открытым небом для соседей летними вечерами."
            first_step = "Спросить соседей, какой вечер им удобен."
            rows.append({
                "title": title, "description": description, "first_step": first_step,
                "search_text": search_text(title, description, first_step),
                "category_id": category_id, "quarter_id": quarter_id if n % 3 == 0 else None,
                "author_id": author_id, "status": IdeaStatus.PUBLISHED, "published_at": now,
                "lat": 43.20 + rng.random() * 0.08, "lon": 76.85 + rng.random() * 0.12,
                "support_count": rng.randrange(50), "comment_count": rng.randrange(10),
                "created_at": now, "updated_at": now,
            })
            # A bulk insert skips the model's events: the map's cells are computed here.
            rows[-1].update(grid.cell_keys(rows[-1]["lat"], rows[-1]["lon"]))
        db.session.execute(sa.insert(Idea), rows)
        kept.rebuild(db.session.connection())  # as the flush would have kept them
        db.session.commit()
