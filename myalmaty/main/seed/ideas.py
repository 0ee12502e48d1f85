"""Demo ideas in every state, with supports and comments from demo residents.

Each idea is inserted in its final state, with counters that match its rows, and every
moderation decision that led there is written to the audit log with the demo moderator as
actor, dated when it would have been taken.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from myalmaty.core.permissions import Role
from myalmaty.domain.accounts import User
from myalmaty.domain.ideas import (
    Comment,
    CommentStatus,
    Idea,
    IdeaStage,
    IdeaStatus,
    RejectionReason,
    Support,
)
from myalmaty.domain.lookups import quarter_containing
from myalmaty.domain.reference import Category
from myalmaty.extensions import db
from myalmaty.ideas.text import search_text
from myalmaty.main.seed import data, queries
from myalmaty.main.seed.timeline import between, implied, log_decision

# A reported comment is hidden a few hours after it was written.
HIDE_DELAY = dt.timedelta(hours=6)
# Statuses an idea reaches only after a moderator has seen it in the queue.
SEEN_BY_MODERATOR = (IdeaStatus.PUBLISHED, IdeaStatus.HIDDEN, IdeaStatus.DUPLICATE)


@dataclass(frozen=True)
class IdeaTimes:
    created: dt.datetime
    published: dt.datetime | None  # published, hidden, duplicate: when it became public
    decided: dt.datetime | None  # rejected, hidden, withdrawn: when that happened
    answered: dt.datetime | None  # when the stage and public answer were given

    @property
    def last_change(self) -> dt.datetime:
        moments = [self.created, self.published, self.decided, self.answered]
        return max(m for m in moments if m is not None)


def idea_times(spec: dict[str, Any], index: int, now: dt.datetime) -> IdeaTimes:
    """Dates derived from `days_ago`, shifted by a few hours per idea so none coincide."""
    status = IdeaStatus(spec.get("status", "published"))
    days_ago = spec["days_ago"]
    moment = now - dt.timedelta(days=days_ago, hours=(index * 7) % 11, minutes=(index * 13) % 60)
    published: dt.datetime | None = None
    decided: dt.datetime | None = None
    answered: dt.datetime | None = None
    if status in SEEN_BY_MODERATOR:
        published = moment
        created = moment - dt.timedelta(hours=3 + index % 20)
    else:
        created = moment
    if status is IdeaStatus.REJECTED:
        decided = created + dt.timedelta(hours=5 + index % 12)
    elif status is IdeaStatus.WITHDRAWN:
        decided = created + dt.timedelta(days=1)
    elif status is IdeaStatus.HIDDEN:
        decided = moment + dt.timedelta(days=spec["hidden_after_days"])  # published at `moment`
    if spec.get("stage", "new") != IdeaStage.NEW.value:
        shown = implied(published, f"{spec['key']} has a stage")
        answered = min(shown + dt.timedelta(days=max(1, days_ago // 3)), now)
    return IdeaTimes(created, published, decided, answered)


def ensure_ideas(
    now: dt.datetime,
    users: dict[str, User],
    categories: dict[str, Category],
    created: Counter,
) -> dict[str, Idea]:
    """Every demo idea by its key: the existing one (matched by author and title) or a new one.

    An idea that exists is left alone, with its supports and comments.
    """
    specs = data.ideas()
    moderator = users["moderator"]
    residents = [user for user in users.values() if user.role is Role.RESIDENT]
    existing = queries.ideas_by_author_and_title(user.id for user in users.values())
    ideas: dict[str, Idea] = {}
    new: list[tuple[int, dict[str, Any], Idea, IdeaTimes]] = []
    for index, spec in enumerate(specs):
        author = users[spec["author"]]
        idea = existing.get((author.id, spec["title"]))
        if idea is None:
            times = idea_times(spec, index, now)
            idea = _build_idea(spec, times, author, categories[spec["category"]])
            new.append((index, spec, idea, times))
        ideas[spec["key"]] = idea
    for _, spec, idea, _ in new:
        if "duplicate_of" in spec:
            idea.duplicate_of = ideas[spec["duplicate_of"]]
    # Oldest first, so that ids (and the references people quote) follow time.
    for _, _, idea, _ in sorted(new, key=lambda item: item[3].created):
        db.session.add(idea)
    db.session.flush()
    for index, spec, idea, times in new:
        _add_supports(spec, index, idea, residents, now)
        _add_comments(spec, idea, users, moderator, now)
        _record_decisions(spec, idea, times, moderator, now)
        created["ideas"] += 1
        created["supports"] += idea.support_count
        created["comments"] += len(spec.get("comments", []))
    db.session.flush()
    return ideas


def _build_idea(spec: dict[str, Any], times: IdeaTimes, author: User, category: Category) -> Idea:
    status = IdeaStatus(spec.get("status", "published"))
    comments = spec.get("comments", [])
    reason = spec.get("rejection_reason")
    return Idea(
        title=spec["title"],
        description=spec["description"],
        first_step=spec["first_step"],
        search_text=search_text(spec["title"], spec["description"], spec["first_step"]),
        locale=spec["locale"],
        author=author,
        category=category,
        lat=spec["lat"],
        lon=spec["lon"],
        quarter=quarter_containing(spec["lat"], spec["lon"]),
        status=status,
        rejection_reason=RejectionReason(reason) if reason else None,
        rejection_note=spec.get("rejection_note", ""),
        stage=IdeaStage(spec.get("stage", "new")),
        public_answer=spec.get("public_answer", ""),
        answered_at=times.answered,
        support_count=spec.get("supports", 0),
        comment_count=sum(1 for c in comments if not c.get("hidden_reason")),
        published_at=times.published,
        created_at=times.created,
        updated_at=times.last_change,
    )


def _add_supports(
    spec: dict[str, Any], index: int, idea: Idea, residents: list[User], now: dt.datetime
) -> None:
    """`supports` distinct residents other than the author, a different set for each idea."""
    wanted = spec.get("supports", 0)
    others = [user for user in residents if user is not idea.author]
    if wanted > len(others):
        raise ValueError(f"{spec['key']}: {wanted} supports wanted, {len(others)} residents")
    start = (index * 5) % len(others)
    supporters = (others[start:] + others[:start])[:wanted]
    for n, user in enumerate(supporters, start=1):
        at = between(implied(idea.published_at, f"{spec['key']} has supports"), now, n / (wanted + 1))
        db.session.add(Support(user_id=user.id, idea_id=idea.id, created_at=at))


def _add_comments(
    spec: dict[str, Any], idea: Idea, users: dict[str, User], moderator: User, now: dt.datetime
) -> None:
    thread = spec.get("comments", [])
    for n, item in enumerate(thread, start=1):
        at = between(implied(idea.published_at, f"{spec['key']} has comments"), now, n / (len(thread) + 2))
        hidden_reason = item.get("hidden_reason", "")
        comment = Comment(
            idea=idea,
            author=users[item["author"]],
            body=item["body"],
            status=CommentStatus.HIDDEN if hidden_reason else CommentStatus.VISIBLE,
            hidden_reason=hidden_reason,
            created_at=at,
            updated_at=at + HIDE_DELAY if hidden_reason else at,
        )
        db.session.add(comment)
        if hidden_reason:
            log_decision(
                now, moderator, "comment.hide", at + HIDE_DELAY, comment=comment,
                before={"status": CommentStatus.VISIBLE}, after={"status": CommentStatus.HIDDEN},
                note=hidden_reason,
            )


def _record_decisions(
    spec: dict[str, Any], idea: Idea, times: IdeaTimes, moderator: User, now: dt.datetime
) -> None:
    """The audit entries of the decisions that brought the idea to its state."""
    pending = {"status": IdeaStatus.PENDING}
    missing = f"{spec['key']} is {idea.status.value} without a date for it"
    if idea.status in (IdeaStatus.PUBLISHED, IdeaStatus.HIDDEN):
        log_decision(now, moderator, "idea.publish", implied(times.published, missing), idea=idea,
                     before=pending, after={"status": IdeaStatus.PUBLISHED})
    if idea.status is IdeaStatus.HIDDEN:
        log_decision(now, moderator, "idea.hide", implied(times.decided, missing), idea=idea,
                     before={"status": IdeaStatus.PUBLISHED}, after={"status": IdeaStatus.HIDDEN},
                     note=spec.get("moderation_note", ""))
    elif idea.status is IdeaStatus.REJECTED:
        log_decision(now, moderator, "idea.reject", implied(times.decided, missing), idea=idea,
                     before=pending, after={"status": idea.status, "rejection_reason": idea.rejection_reason},
                     note=idea.rejection_note)
    elif idea.status is IdeaStatus.DUPLICATE:
        log_decision(now, moderator, "idea.duplicate", implied(times.published, missing), idea=idea,
                     before=pending,
                     after={"status": idea.status, "duplicate_of_id": idea.duplicate_of_id},
                     note=spec.get("moderation_note", ""))
    if times.answered is not None:
        log_decision(now, moderator, "idea.stage", times.answered, idea=idea,
                     before={"stage": IdeaStage.NEW, "public_answer": ""},
                     after={"stage": idea.stage, "public_answer": idea.public_answer})
