"""Map tiles from a local MBTiles or PMTiles file: the tile route, the pages' tile URL, the city outline."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pmtiles.tile import TileType

from myalmaty.core.maps import city_outline
from myalmaty.core.permissions import Role
from myalmaty.core.settings_check import Level, check_tiles
from myalmaty.core.tiles import TileFileError, tile_file_info
from myalmaty.extensions import db
from myalmaty.main.health import readiness
from tests.factories import make_idea, make_quarter, make_user
from tests.tilefile import city_tiles, colour_of, make_pmtiles, make_tile_file

LOCAL_TILE_URL = "/tiles/{z}/{x}/{y}.png"


@pytest.fixture(params=["mbtiles", "pmtiles"])
def app_config(request, tmp_path_factory) -> dict:
    path = make_tile_file(request.param, tmp_path_factory.mktemp("tiles") / "almaty")
    return {"TILE_FILE": str(path)}


def _colour(data: bytes) -> tuple[int, int, int]:
    return Image.open(io.BytesIO(data)).convert("RGB").getpixel((128, 128))


def test_a_tile_is_served_with_its_rows_counted_from_the_north(client):
    x, y = city_tiles(12)[3]
    response = client.get(f"/tiles/12/{x}/{y}.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    # MBTiles stores rows from the south (TMS), PMTiles from the north: a flip missed or
    # misapplied gives another tile, or none.
    assert _colour(response.data) == colour_of(12, x, y)
    assert response.cache_control.public
    assert response.cache_control.max_age == 7 * 24 * 3600
    assert response.get_etag()[0]


def test_an_unchanged_tile_is_not_sent_again(client):
    x, y = city_tiles(11)[0]
    first = client.get(f"/tiles/11/{x}/{y}.png")
    again = client.get(f"/tiles/11/{x}/{y}.png", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


@pytest.mark.parametrize("path", [
    "/tiles/12/0/0.png",          # outside the file's area
    "/tiles/9/700/380.png",       # a zoom the file does not hold
    "/tiles/23/0/0.png",          # past the deepest zoom anything has
    "/tiles/1/2/0.png",           # x past the zoom's width
    "/tiles/1/0/2.png",           # y past the zoom's height
    "/tiles/12/-1/0.png",
    "/tiles/12/99999999999999999999/0.png",
    "/tiles/12/2818/1526.jpg",    # not the file's format
])
def test_a_missing_or_impossible_tile_is_a_404(client, path):
    response = client.get(path)
    assert response.status_code == 404


@pytest.mark.parametrize("lang, message", [
    ("en", "There is no map tile here."),
    ("ru", "Здесь нет фрагмента карты."),
    ("kk", "Мұнда карта фрагменті жоқ."),
])
def test_a_missing_tile_says_so_briefly(client, lang, message):
    response = client.get(f"/tiles/12/0/0.png?lang={lang}")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == message


def test_a_tile_file_gone_since_start_gives_404s_and_a_logged_error(app, client, caplog):
    x, y = city_tiles(12)[3]
    Path(app.config["TILE_FILE"]).unlink()
    response = client.get(f"/tiles/12/{x}/{y}.png")
    assert response.status_code == 404
    assert "TILE_FILE cannot be read" in caplog.text


def test_the_map_pages_ask_the_app_for_tiles_and_no_other_host(client):
    make_quarter()
    response = client.get("/ideas/map")
    page = response.get_data(as_text=True)
    assert LOCAL_TILE_URL in page
    assert "tiles.test" not in page
    assert "Test tiles" in page  # the file's own attribution
    img_src = next(part for part in response.headers["Content-Security-Policy"].split("; ")
                   if part.startswith("img-src"))
    assert img_src == "img-src 'self' data: blob:"


def _outline_marker() -> str:
    lon, lat = city_outline()["geometry"]["coordinates"][0][0][0]
    return f"{lon}, {lat}"


def test_every_map_page_draws_the_city_boundary(client, auth):
    quarter = make_quarter()
    idea = make_idea(quarter=quarter, lat=43.2383, lon=76.9456)
    marker = _outline_marker()
    pages = {"/ideas/map": None, f"/ideas/{idea.id}": None,
             "/ideas/new": make_user(),
             f"/moderation/ideas/{idea.id}": make_user(Role.MODERATOR),
             f"/organise/quarters/{quarter.id}/edit": make_user(Role.ORGANISER),
             "/organise/": make_user(Role.ORGANISER)}
    db.session.commit()
    for path, user in pages.items():
        if user is not None:
            auth.as_user(user)
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert LOCAL_TILE_URL in page, path
        assert marker in page, path


def test_the_settings_check_and_readiness_refuse_an_unreadable_tile_file(app, tmp_path):
    good = check_tiles(app.config, {})
    assert [f.level for f in good] == [Level.OK]
    assert "zoom 10–12" in good[0].message

    broken = tmp_path / "broken.mbtiles"
    broken.write_bytes(b"not a database at all, just some bytes" * 40)
    truncated = tmp_path / "truncated.pmtiles"
    truncated.write_bytes(Path(app.config["TILE_FILE"]).read_bytes()[:40])
    for path in (broken, truncated, tmp_path / "missing.mbtiles"):
        findings = check_tiles({"TILE_FILE": str(path)}, {})
        assert [f.level for f in findings] == [Level.ERROR], path

    checks = {c.name: c for c in readiness({**app.config, "TILE_FILE": str(broken)}, db.engine,
                                          str(app.extensions["migrate"].directory))}
    assert checks["tiles"].ok is False


def test_openstreetmaps_own_servers_are_a_warning_in_production():
    findings = check_tiles({"TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"}, {})
    assert [f.level for f in findings] == [Level.WARNING]


def test_the_format_is_told_by_the_files_content_not_its_name(tmp_path):
    path = make_pmtiles(tmp_path / "almaty.pmtiles")
    renamed = path.rename(tmp_path / "almaty.mbtiles")
    info = tile_file_info(renamed)
    assert (info.format, info.min_zoom, info.max_zoom, info.attribution) == (
        "png", 10, 12, "Test tiles")


def test_a_pmtiles_file_of_vector_tiles_is_refused(tmp_path):
    path = make_pmtiles(tmp_path / "vector.pmtiles", tile_type=TileType.MVT)
    with pytest.raises(TileFileError, match="holds mvt tiles; only raster tiles"):
        tile_file_info(path)
    findings = check_tiles({"TILE_FILE": str(path)}, {})
    assert [f.level for f in findings] == [Level.ERROR]
