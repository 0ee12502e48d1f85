"""Maps with folium, served without any other host.

folium builds the map skeleton (the Leaflet map, tiles, static layers); we render only its
`html` and `script` parts into our own templates, because folium's header restyles the whole
page and points at CDNs. Leaflet and Leaflet.markercluster come from the XStatic packages and
are served by the app (`/vendor/...`). Residents' text never goes through folium: pages load
ideas as JSON and build popups in static/js with `textContent`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import folium
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster
from branca.element import Figure
from flask import Blueprint, Flask, current_app, send_from_directory
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from folium.plugins import MarkerCluster
from markupsafe import Markup

from myalmaty.core import tiles
from myalmaty.core.geo import city_boundary, city_centre
from myalmaty.core.i18n import plural_forms

VENDOR_DIRS: dict[str, Path] = {
    "leaflet": Path(xs_leaflet.BASE_DIR),
    "markercluster": Path(xs_markercluster.BASE_DIR),
}
# The files a page with a map needs, in load order (also what the offline export inlines).
VENDOR_CSS = [
    ("leaflet", "leaflet.css"),
    ("markercluster", "MarkerCluster.css"),
    ("markercluster", "MarkerCluster.Default.css"),
]
VENDOR_JS = [("leaflet", "leaflet.js"), ("markercluster", "leaflet.markercluster.js")]

vendor_bp = Blueprint("vendor", __name__)


@vendor_bp.get("/vendor/<any(leaflet, markercluster):package>/<path:filename>")
def vendor_file(package: str, filename: str) -> ResponseReturnValue:
    return send_from_directory(VENDOR_DIRS[package], filename, max_age=7 * 24 * 3600)


class LocalMap(folium.Map):
    """A folium map whose own asset list points at our local copy of Leaflet only.

    Subclassing (rather than `add_js_link`) keeps folium's class-level lists, shared by every
    map in the process, untouched; jQuery and Bootstrap are dropped since we draw no folium
    popups.
    """

    default_js = [("leaflet", "/vendor/leaflet/leaflet.js")]
    default_css = [("leaflet_css", "/vendor/leaflet/leaflet.css")]


class LocalMarkerCluster(MarkerCluster):
    default_js = [("markerclusterjs", "/vendor/markercluster/leaflet.markercluster.js")]
    default_css = [
        ("markerclustercss", "/vendor/markercluster/MarkerCluster.css"),
        ("markerclusterdefaultcss", "/vendor/markercluster/MarkerCluster.Default.css"),
    ]


@dataclass(frozen=True)
class MapParts:
    """What a template needs to show a folium map: its div, its script, its JS name."""

    html: Markup
    script: Markup
    name: str


def base_map(
    location: tuple[float, float] | None = None,
    zoom: int = 12,
    tile_url: str | None = None,
    attribution: str | None = None,
    min_native_zoom: int | None = None,
    max_native_zoom: int | None = None,
    **options: Any,
) -> LocalMap:
    """A map of Almaty with the configured tile server (no tiles from anywhere else)."""
    config = current_app.config
    m = LocalMap(
        location=list(location or city_centre()),
        zoom_start=zoom,
        tiles=None,
        # Our own metric scale bar, its units translated (static/js/map-controls.js).
        control_scale=False,
        prefer_canvas=False,
        **options,
    )
    folium.TileLayer(
        tiles=tile_url or config["TILE_URL"],
        attr=attribution or config["TILE_ATTRIBUTION"],
        max_zoom=19,
        # A local tile file stops at some zoom; past it Leaflet enlarges its deepest tiles.
        max_native_zoom=max_native_zoom or config.get("TILE_MAX_ZOOM"),
        min_native_zoom=min_native_zoom,
        name="tiles",
    ).add_to(m)
    add_city_boundary(m)
    return m


CITY_STYLE = {"color": "#1f2933", "weight": 2, "opacity": 0.7, "fill": False}


@lru_cache(maxsize=1)
def city_outline() -> dict[str, Any]:
    """Almaty's boundary (our own data file), rounded to plain numbers for the page's script."""
    from shapely.geometry import mapping

    geometry = mapping(city_boundary())
    return {"type": "Feature", "properties": {},
            "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])}}


def _add_outline(m: folium.Map, geojson: dict[str, Any], name: str, style: dict[str, Any]) -> None:
    """An outline drawn under everything else, which clicks pass through to the map (the
    location picker places its pin on click)."""
    folium.GeoJson(
        geojson,
        name=name,
        style_function=lambda _feature: style,
        highlight_function=None,
        zoom_on_click=False,
        control=False,
        interactive=False,
    ).add_to(m)


def add_city_boundary(m: folium.Map) -> None:
    """Every map draws the city's outline, so that it reads even with no tiles at all."""
    _add_outline(m, city_outline(), "city", CITY_STYLE)


def render_parts(m: folium.Map) -> MapParts:
    """Render the map's `html` and `script` parts only (never folium's page header)."""
    # folium puts every map in a Figure; branca types get_root() as any Element.
    figure = cast(Figure, m.get_root())
    figure.render()
    return MapParts(
        html=Markup(figure.html.render()),
        script=Markup(figure.script.render()),
        name=m.get_name(),
    )


_CONTROL_TEXTS = "myalmaty.map_control_texts"


