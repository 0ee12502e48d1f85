"""What organisers do with forums, recommendations, agendas and categories.

Plain functions: the acting user is passed in, permissions are checked here as well as on the
routes, changes are flushed and the route commits once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Literal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from myalmaty.core.errors import DomainError, FieldError, NotFound
from myalmaty.core.numbers import EARLIEST_YEAR, LATEST_YEAR
from myalmaty.core.permissions import Role, require
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.reference import AgendaItem, Category, Forum, Recommendation
from myalmaty.domain.themes import IdeaGroup
from myalmaty.extensions import db
from myalmaty.organise import queries

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User

Direction = Literal["up", "down"]
LANGUAGE_CODES = ("ru", "kk", "en")
# A forum's date is a date typed into a form like any other (core.numbers).
EARLIEST_FORUM_YEAR = EARLIEST_YEAR
LATEST_FORUM_YEAR = LATEST_YEAR


@dataclass(frozen=True)
class ForumDetails:
    title_ru: str
    title_kk: str
    title_en: str
    held_on: dt.date
    venue_ru: str = ""
    venue_kk: str = ""
    venue_en: str = ""


@dataclass(frozen=True)
class RecommendationDetails:
    title_ru: str
    title_kk: str
    title_en: str
    text_ru: str
    text_kk: str
    text_en: str


@dataclass(frozen=True)
class CategoryDetails:
    slug: str
    name_ru: str
    name_kk: str
    name_en: str
    position: int = 0


def require_translations(details: object, *fields: str) -> None:
    """Reference data is shown in three languages: none of them may be left empty."""
    for field in fields:
        for code in LANGUAGE_CODES:
            if not str(getattr(details, f"{field}_{code}", "")).strip():
                raise DomainError(_l("Fill in Russian, Kazakh and English."))


def _apply(target: object, details: object) -> None:
    for name, value in asdict(details).items():  # type: ignore[call-overload]
        setattr(target, name, value.strip() if isinstance(value, str) else value)


# --- Forums --------------------------------------------------------------------------------


def _check_forum(details: ForumDetails) -> None:
    require_translations(details, "title")
    if not EARLIEST_FORUM_YEAR <= details.held_on.year <= LATEST_FORUM_YEAR:
        raise FieldError("held_on", _l("Enter a date between %(first)s and %(last)s."),
                          first=EARLIEST_FORUM_YEAR, last=LATEST_FORUM_YEAR)


def create_forum(actor: User, details: ForumDetails) -> Forum:
    require(actor, Role.ORGANISER)
    _check_forum(details)
    forum = Forum()
    _apply(forum, details)
    db.session.add(forum)
    db.session.flush()
    return forum


def update_forum(actor: User, forum: Forum, details: ForumDetails) -> Forum:
    require(actor, Role.ORGANISER)
    _check_forum(details)
    _apply(forum, details)
    db.session.flush()
    return forum


# --- Recommendations -----------------------------------------------------------------------


def add_recommendation(actor: User, forum: Forum, details: RecommendationDetails) -> Recommendation:
    """A new recommendation goes to the end of the forum's list."""
    require(actor, Role.ORGANISER)
    require_translations(details, "title", "text")
    position = queries.next_position(Recommendation.position, Recommendation.forum_id, forum.id)
    recommendation = Recommendation(forum=forum, position=position)
    _apply(recommendation, details)
    db.session.add(recommendation)
    db.session.flush()
    return recommendation


def update_recommendation(
    actor: User, recommendation: Recommendation, details: RecommendationDetails
) -> Recommendation:
    require(actor, Role.ORGANISER)
    require_translations(details, "title", "text")
    _apply(recommendation, details)
    db.session.flush()
    return recommendation


def _neighbour(items: list, item: object, direction: Direction) -> object | None:
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    return items[other] if 0 <= other < len(items) else None


