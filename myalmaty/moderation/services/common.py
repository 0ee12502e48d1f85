"""What every moderation service shares: permission, version checks, state checks, flushing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from myalmaty.core.errors import Conflict, DomainError, NotFound
from myalmaty.core.models import LabelledEnum
from myalmaty.core.permissions import Role, require
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.reference import Recommendation
from myalmaty.domain.themes import IdeaGroup
from myalmaty.extensions import db
from myalmaty.moderation import queries

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User

IDEA_CHANGED = _l(
    "The idea “%(title)s” was changed by someone else since you opened the page. "
    "Reload the page to see the change, then try again."
)
GROUP_CHANGED = _l(
    "The theme “%(title)s” was changed by someone else since you opened the page. "
    "Reload the page to see the change, then try again."
)
NOTHING_CHANGED = _l("Nothing was changed.")
STALE = _l("Someone else changed this in the meantime. Reload the page and try again.")


def require_moderator(actor: User | None) -> None:
    """Organisers pass too: roles are ordered."""
    require(actor, Role.MODERATOR)


def check_idea_version(idea: Idea, version: int | None) -> None:
    """The form carries the version the moderator saw; a different one means someone acted since."""
    if version is not None and version != idea.version:
        raise Conflict(IDEA_CHANGED, title=idea.title)


def check_group_version(group: IdeaGroup, version: int | None) -> None:
    if version is not None and version != group.version:
        raise Conflict(GROUP_CHANGED, title=group.title)


def require_status(idea: Idea, allowed: Iterable[IdeaStatus], message: str) -> None:
    """Refuse a decision on an idea in the wrong state; `message` may use %(title)s/%(status)s."""
    if idea.status not in tuple(allowed):
        raise DomainError(message, title=idea.title, status=lazy_label(idea.status))


def lazy_label(member: LabelledEnum) -> Any:
    """An enum's label still untranslated: the message is read in the language of whoever
    sees it, not the one current when it was raised."""
    return type(member)._labels()[member]


def require_active_group(group: IdeaGroup) -> None:
    if not group.is_active:
        raise DomainError(_l("The theme “%(title)s” has been dissolved."), title=group.title)


# An id typed into a decision form that names nothing refuses the decision (NotFound: the
# form comes back as typed, with this message), while an id in the address that names nothing
# is a page that does not exist (routes: `or_404(queries.idea_by_id(...))`).


def get_idea(idea_id: int) -> Idea:
    """The idea a form names by number (the original of a duplicate, an idea to add)."""
    idea = queries.idea_by_id(idea_id)
    if idea is None:
        raise NotFound(_l("There is no idea number %(id)s."), id=idea_id)
    return idea


def get_group(group_id: int) -> IdeaGroup:
    """The theme a form chose."""
    group = queries.group_by_id(group_id)
    if group is None:
        raise NotFound(_l("There is no theme number %(id)s."), id=group_id)
    return group


def get_recommendation(recommendation_id: int) -> Recommendation:
    """The recommendation a form chose."""
    recommendation = queries.recommendation_by_id(recommendation_id)
    if recommendation is None:
        raise NotFound(_l("There is no recommendation number %(id)s."), id=recommendation_id)
    return recommendation


def flush() -> None:
    """Write the changes now; a row whose version moved underneath us becomes a Conflict.

    The version check above catches what changed before this request loaded the row;
    StaleDataError catches what changed between that load and this write.
    """
    try:
        db.session.flush()
    except StaleDataError as error:
        # The caller rolls back (a route, or the bulk savepoint).
        raise Conflict(STALE) from error
