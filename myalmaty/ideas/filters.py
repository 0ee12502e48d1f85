"""The filters shared by the list, the map and the API, read from the query string.

They live in the URL so a filtered map or list can be shared; the map page hands the same
parameters to `/api/ideas`. Parsing checks the form of each value; `queries.check_filters`
then checks that a named category or quarter exists.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from flask_babel import lazy_gettext as _l

from myalmaty.core.errors import InvalidParameter
from myalmaty.core.geo import BBox
from myalmaty.core.models import LabelledEnum
from myalmaty.core.numbers import bounded_number
from myalmaty.core.text import clean_line
from myalmaty.domain.ideas import IdeaStage

MAX_QUERY_LENGTH = 200
MAX_SLUG_LENGTH = 60
MAX_ZOOM = 22
# `quarter=none`: ideas that lie in no creative quarter (yet).
NO_QUARTER = "none"


class Sort(LabelledEnum):
    NEWEST = "newest"
    SUPPORTED = "supported"
    DISCUSSED = "discussed"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.NEWEST: _l("Newest first"),
            cls.SUPPORTED: _l("Most supported"),
            cls.DISCUSSED: _l("Most discussed"),
        }


@dataclass(frozen=True)
class IdeaFilters:
    category: str = ""
    quarter: str = ""
    stage: IdeaStage | None = None
    q: str = ""

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments (empty ones left out) for url_for."""
        args = {key: value for key, value in asdict(self).items() if value}
        if self.stage is not None:
            args["stage"] = self.stage.value
        return args

    def args_with(self, **changes: str) -> dict[str, str]:
        """The query-string arguments with some filters replaced (links to a narrower view)."""
        return {**self.as_args(), **changes}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def _slug(args: Mapping[str, str], name: str) -> str:
    value = clean_line(args.get(name))
    if len(value) > MAX_SLUG_LENGTH:
        raise InvalidParameter(name, _l("This value is too long."))
    return value


def parse_filters(args: Mapping[str, str]) -> IdeaFilters:
    stage_text = clean_line(args.get("stage"))
    stage = None
    if stage_text:
        try:
            stage = IdeaStage(stage_text)
        except ValueError:
            raise InvalidParameter(
                "stage",
                _l("Unknown stage. Use one of: %(values)s."),
                values=", ".join(s.value for s in IdeaStage),
            ) from None
    q = clean_line(args.get("q"))
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidParameter(
            "q", _l("The search text is too long (at most %(max)s characters)."),
            max=MAX_QUERY_LENGTH,
        )
    return IdeaFilters(
        category=_slug(args, "category"), quarter=_slug(args, "quarter"), stage=stage, q=q
    )


def parse_sort(args: Mapping[str, str]) -> Sort:
    text = clean_line(args.get("sort")) or Sort.NEWEST.value
    try:
        return Sort(text)
    except ValueError:
        raise InvalidParameter(
            "sort", _l("Unknown order. Use one of: %(values)s."),
            values=", ".join(s.value for s in Sort),
        ) from None


def parse_bbox(args: Mapping[str, str]) -> BBox | None:
    """`bbox=minLon,minLat,maxLon,maxLat` (RFC 7946 order), or None when absent."""
    text = clean_line(args.get("bbox"))
    if not text:
        return None
    message = _l(
        "The bounding box must be four numbers: minLon,minLat,maxLon,maxLat, with longitudes "
        "from -180 to 180, latitudes from -90 to 90, and each minimum below its maximum."
    )
    parts = text.split(",")
    if len(parts) != 4:
        raise InvalidParameter("bbox", message)
    try:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError:
        raise InvalidParameter("bbox", message) from None
    values = (min_lon, min_lat, max_lon, max_lat)
    if (
        not all(math.isfinite(v) for v in values)
        or not (-180 <= min_lon <= max_lon <= 180)
        or not (-90 <= min_lat <= max_lat <= 90)
    ):
        raise InvalidParameter("bbox", message)
    return BBox(min_lon, min_lat, max_lon, max_lat)


def parse_zoom(args: Mapping[str, str]) -> int:
    """`zoom=` of a map view: a whole number from 0 to MAX_ZOOM (required)."""
    zoom = bounded_number(clean_line(args.get("zoom")), 0, MAX_ZOOM)
    if zoom is None:
        raise InvalidParameter("zoom", _l("The zoom must be a whole number from 0 to %(max)s."),
                               max=MAX_ZOOM)
    return zoom


def require_bbox(args: Mapping[str, str]) -> BBox:
    bbox = parse_bbox(args)
    if bbox is None:
        raise InvalidParameter("bbox", _l("Give the map's view as bbox=minLon,minLat,maxLon,maxLat."))
    return bbox
