"""What the demo moderator did with published ideas: themes, links to the forum's
recommendations, and residents' reports (some acted on, some still open)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from myalmaty.domain.accounts import User
from myalmaty.domain.ideas import (
    Comment,
    Idea,
    IdeaStage,
    IdeaStatus,
    Report,
    ReportReason,
    ReportStatus,
)
from myalmaty.domain.reference import Recommendation
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.extensions import db
from myalmaty.main.seed import data, queries
from myalmaty.main.seed.timeline import implied, log_decision

# A report that led to hiding was filed a little before the decision.
REPORT_BEFORE_DECISION = dt.timedelta(hours=2)


def ensure_moderation(
    now: dt.datetime,
    recommendations: dict[int, Recommendation],
    users: dict[str, User],
    ideas: dict[str, Idea],
    created: Counter,
) -> None:
    spec = data.moderation()
    moderator = users["moderator"]
    links = queries.links_to(recommendations.values())
    for group_spec in spec["groups"]:
        group = _ensure_group(group_spec, ideas, moderator, now, created)
        at = group.created_at + dt.timedelta(hours=2)
        for link in group_spec["links"]:
            _ensure_link(links, recommendations[link["recommendation"]], group, link["rationale"],
                         moderator, at, now, created)
    for link in spec["idea_links"]:
        idea = ideas[link["idea"]]
        if idea.status is IdeaStatus.PUBLISHED:
            at = now - dt.timedelta(days=link["days_ago"])
            _ensure_link(links, recommendations[link["recommendation"]], idea, link["rationale"],
                         moderator, at, now, created)
    _ensure_reports(spec["reports"], users, ideas, moderator, now, created)
    db.session.flush()


def _ensure_group(
    spec: dict[str, Any], ideas: dict[str, Idea], moderator: User, now: dt.datetime,
    created: Counter,
) -> IdeaGroup:
    """The theme with this title; a new one gathers those of its ideas that are published and
    in no other theme (an idea sits in at most one)."""
    group = queries.groups_by_title([spec["title"]]).get(spec["title"])
    if group is not None:
        return group
    at = now - dt.timedelta(days=spec["days_ago"])
    group = IdeaGroup(title=spec["title"], summary=spec["summary"], created_by=moderator,
                      created_at=at, updated_at=at)
    db.session.add(group)
    db.session.flush()
    log_decision(now, moderator, "group.create", at, group=group,
                 after={"title": group.title, "summary": group.summary})
    for key in spec["ideas"]:
        idea = ideas[key]
        if idea.status is IdeaStatus.PUBLISHED and idea.group_id is None:
            idea.group = group
            idea.updated_at = max(idea.updated_at, at)
            log_decision(now, moderator, "idea.group_add", at, idea=idea, group=group,
                         before={"group_id": None},
                         after={"group_id": group.id, "group_title": group.title})
    if "stage" in spec:
        answered = min(at + dt.timedelta(days=1), now)
        group.stage = IdeaStage(spec["stage"])
        group.public_answer = spec["public_answer"]
        group.answered_at = group.updated_at = answered
        log_decision(now, moderator, "group.stage", answered, group=group,
                     before={"stage": IdeaStage.NEW, "public_answer": ""},
                     after={"stage": group.stage, "public_answer": group.public_answer})
    created["themes"] += 1
    return group


def _ensure_link(
    existing: set[tuple[int, str, int]], recommendation: Recommendation,
    subject: Idea | IdeaGroup, rationale: str, moderator: User, at: dt.datetime,
    now: dt.datetime, created: Counter,
) -> None:
    kind = "idea" if isinstance(subject, Idea) else "group"
    db.session.flush()
    key = (recommendation.id, kind, subject.id)
    if key in existing:
        return
    db.session.add(RecommendationLink(recommendation=recommendation, rationale=rationale,
                                      linked_by=moderator, created_at=at, updated_at=at,
                                      **{kind: subject}))
    log_decision(now, moderator, f"{kind}.link", at, note=rationale,
                 after={"recommendation_id": recommendation.id}, **{kind: subject})
    existing.add(key)
    created["recommendation links"] += 1


def _ensure_reports(
    specs: list[dict[str, Any]], users: dict[str, User], ideas: dict[str, Idea],
    moderator: User, now: dt.datetime, created: Counter,
) -> None:
    existing = queries.reports_by(users[spec["reporter"]].id for spec in specs)
    for spec in specs:
        reporter = users[spec["reporter"]]
        target = _report_target(spec, users, ideas)
        if target is None:
            continue
        kind = "idea" if isinstance(target, Idea) else "comment"
        if (reporter.id, kind, target.id) in existing:
            continue
        report = Report(reporter=reporter, reason=ReportReason(spec["reason"]), note=spec["note"],
                        **{kind: target})
        if spec.get("resolution") == "actioned":
            # The target was hidden because of it: the hiding is the target's last change.
            decided = target.updated_at
            report.created_at = decided - REPORT_BEFORE_DECISION
            report.status = ReportStatus.ACTIONED
            report.resolved_by = moderator
            # Logged with the target's hiding, as moderators' "hide" closes its reports.
            report.resolved_at = report.updated_at = decided
        else:
            shown_since = (
                implied(target.published_at, f"a report on the unpublished idea {target.title!r}")
                if isinstance(target, Idea) else target.created_at
            )
            report.created_at = report.updated_at = max(
                now - dt.timedelta(days=spec["days_ago"]), shown_since + dt.timedelta(hours=1)
            )
        db.session.add(report)
        existing.add((reporter.id, kind, target.id))
        created["reports"] += 1


def _report_target(
    spec: dict[str, Any], users: dict[str, User], ideas: dict[str, Idea]
) -> Idea | Comment | None:
    if "idea" in spec:
        return ideas[spec["idea"]]
    about = spec["comment"]
    return queries.first_comment_by(ideas[about["idea"]], users[about["author"]])
