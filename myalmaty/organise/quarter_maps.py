"""Maps of quarters: a boundary's preview, and the choropleth of ideas per quarter.

Only geometry and colours go to folium: the shapes are organiser-entered and already checked by
`parse_boundary`; names never do (no folium tooltip or popup). The legend and the table of
names are rendered by our own template, escaped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import folium
from flask import current_app
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from myalmaty.core.maps import MapParts, base_map, render_parts
from myalmaty.domain.reference import Quarter

# Light to dark, readable on map tiles; the darkest still shows its outline.
PALETTE = ["#d9f0d3", "#a6dba0", "#5aae61", "#1b7837", "#00441b"]
NO_IDEAS = "#f2f2f2"
OUTLINE = "#0b3d2e"


@dataclass(frozen=True)
class ColourBin:
    low: int
    high: int
    colour: str


def colour_bins(highest: int, classes: int = len(PALETTE)) -> list[ColourBin]:
    """Equal-width classes from 1 to `highest` (0 has its own colour), as few as the data needs."""
    if highest <= 0:
        return []
    classes = min(classes, highest)
    uppers = sorted({math.ceil(highest * k / classes) for k in range(1, classes + 1)})
    # Spread the colours over the palette when there are fewer classes than colours.
    picks = [round(i * (len(PALETTE) - 1) / max(len(uppers) - 1, 1)) for i in range(len(uppers))]
    bins, low = [], 1
    for upper, pick in zip(uppers, picks, strict=True):
        bins.append(ColourBin(low, upper, PALETTE[pick]))
        low = upper + 1
    return bins


def colour_for(count: int, bins: Sequence[ColourBin]) -> str:
    for each in bins:
        if each.low <= count <= each.high:
            return each.colour
    return NO_IDEAS


def _bounds(quarters: Sequence[Quarter]) -> list[list[float]]:
    return [
        [min(q.min_lat for q in quarters), min(q.min_lon for q in quarters)],
        [max(q.max_lat for q in quarters), max(q.max_lon for q in quarters)],
    ]


def _shape(geometry: dict, colour: str, opacity: float) -> folium.GeoJson:
    style = {"color": OUTLINE, "weight": 2, "fillColor": colour, "fillOpacity": opacity}
    return folium.GeoJson(geometry, style_function=lambda _feature: style)


def boundary_preview(geometry: BaseGeometry) -> MapParts:
    """The boundary being entered, on the city map, zoomed to it."""
    m = base_map()
    _shape(mapping(geometry), PALETTE[2], 0.35).add_to(m)
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    m.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]])
    return render_parts(m)


def saved_boundary_preview(quarter: Quarter) -> MapParts:
    """A saved quarter's boundary (checked when it was saved), zoomed to it."""
    m = base_map()
    _shape(json.loads(quarter.boundary_geojson), PALETTE[2], 0.35).add_to(m)
    m.fit_bounds(_bounds([quarter]))
    return render_parts(m)


@dataclass(frozen=True)
class Choropleth:
    parts: MapParts
    bins: list[ColourBin]
    colours: dict[int, str]


# Rendered maps kept by each app, by what they show (the last few: they change with counts).
_KEPT_MAPS = "myalmaty.choropleths"
KEPT_MAPS = 8


def choropleth(quarters: Sequence[Quarter], counts: dict[int | None, int]) -> Choropleth:
    """Quarters coloured by their number of published ideas.

    Rendering with folium costs more than all the dashboard's counts: the same shapes in the
    same colours (most views, as colours move by class) reuse the map rendered last time."""
    bins = colour_bins(max((counts.get(q.id, 0) for q in quarters), default=0))
    colours = {q.id: colour_for(counts.get(q.id, 0), bins) for q in quarters}
    key = tuple((q.boundary_geojson, q.min_lat, q.min_lon, q.max_lat, q.max_lon, colours[q.id])
                for q in quarters)
    kept: dict[tuple, MapParts] = current_app.extensions.setdefault(_KEPT_MAPS, {})
    parts = kept.get(key)
    if parts is None:
        m = base_map()
        for quarter in quarters:
            _shape(json.loads(quarter.boundary_geojson), colours[quarter.id], 0.7).add_to(m)
        if quarters:
            m.fit_bounds(_bounds(quarters))
        parts = render_parts(m)
        if len(kept) >= KEPT_MAPS:
            kept.clear()  # one step, safe beside other threads of the process
        kept[key] = parts
    return Choropleth(parts=parts, bins=bins, colours=colours)
