"""The demo data files shipped in `myalmaty/data/`, read as plain dicts."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def _load(name: str) -> Any:
    return json.loads(resources.files("myalmaty.data").joinpath(name).read_text("utf-8"))


def forum() -> dict[str, Any]:
    """The forum of 21 July 2018 with its recommendations (from the press release)."""
    return _load("forum-2018-07-21.json")


def categories() -> list[dict[str, Any]]:
    return _load("categories.json")["categories"]


def quarters() -> list[dict[str, Any]]:
    """GeoJSON features: `properties` hold slug, names and descriptions; boundaries approximate."""
    return _load("quarters.geojson")["features"]


def accounts() -> list[dict[str, Any]]:
    return _load("demo_people.json")["accounts"]


def ideas() -> list[dict[str, Any]]:
    return _load("demo_ideas.json")["ideas"]


def moderation() -> dict[str, Any]:
    return _load("demo_moderation.json")
