"""Reading and updating export jobs."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from myalmaty.domain.jobs import ExportJob
from myalmaty.extensions import db

RECENT_JOBS_SHOWN = 10


def export_job(job_id: int) -> ExportJob | None:
    return db.session.get(ExportJob, job_id)


def recent_export_jobs(user_id: int, limit: int = RECENT_JOBS_SHOWN) -> list[ExportJob]:
    """The person's latest exports, newest first."""
    return list(db.session.scalars(
        sa.select(ExportJob).where(ExportJob.requested_by_id == user_id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc()).limit(limit)
    ))


def expired_export_jobs(now: dt.datetime) -> list[ExportJob]:
    """Finished exports whose file is past its time and still kept."""
    return list(db.session.scalars(
        sa.select(ExportJob).where(ExportJob.status == "done", ExportJob.expires_at <= now)
    ))


def stale_export_jobs(started_before: dt.datetime) -> list[ExportJob]:
    """Exports still waiting or being written long after they were asked for: their worker
    stopped (a restart, a crash) and nobody will finish them."""
    return list(db.session.scalars(
        sa.select(ExportJob).where(ExportJob.status.in_(("queued", "running")),
                                   ExportJob.created_at < started_before)
    ))


def save_progress(job_id: int, rows_done: int) -> None:
    """Write a running job's progress on a connection of its own, committed at once: the job's
    session is in the middle of reading the ideas and commits only at the end."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(ExportJob).where(ExportJob.id == job_id).values(rows_done=rows_done)
        )
