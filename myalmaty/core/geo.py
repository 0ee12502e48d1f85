"""Geography: Almaty's boundary, coordinates, and which quarter a point falls in."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from shapely import prepared
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def _drop_z(geometry: dict[str, Any]) -> dict[str, Any]:
    """Shapely keeps a third coordinate if present; our boundaries are flat."""

    def strip(coords: Any) -> Any:
        if coords and isinstance(coords[0], (int, float)):
            return list(coords[:2])
        return [strip(c) for c in coords]

    return {"type": geometry["type"], "coordinates": strip(geometry["coordinates"])}


@lru_cache(maxsize=1)
def city_boundary() -> BaseGeometry:
    raw = resources.files("myalmaty.data").joinpath("almaty-boundary.geojson").read_text("utf-8")
    collection = json.loads(raw)
    return shape(_drop_z(collection["features"][0]["geometry"]))


@lru_cache(maxsize=1)
def _prepared_city() -> prepared.PreparedGeometry[BaseGeometry]:
    return prepared.prep(city_boundary())


def city_centre() -> tuple[float, float]:
    """(lat, lon) of the centre of the map: Almaty's historical centre, not the polygon's."""
    return (43.2383, 76.9456)


def is_finite_coordinate(lat: float, lon: float) -> bool:
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def is_in_almaty(lat: float, lon: float) -> bool:
    return is_finite_coordinate(lat, lon) and _prepared_city().covers(Point(lon, lat))


class InvalidBoundary(ValueError):
    """A quarter's boundary that is not a valid polygon inside Almaty; `code` says why."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def parse_boundary(text: str) -> BaseGeometry:
    """A quarter's boundary from GeoJSON text: a Geometry, Feature or one-feature collection.

    Refuses anything but a valid Polygon/MultiPolygon lying inside the city (with a little
    tolerance, since the city boundary is itself simplified).
    """
    try:
        data = json.loads(text)
    except (ValueError, TypeError) as error:
        raise InvalidBoundary("not_json", str(error)) from error
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features") or []
        if len(features) != 1:
            raise InvalidBoundary("not_one_feature")
        data = features[0]
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in {"Polygon", "MultiPolygon"}:
        raise InvalidBoundary("not_polygon")
    try:
        geometry = shape(_drop_z(data))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        raise InvalidBoundary("not_polygon", str(error)) from error
    if geometry.is_empty:
        raise InvalidBoundary("not_polygon")
    if not geometry.is_valid:
        raise InvalidBoundary("invalid", explain_validity(geometry))
    if not city_boundary().buffer(0.002).covers(geometry):
        raise InvalidBoundary("outside_city")
    return geometry


def geometry_summary(geometry: BaseGeometry) -> dict[str, float]:
    """Bounding box and a centre that lies inside the shape (for "choose a quarter")."""
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    inside = geometry.representative_point()
    centroid = geometry.centroid
    centre = centroid if geometry.covers(centroid) else inside
    return {
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "centre_lat": centre.y,
        "centre_lon": centre.x,
    }


@lru_cache(maxsize=256)
def _prepared_boundary(boundary_geojson: str) -> prepared.PreparedGeometry[BaseGeometry]:
    return prepared.prep(shape(_drop_z(json.loads(boundary_geojson))))


def point_in_boundary(boundary_geojson: str, lat: float, lon: float) -> bool:
    return _prepared_boundary(boundary_geojson).covers(Point(lon, lat))