def move_recommendation(actor: User, recommendation: Recommendation, direction: Direction) -> bool:
    """Swap with the neighbour above or below; False when already first or last.

    Positions are unique within a forum and the database checks that on every statement, so
    the swap passes through a free position.
    """
    require(actor, Role.ORGANISER)
    siblings = queries.recommendations_of(recommendation.forum_id)
    other = _neighbour(siblings, recommendation, direction)
    if other is None:
        return False
    assert isinstance(other, Recommendation)
    mine, theirs = recommendation.position, other.position
    recommendation.position = -1 - max(abs(mine), abs(theirs))
    db.session.flush()
    other.position = mine
    db.session.flush()
    recommendation.position = theirs
    db.session.flush()
    return True


# --- Agenda --------------------------------------------------------------------------------


def add_to_agenda(
    actor: User,
    forum: Forum,
    *,
    group: IdeaGroup | None = None,
    idea: Idea | None = None,
    note: str = "",
) -> AgendaItem:
    """Put an active group or a published idea at the end of the forum's agenda."""
    require(actor, Role.ORGANISER)
    if (group is None) == (idea is None):
        raise DomainError(_l("Choose either a theme or an idea for the agenda."))
    if group is not None and not group.is_active:
        raise DomainError(_l("This theme was dissolved; it cannot go on the agenda."))
    if idea is not None and idea.status is not IdeaStatus.PUBLISHED:
        raise DomainError(_l("Only published ideas can go on the agenda."))
    if queries.on_agenda(forum.id, group_id=group.id if group else None, idea_id=idea.id if idea else None):
        raise DomainError(_l("This is already on the forum's agenda."))
    item = AgendaItem(
        forum_id=forum.id,
        group_id=group.id if group else None,
        idea_id=idea.id if idea else None,
        note=note.strip(),
        added_by_id=actor.id,
        position=queries.next_position(AgendaItem.position, AgendaItem.forum_id, forum.id),
    )
    # Two organisers adding the same thing at once: the unique constraint decides.
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except sa.exc.IntegrityError as error:
        raise DomainError(_l("This is already on the forum's agenda.")) from error
    db.session.expire(forum, ["agenda"])
    return item


def update_agenda_note(actor: User, item: AgendaItem, note: str,
                       starts_at: dt.time | None = None) -> AgendaItem:
    """The point's note and its time on the forum's day (None: no time, only the order)."""
    require(actor, Role.ORGANISER)
    item.note = note.strip()
    item.starts_at = starts_at
    db.session.flush()
    return item


def move_agenda_item(actor: User, item: AgendaItem, direction: Direction) -> bool:
    require(actor, Role.ORGANISER)
    items = queries.agenda_items_of(item.forum_id)
    other = _neighbour(items, item, direction)
    if other is None:
        return False
    assert isinstance(other, AgendaItem)
    # Older rows may share a position: renumber the whole agenda, then swap.
    for number, each in enumerate(items, start=1):
        each.position = number
    item.position, other.position = other.position, item.position
    db.session.flush()
    return True


def remove_from_agenda(actor: User, item: AgendaItem) -> None:
    """Only the organisers' own agenda entry goes; the idea or group itself is untouched."""
    require(actor, Role.ORGANISER)
    db.session.delete(item)
    db.session.flush()


def find_idea_for_agenda(reference: str) -> Idea:
    idea = queries.idea_by_reference(reference)
    if idea is None:
        raise NotFound(_l("No idea has the number %(reference)s."), reference=reference.strip())
    return idea


# --- Categories ----------------------------------------------------------------------------


def _check_category(details: CategoryDetails, except_id: int | None) -> None:
    require_translations(details, "name")
    if queries.slug_taken(Category, details.slug.strip(), except_id):
        raise FieldError("slug", _l("The short name %(slug)s is already used."), slug=details.slug)


def create_category(actor: User, details: CategoryDetails) -> Category:
    require(actor, Role.ORGANISER)
    _check_category(details, None)
    category = Category()
    _apply(category, details)
    db.session.add(category)
    db.session.flush()
    return category


def update_category(actor: User, category: Category, details: CategoryDetails) -> Category:
    require(actor, Role.ORGANISER)
    _check_category(details, category.id)
    _apply(category, details)
    db.session.flush()
    return category


def set_category_archived(actor: User, category: Category, archived: bool) -> Category:
    """Archived categories are no longer offered to residents; ideas keep theirs."""
    require(actor, Role.ORGANISER)
    category.archived = archived
    db.session.flush()
    return category
