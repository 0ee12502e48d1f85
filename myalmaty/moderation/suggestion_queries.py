"""Reads for suggested themes: the runs, the suggestions shown, and what a run looks at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import orm as so

from myalmaty.core.pagination import paginate
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.themes import ThemeSuggestion, ThemeSuggestionRun
from myalmaty.extensions import db


def latest_run() -> ThemeSuggestionRun | None:
    return db.session.scalar(sa.select(ThemeSuggestionRun)
                             .order_by(ThemeSuggestionRun.id.desc()).limit(1))


def latest_done_run() -> ThemeSuggestionRun | None:
    return db.session.scalar(sa.select(ThemeSuggestionRun)
                             .where(ThemeSuggestionRun.status == "done")
                             .order_by(ThemeSuggestionRun.id.desc()).limit(1))


def unfinished_runs(since: dt.datetime) -> list[ThemeSuggestionRun]:
    """Runs queued or running, asked for after `since`."""
    return list(db.session.scalars(
        sa.select(ThemeSuggestionRun)
        .where(ThemeSuggestionRun.status.in_(("queued", "running")),
               ThemeSuggestionRun.created_at >= since)))


def stale_runs(before: dt.datetime) -> list[ThemeSuggestionRun]:
    """Runs still queued or running that were asked for before `before`: their worker stopped."""
    return list(db.session.scalars(
        sa.select(ThemeSuggestionRun)
        .where(ThemeSuggestionRun.status.in_(("queued", "running")),
               ThemeSuggestionRun.created_at < before)))


def run_by_id(run_id: int) -> ThemeSuggestionRun | None:
    return db.session.get(ThemeSuggestionRun, run_id)


def suggestion_by_id(suggestion_id: int) -> ThemeSuggestion | None:
    return db.session.get(ThemeSuggestion, suggestion_id)


def ungrouped_published_ids() -> list[int]:
    """Published ideas in no theme: what suggested themes are made of."""
    return list(db.session.scalars(
        sa.select(Idea.id).where(Idea.status == IdeaStatus.PUBLISHED, Idea.group_id.is_(None))
        .order_by(Idea.id)))


def texts(idea_ids: Sequence[int]) -> dict[int, str]:
    """Each idea's title and description, as one text."""
    if not idea_ids:
        return {}
    rows = db.session.execute(sa.select(Idea.id, Idea.title, Idea.description)
                              .where(Idea.id.in_(idea_ids)))
    return {row.id: f"{row.title}\n{row.description}" for row in rows}


def store_suggestions(rows: list[dict[str, object]]) -> None:
    """Insert a run's suggestions in one statement (thousands of them for a large city)."""
    if rows:
        db.session.execute(sa.insert(ThemeSuggestion), rows)


def dismissed_idea_sets() -> list[set[int]]:
    return [set(ids) for ids in db.session.scalars(
        sa.select(ThemeSuggestion.idea_ids).where(ThemeSuggestion.status == "dismissed"))]


def forget_open_suggestions(keep_run_id: int) -> None:
    """Remove the suggestions of earlier runs that nobody acted on (dismissed ones stay: they
    keep the same group from coming back), and the earlier runs left with none."""
    db.session.execute(sa.delete(ThemeSuggestion).where(
        ThemeSuggestion.run_id != keep_run_id,
        ThemeSuggestion.status.in_(("open", "created", "added"))))
    kept_runs = sa.select(ThemeSuggestion.run_id).distinct()
    db.session.execute(sa.delete(ThemeSuggestionRun).where(
        ThemeSuggestionRun.id < keep_run_id,
        ThemeSuggestionRun.status.in_(("done", "failed")),
        ThemeSuggestionRun.id.not_in(kept_runs)))


@dataclass(frozen=True)
class SuggestionRow:
    suggestion: ThemeSuggestion
    # Its ideas that are still published and in no theme, the representative first.
    ideas: list[Idea] = field(default_factory=list)

    @property
    def representative(self) -> Idea:
        return self.ideas[0]

    @property
    def supporters(self) -> int:
        return sum(idea.support_count for idea in self.ideas)


SUGGESTIONS_PER_PAGE = 20


@dataclass(frozen=True)
class SuggestionsPage:
    latest: ThemeSuggestionRun | None
    shown_run: ThemeSuggestionRun | None
    rows: list[SuggestionRow]
    pagination: Pagination | None = None


def suggestions_page(page: int = 1, per_page: int = SUGGESTIONS_PER_PAGE) -> SuggestionsPage:
    """The latest run (perhaps still running) and a page of the open suggestions of the latest
    finished one (the largest groups first), each with its ideas as they are now: a constant
    number of queries, however many suggestions."""
    latest = latest_run()
    shown = latest if latest is not None and latest.status == "done" else latest_done_run()
    if shown is None:
        return SuggestionsPage(latest, None, [])
    pagination = paginate(
        sa.select(ThemeSuggestion)
        .where(ThemeSuggestion.run_id == shown.id, ThemeSuggestion.status == "open")
        .order_by(ThemeSuggestion.id), page, per_page)
    suggestions: list[ThemeSuggestion] = list(pagination.items)
    wanted = {i for s in suggestions for i in s.idea_ids}
    ideas = {idea.id: idea for idea in db.session.scalars(
        sa.select(Idea).where(Idea.id.in_(wanted), Idea.status == IdeaStatus.PUBLISHED,
                              Idea.group_id.is_(None))
        .options(so.joinedload(Idea.quarter)))} if wanted else {}
    rows = []
    for suggestion in suggestions:
        still = [ideas[i] for i in suggestion.idea_ids if i in ideas]
        # A group whose ideas have since gone into themes or out of view is no longer one.
        if len(still) >= 2:
            rows.append(SuggestionRow(suggestion, still))
    return SuggestionsPage(latest, shown, rows, pagination)


def eligible_ideas(idea_ids: Sequence[int]) -> list[Idea]:
    """Of these ideas, those still published and in no theme, in the order given."""
    if not idea_ids:
        return []
    found = {idea.id: idea for idea in db.session.scalars(
        sa.select(Idea).where(Idea.id.in_(idea_ids)))}
    return [found[i] for i in idea_ids
            if i in found and found[i].status is IdeaStatus.PUBLISHED and found[i].group_id is None]
