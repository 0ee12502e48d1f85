"""Reference data: the 2018 forum with its recommendations, the categories and the quarters."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from myalmaty.core.geo import geometry_summary, parse_boundary
from myalmaty.domain.reference import Category, Forum, Quarter, Recommendation
from myalmaty.extensions import db
from myalmaty.main.seed import data, queries

LOCALES = ("ru", "kk", "en")


def _translated(spec: dict, *fields: str) -> dict[str, str]:
    return {f"{field}_{lang}": spec[f"{field}_{lang}"] for field in fields for lang in LOCALES}


def ensure_forum(created: Counter) -> tuple[Forum, dict[int, Recommendation]]:
    """The forum (matched by its date) and its recommendations (matched by position)."""
    spec = data.forum()
    held_on = dt.date.fromisoformat(spec["held_on"])
    forum = queries.forum_held_on(held_on)
    if forum is None:
        forum = Forum(held_on=held_on, **_translated(spec, "title", "venue"))
        db.session.add(forum)
        db.session.flush()
        created["forums"] += 1
    existing = queries.recommendations_of(forum)
    for rec_spec in spec["recommendations"]:
        position = rec_spec["position"]
        if position not in existing:
            rec = Recommendation(
                forum=forum, position=position, **_translated(rec_spec, "title", "text")
            )
            db.session.add(rec)
            existing[position] = rec
            created["recommendations"] += 1
    db.session.flush()
    return forum, existing


def ensure_categories(created: Counter) -> dict[str, Category]:
    specs = data.categories()
    existing = queries.categories_by_slug(spec["slug"] for spec in specs)
    for position, spec in enumerate(specs, start=1):
        if spec["slug"] not in existing:
            category = Category(slug=spec["slug"], position=position, **_translated(spec, "name"))
            db.session.add(category)
            existing[spec["slug"]] = category
            created["categories"] += 1
    db.session.flush()
    return existing


def ensure_quarters(created: Counter) -> dict[str, Quarter]:
    """Quarters with their (approximate) boundaries, checked like an organiser's upload."""
    features = data.quarters()
    existing = queries.quarters_by_slug(f["properties"]["slug"] for f in features)
    for feature in features:
        props = feature["properties"]
        if props["slug"] in existing:
            continue
        boundary_geojson = json.dumps(feature["geometry"])
        # Checked as an organiser's upload is: a valid polygon inside the city, or an error.
        geometry = parse_boundary(boundary_geojson)
        quarter = Quarter(
            slug=props["slug"],
            boundary_geojson=boundary_geojson,
            **geometry_summary(geometry),
            **_translated(props, "name", "description"),
        )
        db.session.add(quarter)
        existing[props["slug"]] = quarter
        created["quarters"] += 1
    db.session.flush()
    return existing
