"""The public JSON API: published ideas as GeoJSON, ideas alike while a resident types, the
quarter of a point the picker map places, and places found by name for the maps' search box."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from myalmaty.api import bp
from myalmaty.api import queries as api_queries
from myalmaty.api.clusters import map_view
from myalmaty.api.geojson import (
    GEOJSON,
    Serialiser,
    cached_json,
    slim_collection,
    versioned_json,
)
from myalmaty.core.errors import InvalidParameter
from myalmaty.core.geo import is_in_almaty
from myalmaty.core.i18n import current_locale
from myalmaty.core.numbers import bounded_number
from myalmaty.core.text import clean_line, clean_text
from myalmaty.core.web import current_account
from myalmaty.domain import gazetteer
from myalmaty.domain.lookups import quarter_containing
from myalmaty.ideas import queries
from myalmaty.ideas.engagement import supporters_text
from myalmaty.ideas.filters import (
    IdeaFilters,
    parse_bbox,
    parse_filters,
    parse_zoom,
    require_bbox,
)
from myalmaty.ideas.location import parse_coordinate
from myalmaty.ideas.policy import is_author
from myalmaty.ideas.similarity import similar_ideas

MAX_SIMILAR_TEXT = 2000


def _error(code: int, message: str, parameter: str | None = None) -> tuple[Response, int]:
    error: dict[str, object] = {"code": code, "message": message}
    if parameter:
        error["parameter"] = parameter
    return jsonify({"error": error}), code


@bp.errorhandler(InvalidParameter)
def invalid_parameter(error: InvalidParameter) -> ResponseReturnValue:
    return _error(400, str(error), error.parameter)


def _idea_url_prefix() -> str:
    """`/ideas/` as routed (idea URLs are this plus the id; see api.geojson for why)."""
    return url_for("ideas.index")


@bp.get("/ideas")
def ideas() -> ResponseReturnValue:
    """Every published idea matching the filters, in full; within `bbox`, slim features."""
    filters = parse_filters(request.args)
    bbox = parse_bbox(request.args)
    queries.check_filters(filters)
    locale = current_locale()

    def build() -> dict[str, Any] | str:
        if bbox is not None:  # a map's view: slim features
            return slim_collection(api_queries.box_features(filters, bbox, locale))
        rows = api_queries.feature_rows(filters, locale)
        return Serialiser(_idea_url_prefix()).collection(rows)

    return versioned_json(api_queries.collection_version(), build, GEOJSON)


@bp.get("/ideas/clusters")
def clusters() -> ResponseReturnValue:
    """The map's view: clusters of ideas (or the ideas themselves) in `bbox` at `zoom`."""
    filters = parse_filters(request.args)
    bbox = require_bbox(request.args)
    zoom = parse_zoom(request.args)
    queries.check_filters(filters)
    locale = current_locale()
    return versioned_json(
        api_queries.collection_version(),
        lambda: map_view(filters, bbox, zoom, locale).as_json(zoom),
        "application/json",
    )


@bp.get("/ideas/<int:idea_id>")
def idea(idea_id: int) -> ResponseReturnValue:
    rows = api_queries.feature_rows(IdeaFilters(), current_locale(), idea_id=idea_id)
    if not rows:
        return _error(404, _("There is no published idea with this number."))
    return cached_json(Serialiser(_idea_url_prefix()).feature(rows[0]), GEOJSON)


def _optional_coordinate(name: str) -> float | None:
    try:
        return parse_coordinate(request.args.get(name))
    except ValueError:
        raise InvalidParameter(name, _l("Enter a number, such as 43.2383.")) from None


