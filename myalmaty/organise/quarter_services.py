"""Creative quarters: their boundaries, and which ideas fall inside them.

A boundary is checked by `core.geo.parse_boundary` (a valid polygon inside Almaty) and stored
normalised (the geometry only, never a Feature's properties). Changing it re-assigns the ideas
it concerns; archiving keeps every idea's quarter as it is.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from myalmaty.core.errors import FieldError
from myalmaty.core.geo import (
    InvalidBoundary,
    geometry_summary,
    parse_boundary,
    point_in_boundary,
)
from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role, require
from myalmaty.domain import published_counts
from myalmaty.domain.audit import record_event
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.lookups import first_quarter_covering
from myalmaty.domain.reference import Quarter
from myalmaty.extensions import db
from myalmaty.organise import queries
from myalmaty.organise.services import require_translations

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User

BOUNDARY_MAX_BYTES = 2 * 1024 * 1024
_UPDATE_CHUNK = 500
_SELF_INTERSECTION = re.compile(r"Self-intersection\[(?P<lon>[-\d.e]+) (?P<lat>[-\d.e]+)\]")


class BoundaryError(FieldError):
    """A boundary that cannot be used; the message says why, in the reader's language."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__("boundary", message, 400, **params)


@dataclass(frozen=True)
class QuarterDetails:
    slug: str
    name_ru: str
    name_kk: str
    name_en: str
    description_ru: str = ""
    description_kk: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Reassignment:
    """What a boundary change did to the ideas: how many joined the quarter, how many left."""

    joined: int = 0
    left: int = 0


