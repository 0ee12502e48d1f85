"""The offline map drawn from a tile file: the city's tiles embedded, under the size cap."""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from PIL import Image

from tests.exports.conftest import export_cli, world  # noqa: F401 - fixtures
from tests.exports.test_offline_map_and_pack import parse
from tests.tilefile import ZOOMS, city_tiles, colour_of, make_tile_file, zoom_size


@pytest.fixture(params=["mbtiles", "pmtiles"])
def app_config(request, tmp_path_factory) -> dict:
    path = make_tile_file(request.param, tmp_path_factory.mktemp("tiles") / "almaty")
    return {"TILE_FILE": str(path)}


def _offline_map(export_cli) -> str:  # noqa: F811
    result, data = export_cli("html", "--lang", "en")
    assert result.exit_code == 0, result.output
    return data.decode("utf-8")


def _embedded(offline_map: str) -> tuple[dict[str, str], dict]:
    scripts = {attrs.get("id"): text for attrs, text in parse(offline_map).scripts}
    return json.loads(scripts["offline-map-tiles"]), json.loads(scripts["offline-map-config"])


def test_the_offline_map_carries_the_citys_tiles_and_asks_no_host(world, export_cli):  # noqa: F811
    offline_map = _offline_map(export_cli)
    tiles, config = _embedded(offline_map)
    expected = {f"{z}/{x}/{y}" for z in ZOOMS for x, y in city_tiles(z)}
    assert set(tiles) == expected
    z, (x, y) = 12, city_tiles(12)[5]
    image = base64.b64decode(tiles[f"{z}/{x}/{y}"].removeprefix("data:image/png;base64,"))
    assert Image.open(io.BytesIO(image)).convert("RGB").getpixel((0, 0)) == colour_of(z, x, y)
    assert config["tiles"]["min_zoom"] == 10 and config["tiles"]["max_zoom"] == 12
    # Neither the app's tile route nor any tile server: the layer starts with a blank pixel.
    assert "/tiles/{z}" not in offline_map and "tiles.test" not in offline_map
    folium_script = next(text for attrs, text in parse(offline_map).scripts if "L.map(" in text)
    assert re.findall(r"https?://", folium_script) == []
    assert '"maxNativeZoom": 12' in folium_script and '"minNativeZoom": 10' in folium_script
    assert "the background map of the city is stored in it" in offline_map


def test_the_tiles_stop_at_the_last_zoom_under_the_size_cap(app, world, export_cli):  # noqa: F811
    app.config["OFFLINE_TILES_MAX_BYTES"] = zoom_size(10) + zoom_size(11) + zoom_size(12) - 1
    tiles, config = _embedded(_offline_map(export_cli))
    assert {key.split("/")[0] for key in tiles} == {"10", "11"}  # zoom 12 whole, or not at all
    assert config["tiles"]["max_zoom"] == 11
    assert sum(len(uri) for uri in tiles.values()) <= app.config["OFFLINE_TILES_MAX_BYTES"]


def test_a_cap_below_the_first_zoom_embeds_nothing_and_says_so(app, world, export_cli):  # noqa: F811
    app.config["OFFLINE_TILES_MAX_BYTES"] = zoom_size(10) - 1
    offline_map = _offline_map(export_cli)
    tiles, config = _embedded(offline_map)
    assert tiles == {} and "tiles" not in config
    # Online, the file then asks the site's own tile route, named in full.
    assert app.config["PUBLIC_BASE_URL"] + "/tiles/{z}/{x}/{y}.png" in offline_map
    assert "the background map does not load" in offline_map