@bp.get("/ideas/similar")
def similar() -> ResponseReturnValue:
    """Published ideas that read alike and lie close by, for the submit form's warning."""
    # `text` is the title (or everything typed); `description`, if sent apart, counts less.
    text = clean_text(request.args.get("text"))
    description = clean_text(request.args.get("description"))
    for name, value in (("text", text), ("description", description)):
        if len(value) > MAX_SIMILAR_TEXT:
            raise InvalidParameter(name, _l("The text is too long (at most %(max)s characters)."),
                                   max=MAX_SIMILAR_TEXT)
    lat, lon = _optional_coordinate("lat"), _optional_coordinate("lon")
    if (lat is None) != (lon is None):
        raise InvalidParameter("lat" if lat is None else "lon",
                               _l("Give both the latitude and the longitude, or neither."))
    if lat is not None and not -90 <= lat <= 90:
        raise InvalidParameter("lat", _l("Latitude must be between -90 and 90."))
    if lon is not None and not -180 <= lon <= 180:
        raise InvalidParameter("lon", _l("Longitude must be between -180 and 180."))
    exclude = clean_line(request.args.get("exclude"))
    exclude_id = bounded_number(exclude)
    if exclude and exclude_id is None:
        raise InvalidParameter("exclude", _l("Give the idea's number."))
    exclude_ids = (exclude_id,) if exclude_id is not None else ()
    found = similar_ideas(text, lat, lon, description=description, exclude_ids=exclude_ids)
    prefix = _idea_url_prefix()
    # What the signed-in resident may do with each: support it, or see they already do.
    viewer = current_account(required=False)
    supported = queries.supported_among(viewer, [s.idea.id for s in found])
    count = len(found)
    summary = (ngettext("%(num)d similar idea nearby", "%(num)d similar ideas nearby", count)
               if lat is not None else
               ngettext("%(num)d similar published idea", "%(num)d similar published ideas",
                        count)) if count else ""
    return cached_json({
        "summary": summary,
        "signed_in": viewer is not None,
        "ideas": [
            {
                "id": s.idea.id,
                "reference": s.idea.reference,
                "title": s.idea.title,
                "url": f"{prefix}{s.idea.id}",
                "distance_m": round(s.distance_m) if lat is not None else None,
                "supporters": s.idea.support_count,
                "supporters_text": supporters_text(s.idea.support_count),
                "support_url": url_for("ideas.support", idea_id=s.idea.id),
                "yours": is_author(viewer, s.idea),
                "supported": s.idea.id in supported,
            }
            for s in found
        ]
    })


@bp.get("/place")
def place() -> ResponseReturnValue:
    """Whether a point is in Almaty and which quarter covers it, as the server will decide when
    the idea is sent: the picker shows it as soon as the pin is placed."""
    lat, lon = _optional_coordinate("lat"), _optional_coordinate("lon")
    if lat is None or not -90 <= lat <= 90:
        raise InvalidParameter("lat", _l("Latitude must be between -90 and 90."))
    if lon is None or not -180 <= lon <= 180:
        raise InvalidParameter("lon", _l("Longitude must be between -180 and 180."))
    inside = is_in_almaty(lat, lon)
    quarter = quarter_containing(lat, lon) if inside else None
    return cached_json({
        "inside_almaty": inside,
        "quarter": {"id": quarter.id, "name": quarter.name} if quarter is not None else None,
    })


# What each kind of place is called in a search result.
PLACE_KINDS = {
    "quarter": _l("Creative quarter"),
    "landmark": _l("Landmark"),
    "square": _l("Square"),
    "park": _l("Park or garden"),
    "street": _l("Street"),
    "metro": _l("Metro station"),
    "microdistrict": _l("Neighbourhood"),
    "district": _l("District"),
}


@bp.get("/places")
def places() -> ResponseReturnValue:
    """Quarters and well-known places whose name matches `q`, in any language or a common Latin
    spelling, best first: the maps' search box moves the map to the one chosen."""
    query = clean_line(request.args.get("q"))
    if len(query) < gazetteer.MIN_QUERY:
        raise InvalidParameter("q", _l("Type at least %(min)s letters of the place's name."),
                               min=gazetteer.MIN_QUERY)
    if len(query) > gazetteer.MAX_QUERY:
        raise InvalidParameter("q", _l("The text is too long (at most %(max)s characters)."),
                               max=gazetteer.MAX_QUERY)
    locale = current_locale()
    return cached_json({
        "places": [
            {
                "id": found.id,
                "name": found.name(locale),
                "kind": found.kind,
                "kind_label": str(PLACE_KINDS[found.kind]),
                "lat": found.lat,
                "lon": found.lon,
                "zoom": found.zoom,
            }
            for found in gazetteer.find_places(query, locale)
        ]
    })
