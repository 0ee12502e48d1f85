"""Suggested themes, computed in the background: a moderator asks, a job groups the published
ideas that are in no theme by text and place (`ideas.similarity.grouping`, over the similarity
index) and stores the groups, so that every process and worker shows the same ones, with when
they were computed. The page keeps showing the last result while a new one is computed.

The job runs on the queue with Redis, at once in-process without it (`core.jobs.enqueue`), as
exports do.
"""

from __future__ import annotations

import logging
import time

from myalmaty.core.jobs import enqueue
from myalmaty.core.models import utcnow
from myalmaty.domain.themes import ThemeSuggestionRun
from myalmaty.extensions import db
from myalmaty.ideas.similarity import index_for_app
from myalmaty.ideas.similarity.centres import readable_words
from myalmaty.ideas.similarity.grouping import KEY_WORDS, alike_groups
from myalmaty.moderation import suggestion_queries as queries
from myalmaty.moderation.services.suggestions import same_ideas

log = logging.getLogger("myalmaty.moderation")


def start(run: ThemeSuggestionRun) -> None:
    """Hand a committed run to the queue (or compute it now, without Redis)."""
    enqueue(run_suggestions, run.id)


def compute(run: ThemeSuggestionRun) -> int:
    """Store the run's suggestions: groups of published ideas in no theme, less those that are
    the same as a dismissed suggestion. Returns how many."""
    among = queries.ungrouped_published_ids()
    groups = alike_groups(index_for_app(), among)
    dismissed = queries.dismissed_idea_sets()
    groups = [g for g in groups if not any(same_ideas(g.idea_ids, d) for d in dismissed)]
    texts = queries.texts([i for g in groups for i in g.idea_ids])
    rows = [{"run_id": run.id, "idea_ids": list(g.idea_ids),
             "representative_id": g.representative_id,
             "key_words": readable_words(g.key_terms, [texts[i] for i in g.idea_ids if i in texts],
                                         KEY_WORDS),
             "score": g.score, "status": "open"}
            for g in groups]
    queries.store_suggestions(rows)
    run.ideas_considered = len(among)
    return len(rows)


def run_suggestions(run_id: int) -> None:
    """The job: compute, store, and mark the run done (or failed)."""
    run = queries.run_by_id(run_id)
    if run is None or run.status != "queued":
        return  # already run (a retry), or gone
    run.status, run.started_at = "running", utcnow()
    db.session.commit()
    began = time.perf_counter()
    try:
        compute(run)
        run.status, run.finished_at = "done", utcnow()
        run.seconds = round(time.perf_counter() - began, 2)
        db.session.flush()
        queries.forget_open_suggestions(run.id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("Suggested themes run %s failed", run_id)
        failed = queries.run_by_id(run_id)
        if failed is not None:
            failed.status, failed.finished_at = "failed", utcnow()
            db.session.commit()
