import folium

from myalmaty.core import maps
from myalmaty.core.maps import LocalMap, base_map, city_outline, point_map_parts, render_parts


def test_map_parts_load_nothing_but_the_configured_tiles(app):
    with app.test_request_context():
        parts = render_parts(base_map())
    rendered = parts.html + parts.script
    assert "http://tiles.test/{z}/{x}/{y}.png" in rendered
    assert "cdn" not in rendered.lower()
    assert "<script src" not in rendered
    assert f'id="{parts.name}"' in parts.html


def test_local_map_leaves_folium_defaults_alone(app):
    cdn_js = list(folium.Map.default_js)
    with app.test_request_context():
        base_map()
    assert folium.Map.default_js == cdn_js
    assert all(url.startswith("/vendor/") for _, url in LocalMap.default_js)


def test_leaflet_is_served_by_the_app(client):
    for path in (
        "/vendor/leaflet/leaflet.js",
        "/vendor/leaflet/leaflet.css",
        "/vendor/leaflet/images/marker-icon.png",
        "/vendor/markercluster/leaflet.markercluster.js",
        "/vendor/markercluster/MarkerCluster.Default.css",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()
    assert client.get("/vendor/jquery/jquery.js").status_code == 404


def test_every_map_draws_the_city_boundary_without_being_clickable(app):
    with app.test_request_context():
        parts = render_parts(base_map())
    lon, lat = city_outline()["geometry"]["coordinates"][0][0][0]
    assert f"{lon}, {lat}" in parts.script
    assert '"interactive": false' in parts.script


def test_the_point_map_is_drawn_by_folium_once_and_centred_on_each_point(app, monkeypatch):
    drawn = []
    real_base_map = maps.base_map
    monkeypatch.setattr(maps, "base_map", lambda **kw: drawn.append(kw) or real_base_map(**kw))
    with app.test_request_context():
        first = point_map_parts(43.2567, 76.9286)
        second = point_map_parts(43.2001, 76.8802)
    assert len(drawn) == 1
    assert "center: [43.2567, 76.9286]" in first.script
    assert "center: [43.2001, 76.8802]" in second.script
    assert first.html == second.html and f'id="{first.name}"' in first.html
    assert "http://tiles.test/{z}/{x}/{y}.png" in first.script
    assert '"zoom": 15' in first.script
    lon, lat = city_outline()["geometry"]["coordinates"][0][0][0]
    assert f"{lon}, {lat}" in first.script


def test_the_point_map_follows_a_change_of_tiles(app):
    with app.test_request_context():
        point_map_parts(43.25, 76.95)
        app.config["TILE_URL"] = "http://other-tiles.test/{z}/{x}/{y}.png"
        parts = point_map_parts(43.25, 76.95)
    assert "http://other-tiles.test/{z}/{x}/{y}.png" in parts.script
    assert "http://tiles.test/" not in parts.script
