"""A self-contained HTML map for a venue with no internet: one file, nothing loaded from a host.

folium builds the map (configured tiles, quarter outlines, a marker-cluster layer); Leaflet and
markercluster's CSS and JS are inlined, with Leaflet's images as data: URIs. With TILE_FILE set,
the city's tiles are embedded too (offline_tiles.py), so the streets show with no network;
otherwise the tiles come from TILE_URL and, offline, the city's outline, the quarters and the
ideas show on a plain background.

Residents' text never goes through folium (its popups run `${...}` and its tooltips do not
escape): the ideas are embedded as JSON in a `<script type="application/json">`, with `<`, `>`
and `&` escaped so that no text can close the element, and an inlined script builds markers,
popups and the list with `textContent`. The JSON is streamed, so the file can hold any number
of ideas without holding them all in memory.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup

from myalmaty.config import PROJECT_ROOT
from myalmaty.core.maps import (
    VENDOR_CSS,
    VENDOR_DIRS,
    VENDOR_JS,
    LocalMarkerCluster,
    base_map,
    control_texts,
    render_parts,
)
from myalmaty.domain.ideas import IdeaStage
from myalmaty.exports.columns import long_day, redact_emails
from myalmaty.exports.offline_tiles import EmbeddedTiles, embedded_tiles
from myalmaty.exports.queries import IdeaRow, ReferenceData, quarter_outlines

MEDIA_TYPE = "text/html; charset=utf-8"
IDEAS_PLACEHOLDER = "\u0000IDEAS\u0000"
IDEAS_PER_CHUNK = 500

STAGE_COLOURS = {
    IdeaStage.NEW: "#64748b",
    IdeaStage.UNDER_REVIEW: "#d97706",
    IdeaStage.SELECTED_FOR_FORUM: "#7c3aed",
    IdeaStage.IN_PROGRESS: "#2563eb",
    IdeaStage.DONE: "#16a34a",
}
QUARTER_OUTLINE = {"color": "#b45309", "weight": 2, "dashArray": "6 4", "fillOpacity": 0.06}


def script_safe_json(data: Any) -> str:
    """JSON that cannot end the <script> element it sits in, nor start a comment or entity."""
    return (
        json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _inline_images(css: str, folder: Path) -> str:
    """The stylesheet with each `url(images/....png)` replaced by the image itself."""
    return re.sub(
        r"url\((['\"]?)(images/[\w.-]+\.png)\1\)",
        lambda m: f"url({_data_uri(folder / m.group(2))})",
        css,
    )


@lru_cache(maxsize=1)
def inlined_css() -> str:
    parts = []
    for package, name in VENDOR_CSS:
        folder = VENDOR_DIRS[package]
        parts.append(_inline_images((folder / name).read_text("utf-8"), folder))
    return "\n".join(parts)


def _inline_script(js: str) -> str:
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.MULTILINE)
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


@lru_cache(maxsize=1)
def inlined_js() -> str:
    """Leaflet and markercluster, then the script that every map of the app runs as it is made
    (static/js/map-controls.js: translated controls, scale bar and cluster labels)."""
    parts = [_inline_script((VENDOR_DIRS[package] / name).read_text("utf-8"))
             for package, name in VENDOR_JS]
    parts.append(_inline_script((PROJECT_ROOT / "static" / "js" / "map-controls.js").read_text("utf-8")))
    return "\n;\n".join(parts)


def marker_data(row: IdeaRow, locale: str) -> dict[str, Any]:
    return {
        "ref": row.reference,
        "title": redact_emails(row.title),
        "description": redact_emails(row.description),
        "first_step": redact_emails(row.first_step),
        "category": row.category,
        "quarter": row.quarter,
        "group": redact_emails(row.group),
        "recommendations": list(row.recommendations),
        "stage": row.stage.value,
        "stage_label": row.stage_label,
        "answer": redact_emails(row.public_answer),
        "supports": row.support_count,
        "comments": row.comment_count,
        "published": long_day(row.published_on, locale) if row.published_on else "",
        "lat": round(row.lat, 6),
        "lon": round(row.lon, 6),
        "link": row.link,
    }


# Shown until the embedded tiles replace it: a transparent pixel, so nothing is asked of a host.
BLANK_TILE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def _tile_layer_name(m: folium.Map) -> str:
    return next(child.get_name() for child in m._children.values()
                if isinstance(child, folium.TileLayer))


def _build_map(locale: str, embedded: EmbeddedTiles | None = None) -> tuple[folium.Map, str]:
    if embedded and embedded.tiles:
        m = base_map(zoom=12, tile_url=BLANK_TILE, min_native_zoom=embedded.min_zoom,
                     max_native_zoom=embedded.max_zoom)
    else:
        # A file opened from disk has no host of its own: the app's tile route, named in full.
        tile_url = current_app.config["TILE_URL"]
        if tile_url.startswith("/"):
            tile_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + tile_url
        m = base_map(zoom=12, tile_url=tile_url)
    outlines = [
        {"type": "Feature", "properties": {}, "geometry": json.loads(boundary)}
        for _name, boundary in quarter_outlines(locale)
    ]
    if outlines:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": outlines},
            name="quarters",
            style_function=lambda _feature: QUARTER_OUTLINE,
        ).add_to(m)
    cluster = LocalMarkerCluster(name="ideas", chunked_loading=True).add_to(m)
    return m, cluster.get_name()


def _labels() -> dict[str, str]:
    return {
        "category": _("Category"),
        "quarter": _("Quarter"),
        "group": _("Theme"),
        "recommendations": _("Recommendations"),
        "stage": _("Stage"),
        "first_step": _("First step"),
        "answer": _("Public answer"),
        "supports": _("Supports"),
        "comments": _("Comments"),
        "published": _("Published on"),
        "link": _("Open on the website"),
        "show": _("Show on the map"),
    }


def render_page(reference: ReferenceData, title: str, subtitle: str) -> tuple[str, str]:
    """The page around the ideas' JSON: (everything before it, everything after it)."""
    embedded = embedded_tiles()
    m, cluster_name = _build_map(reference.locale, embedded)
    parts = render_parts(m)
    config: dict[str, Any] = {"map": parts.name, "cluster": cluster_name, "labels": _labels()}
    if embedded and embedded.tiles:
        config["tiles"] = {"layer": _tile_layer_name(m), "min_zoom": embedded.min_zoom,
                           "max_zoom": embedded.max_zoom}
    template = current_app.jinja_env.get_template("exports/offline_map.html")
    page = template.render(
        locale=reference.locale,
        title=title,
        subtitle=subtitle,
        parts=parts,
        vendor_css=Markup(inlined_css()),
        vendor_js=Markup(inlined_js()),
        control_texts=control_texts(),
        config_json=Markup(script_safe_json(config)),
        ideas_json=Markup(IDEAS_PLACEHOLDER),
        tiles_json=Markup(script_safe_json(embedded.tiles if embedded else {})),
        has_tiles=bool(embedded and embedded.tiles),
        stages=[(stage, STAGE_COLOURS[stage]) for stage in IdeaStage],
        quarter_names=[name for name, _boundary in quarter_outlines(reference.locale)],
        outline_colour=QUARTER_OUTLINE["color"],
    )
    before, after = page.split(IDEAS_PLACEHOLDER)
    return before, after


def offline_map_chunks(rows: Iterable[IdeaRow], reference: ReferenceData, title: str,
                       subtitle: str = "") -> Iterator[bytes]:
    before, after = render_page(reference, title, subtitle)
    yield before.encode("utf-8")
    parts = ["["]
    separator = ""
    for count, row in enumerate(rows, start=1):
        parts.append(separator + script_safe_json(marker_data(row, reference.locale)))
        separator = ",\n"
        if count % IDEAS_PER_CHUNK == 0:
            yield "".join(parts).encode("utf-8")
            parts.clear()
    parts.append("]")
    yield "".join(parts).encode("utf-8")
    yield after.encode("utf-8")