def read_boundary(text: str) -> BaseGeometry:
    """The boundary as a geometry, or a BoundaryError that tells the organiser what to fix."""
    if not text.strip():
        raise BoundaryError(_l("Upload a .geojson file or paste the boundary."))
    if len(text.encode("utf-8")) > BOUNDARY_MAX_BYTES:
        raise BoundaryError(_l("The boundary is larger than %(size)s MB."), size=BOUNDARY_MAX_BYTES // 2**20)
    try:
        json.loads(text)
    except ValueError as error:
        line = getattr(error, "lineno", "?")
        column = getattr(error, "colno", "?")
        raise BoundaryError(
            _l("This is not GeoJSON: the text is not valid JSON (line %(line)s, column %(column)s)."),
            line=line, column=column,
        ) from error
    try:
        return parse_boundary(text)
    except InvalidBoundary as error:
        raise _explain(error) from error


def _explain(error: InvalidBoundary) -> BoundaryError:
    if error.code == "not_one_feature":
        return BoundaryError(_l("The file holds several shapes or none; keep only the quarter's outline."))
    if error.code == "not_polygon":
        return BoundaryError(
            _l("The boundary must be an area (a GeoJSON Polygon or MultiPolygon), not a point or a line.")
        )
    if error.code == "invalid":
        crossing = _SELF_INTERSECTION.match(error.detail)
        if crossing:
            return BoundaryError(
                _l("The outline crosses itself near %(lat)s, %(lon)s. "
                   "Redraw it so that its edges do not cross."),
                lat=f"{float(crossing['lat']):.5f}", lon=f"{float(crossing['lon']):.5f}",
            )
        return BoundaryError(_l("The outline is not a valid polygon (%(detail)s)."), detail=error.detail)
    if error.code == "outside_city":
        return BoundaryError(
            _l("The boundary goes outside Almaty. A creative quarter must lie inside the city.")
        )
    return BoundaryError(_l("The boundary cannot be used."))


def _set_boundary(quarter: Quarter, geometry: BaseGeometry) -> None:
    quarter.boundary_geojson = json.dumps(mapping(geometry))
    for name, value in geometry_summary(geometry).items():
        setattr(quarter, name, value)


def _bbox(quarter: Quarter) -> list[float]:
    return [quarter.min_lon, quarter.min_lat, quarter.max_lon, quarter.max_lat]


def _apply_details(quarter: Quarter, details: QuarterDetails) -> None:
    require_translations(details, "name")
    if queries.slug_taken(Quarter, details.slug.strip(), quarter.id):
        raise FieldError("slug", _l("The short name %(slug)s is already used."), slug=details.slug)
    for name, value in asdict(details).items():
        setattr(quarter, name, value.strip())


def create_quarter(
    actor: User, details: QuarterDetails, boundary_text: str
) -> tuple[Quarter, Reassignment]:
    """A new quarter; ideas without a quarter that lie inside it join it."""
    require(actor, Role.ORGANISER)
    geometry = read_boundary(boundary_text)
    quarter = Quarter()
    _apply_details(quarter, details)
    _set_boundary(quarter, geometry)
    db.session.add(quarter)
    db.session.flush()
    result = _reassign_ideas(quarter)
    record_event(actor, "quarter.boundary", after={"quarter_id": quarter.id, "bbox": _bbox(quarter),
                                                   **asdict(result)})
    return quarter, result


def update_quarter(
    actor: User, quarter: Quarter, details: QuarterDetails, boundary_text: str | None
) -> Reassignment | None:
    """Change a quarter's names and, if given, its boundary.

    Returns what the new boundary did to the ideas, or None when the boundary did not change.
    """
    require(actor, Role.ORGANISER)
    geometry = read_boundary(boundary_text) if boundary_text and boundary_text.strip() else None
    _apply_details(quarter, details)
    if geometry is None or json.dumps(mapping(geometry)) == quarter.boundary_geojson:
        db.session.flush()
        return None
    before = {"quarter_id": quarter.id, "bbox": _bbox(quarter)}
    _set_boundary(quarter, geometry)
    db.session.flush()
    # An archived quarter takes no part in assignment; its ideas keep it until it is restored.
    result = Reassignment() if quarter.archived else _reassign_ideas(quarter)
    record_event(actor, "quarter.boundary", before=before,
                 after={"quarter_id": quarter.id, "bbox": _bbox(quarter), **asdict(result)})
    return result


def set_quarter_archived(actor: User, quarter: Quarter, archived: bool) -> Reassignment:
    """Archive (no longer offered nor used for new ideas; ideas keep it) or restore it.

    Restoring lets ideas without a quarter that lie inside it join it again.
    """
    require(actor, Role.ORGANISER)
    quarter.archived = archived
    db.session.flush()
    return Reassignment() if archived else _reassign_ideas(quarter)


def _reassign_ideas(quarter: Quarter) -> Reassignment:
    """Bring the ideas in line with the quarter's (flushed) boundary.

    Ideas without a quarter whose point is inside join it; ideas of this quarter whose point is
    now outside go to whichever active quarter covers them, as `quarter_containing` would
    choose (the candidates are loaded once instead of once per idea), or to none. Ideas of other
    quarters are left alone.
    """
    joined: list[int] = []
    moved: dict[int | None, list[int]] = defaultdict(list)
    others: list[Quarter] | None = None
    for idea_id, lat, lon, quarter_id in queries.idea_points_for_reassignment(quarter):
        inside = point_in_boundary(quarter.boundary_geojson, lat, lon)
        if quarter_id is None and inside:
            joined.append(idea_id)
        elif quarter_id == quarter.id and not inside:
            if others is None:
                others = [q for q in queries.quarters_for_assignment() if q.id != quarter.id]
            target = first_quarter_covering(others, lat, lon)
            moved[target.id if target else None].append(idea_id)
    _set_quarter(joined, None, quarter.id)
    for target_id, idea_ids in moved.items():
        _set_quarter(idea_ids, quarter.id, target_id)
    return Reassignment(joined=len(joined), left=sum(len(ids) for ids in moved.values()))


def _set_quarter(idea_ids: list[int], from_id: int | None, to_id: int | None) -> None:
    # The version goes up as with any other change, so a moderator's open form notices. A bulk
    # UPDATE skips the flush that keeps the dashboard's counts: the published ideas it moved
    # (as they are when it runs, the rows locked) move their counts.
    for start in range(0, len(idea_ids), _UPDATE_CHUNK):
        statuses = db.session.scalars(
            sa.update(Idea)
            .where(Idea.id.in_(idea_ids[start:start + _UPDATE_CHUNK]),
                   Idea.quarter_id.is_not_distinct_from(from_id))
            .values(quarter_id=to_id, version=Idea.version + 1, updated_at=utcnow())
            .returning(Idea.status),
            execution_options={"synchronize_session": "fetch"},
        ).all()
        published_counts.move_quarter(db.session.connection(), from_id, to_id,
                                      statuses.count(IdeaStatus.PUBLISHED))

