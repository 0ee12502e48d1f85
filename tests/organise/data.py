"""Form data and shapes shared by the organisers' tests."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from tests.factories import PANFILOV_SQUARE

if TYPE_CHECKING:
    from flask.testing import FlaskClient
    from werkzeug.test import TestResponse

    from tests.organise.conftest import World

FORUM = {
    "title_ru": "VI Форум #МыАлматы",
    "title_kk": "#МыАлматы VI форумы",
    "title_en": "VI #MyAlmaty Forum",
    "held_on": "2026-11-28",
    "venue_ru": "КБТУ, Толе би 59",
    "venue_kk": "ҚБТУ, Төле би 59",
    "venue_en": "KBTU, 59 Tole Bi",
}

RECOMMENDATION = {
    "title_ru": "Верьте в рискованные идеи",
    "title_kk": "Тәуекелді идеяларға сеніңіз",
    "title_en": "Believe in risky ideas",
    "text_ru": "Инвестируйте в начинающих предпринимателей.",
    "text_kk": "Жаңадан бастаған кәсіпкерлерге инвестиция салыңыз.",
    "text_en": "Invest in starting entrepreneurs.",
}

CATEGORY = {
    "slug": "street-art",
    "name_ru": "Уличное искусство",
    "name_kk": "Көше өнері",
    "name_en": "Street art",
    "position": "3",
}


def quarter_data(geometry: dict | str | None = None, **overrides: str) -> dict:
    boundary = geometry if isinstance(geometry, str) else json.dumps(geometry or PANFILOV_SQUARE)
    data = {
        "slug": "panfilov",
        "name_ru": "Панфиловский квартал",
        "name_kk": "Панфилов орамы",
        "name_en": "Panfilov quarter",
        "description_ru": "Парк и улицы вокруг.",
        "description_kk": "Саябақ және айналасындағы көшелер.",
        "description_en": "The park and the streets around it.",
        "boundary": boundary,
        "submit": "Save",
    }
    data.update(overrides)
    return data


def square(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat],
                         [min_lon, max_lat], [min_lon, min_lat]]],
    }


def fill_ids(text: str, world: World) -> str:
    """Put the world's ids in place of `{forum}` and the like (GeoJSON braces stay)."""
    fields = vars(world)
    return re.sub(r"\{(\w+)\}", lambda m: str(fields.get(m[1], m[0])), text)


def request_in_world(
    client: FlaskClient, world: World, method: str, url: str, data: dict | None
) -> TestResponse:
    url = fill_ids(url, world)
    if method == "GET":
        return client.get(url)
    return client.post(url, data={k: fill_ids(str(v), world) for k, v in (data or {}).items()})