def control_texts() -> dict[str, str]:
    """What Leaflet would say in English, in the page's language: every map frame carries these
    as data attributes (the offline map export too), and static/js/map-controls.js puts them on
    the map's controls and scale bar and on the labels of clusters of ideas, with the plural
    forms of "N ideas". The same for every page in a language, so made once per language."""
    by_language: dict[str, dict[str, str]] = current_app.extensions.setdefault(_CONTROL_TEXTS, {})
    language = str(get_locale())
    texts = by_language.get(language)
    if texts is None:
        texts = by_language[language] = _control_texts()
    return texts


def _control_texts() -> dict[str, str]:
    return {
        "text-zoom-in": _("Zoom in"),
        "text-zoom-out": _("Zoom out"),
        "text-library": _("Leaflet, the library that draws this map"),
        # The scale bar: a distance in metres and in kilometres, with the units' short forms.
        "text-metres": _("%(distance)s m", distance="{distance}"),
        "text-kilometres": _("%(distance)s km", distance="{distance}"),
        "text-ideas": json.dumps(plural_forms(
            lambda n: ngettext("%(count)s idea", "%(count)s ideas", n, count="{count}")),
            ensure_ascii=False),
        "text-cluster": _("%(ideas)s. Zoom in to see them.", ideas="{ideas}"),
    }


def init_app(app: Flask) -> None:
    app.register_blueprint(vendor_bp)
    app.jinja_env.globals["map_control_texts"] = control_texts
    tiles.init_app(app)


# --- maps of ideas ---------------------------------------------------------------------------
# Only reference geometry reaches folium here (quarters' outlines, rebuilt as plain numbers);
# ideas come as JSON to static/js/ideas-map.js, and quarters' names are written by our templates.

QUARTER_STYLE = {"color": "#0b5c4a", "weight": 2, "opacity": 0.8, "fill": True,
                 "fillOpacity": 0.06, "dashArray": "6 4"}


def _rounded(coords: Any) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), 6) for c in coords[:2]]
    return [_rounded(c) for c in coords]


def quarter_outlines(quarters: list[Any]) -> dict[str, Any]:
    """The quarters' boundaries as a GeoJSON FeatureCollection of bare geometries.

    Rebuilt through shapely so that nothing but numbers goes into the page's script.
    """
    from shapely.geometry import mapping, shape

    features = []
    for quarter in quarters:
        geometry = mapping(shape(json.loads(quarter.boundary_geojson)))
        features.append({
            "type": "Feature",
            "properties": {},
            "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])},
        })
    return {"type": "FeatureCollection", "features": features}


def add_quarter_outlines(m: folium.Map, quarters: list[Any]) -> None:
    if not quarters:
        return
    _add_outline(m, quarter_outlines(quarters), "quarters", QUARTER_STYLE)


def ideas_overview_map(quarters: list[Any]) -> LocalMap:
    """The public map's skeleton: tiles and quarters; ideas are added by static/js/ideas-map.js."""
    m = base_map(zoom=12)
    add_quarter_outlines(m, quarters)
    return m


def location_picker_map(quarters: list[Any], point: tuple[float, float] | None) -> LocalMap:
    """The submit form's map; static/js/location-picker.js places and drags the pin."""
    m = base_map(location=point, zoom=15 if point else 12)
    add_quarter_outlines(m, quarters)
    return m


POINT_ZOOM = 15
# Where the skeleton of the point map is drawn, to be replaced by each page's point: a place no
# idea can be (the other side of the world), written with digits nothing else in the script has.
_PLACEHOLDER = (-12.3456789, -98.7654321)
_POINT_MAPS = "myalmaty.point_maps"
_point_maps_lock = threading.Lock()


@dataclass(frozen=True)
class PointMapSkeleton:
    """The small map of one place as folium renders it, split around its centre.

    Everything in it but the centre depends on configuration only (the tiles, the city's
    outline), so folium renders it once per process; each page puts its own point in between,
    written as JSON numbers. The marker is drawn by static/js/idea-point.js from the frame's
    data attributes, as before."""

    html: Markup
    before_centre: str
    after_centre: str
    name: str

    def at(self, lat: float, lon: float) -> MapParts:
        centre = json.dumps([float(lat), float(lon)])
        return MapParts(html=self.html,
                        script=Markup(self.before_centre + centre + self.after_centre),
                        name=self.name)


def _point_skeleton() -> PointMapSkeleton:
    parts = render_parts(base_map(location=_PLACEHOLDER, zoom=POINT_ZOOM))
    placeholder = json.dumps(list(_PLACEHOLDER))
    if str(parts.script).count(placeholder) != 1:
        raise RuntimeError("folium no longer writes the map's centre once as a JSON array")
    before, after = str(parts.script).split(placeholder)
    return PointMapSkeleton(html=parts.html, before_centre=before, after_centre=after,
                            name=parts.name)


def point_map_parts(lat: float, lon: float) -> MapParts:
    """A small map centred on one idea (its page, its review); static/js/idea-point.js and
    idea-points-map.js draw the markers. The skeleton is kept per app and per tile
    configuration (tests and the tile file may change it)."""
    config = current_app.config
    key = (config["TILE_URL"], config["TILE_ATTRIBUTION"], config.get("TILE_MAX_ZOOM"))
    skeletons: dict[Any, PointMapSkeleton] = current_app.extensions.setdefault(_POINT_MAPS, {})
    skeleton = skeletons.get(key)
    if skeleton is None:
        with _point_maps_lock:
            skeleton = skeletons.get(key)
            if skeleton is None:
                skeleton = skeletons[key] = _point_skeleton()
    return skeleton.at(lat, lon)
