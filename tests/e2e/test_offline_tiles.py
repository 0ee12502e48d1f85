"""The offline map drawn from a tile file shows streets in Chromium with the network blocked."""

import pytest

from tests.exports.conftest import export_cli, world  # noqa: F401 - fixtures
from tests.tilefile import make_mbtiles


@pytest.fixture
def app_config(tmp_path_factory) -> dict:
    return {"TILE_FILE": str(make_mbtiles(tmp_path_factory.mktemp("tiles") / "almaty.mbtiles"))}


def test_offline_map_shows_its_embedded_tiles_with_no_network(open_offline, world, export_cli, tmp_path):  # noqa: F811
    result, data = export_cli("html", "--lang", "en")
    assert result.exit_code == 0, result.output
    path = tmp_path / "map.html"
    path.write_bytes(data)

    page = open_offline(path)
    page.wait_for_selector(".marker-cluster, .idea-pin")
    page.wait_for_function(
        "document.querySelectorAll('img.leaflet-tile-loaded[src^=\"data:image/png\"]')"
        ".length > 0")
    loaded = page.locator("img.leaflet-tile-loaded")
    sources = [loaded.nth(i).get_attribute("src") or "" for i in range(loaded.count())]
    street_tiles = [src for src in sources if src.startswith("data:image/png")]
    assert len(street_tiles) > 0
    # Every tile on screen is one the file carries (or the blank pixel past its area).
    assert all(src.startswith(("data:image/png", "data:image/gif")) for src in sources)
    # The city's outline (not clickable) is drawn too.
    assert page.locator("path:not(.leaflet-interactive)").count() >= 1
    assert page.errors == []
    assert page.refused == []
