"""What the exports page and its status endpoint say about each export job, in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from flask import url_for
from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _

from myalmaty.domain.jobs import ExportJob
from myalmaty.exports.services import ExportFormat


def size_label(size: int) -> str:
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(max(1, round(size / 1024))))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))


def _status_label(job: ExportJob, expired: bool) -> str:
    if expired:
        return _("Removed: files are kept for a while only. Ask for the export again.")
    if job.status == "queued":
        return _("Waiting for its turn")
    if job.status == "running":
        if job.rows_total:
            return _("Being written: %(done)s of %(total)s ideas", done=format_decimal(job.rows_done),
                     total=format_decimal(job.rows_total))
        return _("Being written")
    if job.status == "failed":
        return job.error or _("The export could not be made. Please ask for it again; if it fails "
                              "again, tell the platform's operators.")
    return _("Ready")


@dataclass(frozen=True)
class JobView:
    id: int
    status: str
    label: str
    format_label: str
    asked_at: str
    percent: int | None
    rows_done: int
    rows_total: int | None
    filename: str
    download_url: str | None
    download_label: str
    expires_label: str
    status_url: str

    def as_json(self) -> dict:
        return asdict(self)


def job_view(job: ExportJob, now: dt.datetime) -> JobView:
    expired = job.status == "expired" or (
        job.status == "done" and job.expires_at is not None and job.expires_at <= now)
    ready = job.status == "done" and not expired
    return JobView(
        id=job.id,
        status="expired" if expired else job.status,
        label=_status_label(job, expired),
        format_label=ExportFormat(job.format).label,
        asked_at=format_datetime(job.created_at, "short"),
        percent=job.percent if job.status in ("running", "done") else None,
        rows_done=job.rows_done,
        rows_total=job.rows_total,
        filename=job.filename,
        download_url=url_for("exports.job_file", job_id=job.id) if ready else None,
        download_label=_("Download %(name)s (%(size)s)", name=job.filename,
                         size=size_label(job.size or 0)) if ready else "",
        expires_label=_("Kept until %(when)s", when=format_datetime(job.expires_at, "short"))
        if ready and job.expires_at else "",
        status_url=url_for("exports.job_status", job_id=job.id),
    )
