"""Builders for test data (`make_idea(status=IdeaStatus.PUBLISHED)`): valid defaults, any
field overridable. Each adds to the session and flushes, so the object has its id."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

from myalmaty.auth.passwords import hash_password
from myalmaty.core.geo import geometry_summary
from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role
from myalmaty.domain.accounts import User
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.counts import recount
from myalmaty.domain.ideas import (
    Comment,
    Idea,
    IdeaStage,
    IdeaStatus,
    RejectionReason,
    Report,
    ReportReason,
    Support,
)
from myalmaty.domain.reference import (
    AgendaItem,
    Category,
    Forum,
    Quarter,
    Recommendation,
)
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.extensions import db
from myalmaty.ideas.text import search_text

_seq = itertools.count(1)

TEST_PASSWORD = "correct horse battery"
# Panfilov Park, in the centre of Almaty.
CENTRE = (43.2583, 76.9536)
# A square around Panfilov Park (lon, lat), well inside the city.
PANFILOV_SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[76.945, 43.252], [76.962, 43.252], [76.962, 43.265], [76.945, 43.265], [76.945, 43.252]]
    ],
}


def _save(obj: Any) -> Any:
    db.session.add(obj)
    db.session.flush()
    return obj


def make_user(role: Role = Role.RESIDENT, password: str = TEST_PASSWORD, **fields: Any) -> User:
    n = next(_seq)
    fields.setdefault("email", f"person{n}@example.kz")
    fields.setdefault("display_name", f"Resident {n}")
    fields.setdefault("consented_at", utcnow())
    return _save(User(role=role, password_hash=hash_password(password), **fields))


def make_category(**fields: Any) -> Category:
    n = next(_seq)
    fields.setdefault("slug", f"category-{n}")
    fields.setdefault("name_ru", f"Категория {n}")
    fields.setdefault("name_kk", f"Санат {n}")
    fields.setdefault("name_en", f"Category {n}")
    return _save(Category(**fields))


def make_quarter(geometry: dict | None = None, **fields: Any) -> Quarter:
    from shapely.geometry import shape

    n = next(_seq)
    geometry = geometry or PANFILOV_SQUARE
    fields.setdefault("slug", f"quarter-{n}")
    fields.setdefault("name_ru", f"Квартал {n}")
    fields.setdefault("name_kk", f"Орам {n}")
    fields.setdefault("name_en", f"Quarter {n}")
    return _save(
        Quarter(boundary_geojson=json.dumps(geometry), **geometry_summary(shape(geometry)), **fields)
    )


def make_idea(status: IdeaStatus = IdeaStatus.PUBLISHED, **fields: Any) -> Idea:
    n = next(_seq)
    fields.setdefault("title", f"Idea {n}: a courtyard cinema")
    fields.setdefault("description", "Open-air screenings in the courtyard on summer evenings.")
    fields.setdefault("first_step", "Ask the neighbours which evening suits them.")
    if "author" not in fields and "author_id" not in fields:
        fields["author"] = make_user()
    if "category" not in fields and "category_id" not in fields:
        fields["category"] = make_category()
    fields.setdefault("lat", CENTRE[0])
    fields.setdefault("lon", CENTRE[1])
    if status is IdeaStatus.REJECTED:
        fields.setdefault("rejection_reason", RejectionReason.OFF_TOPIC)
    if status in (IdeaStatus.PUBLISHED, IdeaStatus.HIDDEN, IdeaStatus.DUPLICATE):
        fields.setdefault("published_at", utcnow())
    fields.setdefault("stage", IdeaStage.NEW)
    idea = Idea(status=status, **fields)
    idea.search_text = search_text(idea.title, idea.description, idea.first_step)
    return _save(idea)


def make_support(idea: Idea, user: User | None = None) -> Support:
    support = _save(Support(idea_id=idea.id, user_id=(user or make_user()).id))
    recount(idea)
    return support


def make_comment(idea: Idea, author: User | None = None, **fields: Any) -> Comment:
    fields.setdefault("body", "A good idea; I would come.")
    comment = _save(Comment(idea=idea, author=author or make_user(), **fields))
    recount(idea)
    return comment


def make_report(idea: Idea | None = None, comment: Comment | None = None, **fields: Any) -> Report:
    fields.setdefault("reason", ReportReason.SPAM)
    if "reporter" not in fields:
        fields["reporter"] = make_user()
    return _save(Report(idea=idea, comment=comment, **fields))


def make_group(**fields: Any) -> IdeaGroup:
    n = next(_seq)
    fields.setdefault("title", f"Theme {n}: courtyards")
    fields.setdefault("summary", "Ideas for the courtyards of the centre.")
    return _save(IdeaGroup(**fields))


def make_forum(**fields: Any) -> Forum:
    n = next(_seq)
    fields.setdefault("title_ru", f"Форум {n}")
    fields.setdefault("title_kk", f"Форум {n}")
    fields.setdefault("title_en", f"Forum {n}")
    fields.setdefault("venue_ru", "КБТУ")
    fields.setdefault("venue_kk", "ҚБТУ")
    fields.setdefault("venue_en", "KBTU")
    fields.setdefault("held_on", dt.date(2018, 7, 21))
    return _save(Forum(**fields))


def make_recommendation(forum: Forum | None = None, **fields: Any) -> Recommendation:
    n = next(_seq)
    forum = forum or make_forum()
    fields.setdefault("position", n)
    for lang, word in (("ru", "Рекомендация"), ("kk", "Ұсыным"), ("en", "Recommendation")):
        fields.setdefault(f"title_{lang}", f"{word} {n}")
        fields.setdefault(f"text_{lang}", f"{word} {n}: text")
    return _save(Recommendation(forum=forum, **fields))


def make_link(
    recommendation: Recommendation,
    idea: Idea | None = None,
    group: IdeaGroup | None = None,
    **fields: Any,
) -> RecommendationLink:
    fields.setdefault("rationale", "Starts with a small step.")
    return _save(RecommendationLink(recommendation=recommendation, idea=idea, group=group, **fields))


def make_agenda_item(forum: Forum, idea: Idea | None = None, group: IdeaGroup | None = None,
                     **fields: Any) -> AgendaItem:
    return _save(AgendaItem(forum=forum, idea=idea, group=group, **fields))


def make_event(action: str, **fields: Any) -> ModerationEvent:
    return _save(ModerationEvent(action=action, **fields))
