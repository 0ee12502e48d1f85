"""Exports written in the background: the organiser asks on the exports page, a job writes the
file into EXPORTS_FOLDER while the page shows its progress, and the file is downloadable by the
organiser who asked until it expires (EXPORT_TTL).

The job runs on the queue with Redis, at once in-process without it (`core.jobs.enqueue`), and
always makes the file through `services.export_ideas`, like the command line. It reads what
was asked from the export form's own arguments, stored as submitted, so a filter added to the
form later is read by jobs without any change here.

Who may download: only the organiser who asked, and only while still an organiser. Any
organiser can make the same export in one click, so nothing is withheld from colleagues; but
job numbers are sequential and a file is one person's work, so other people's files are not
listed, and asking for one answers 404 as if it did not exist.

Expired files are removed by every export job before it starts (so a worker that exports keeps
the folder clean), when someone asks for an expired file, and by `flask exports purge` (run it
from cron or a timer where exports are rare).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from myalmaty.core.errors import DomainError, NotFound
from myalmaty.core.jobs import enqueue
from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role, require
from myalmaty.domain.jobs import ExportJob
from myalmaty.exports.filters import InvalidFilters
from myalmaty.exports.job_queries import (
    expired_export_jobs,
    export_job,
    save_progress,
    stale_export_jobs,
)
from myalmaty.exports.queries import count_idea_rows, reporting_progress
from myalmaty.exports.services import EXTENSIONS, ExportFormat, export_ideas
from myalmaty.extensions import db

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User

log = logging.getLogger("myalmaty.exports")


class ExportGone(DomainError):
    """The file was kept for a while and has been removed since."""

    status_code = 410


@dataclass(frozen=True)
class ReadyFile:
    path: Path
    filename: str
    content_type: str


def exports_folder() -> Path:
    return Path(current_app.config["EXPORTS_FOLDER"])


def request_export(actor: User, args: dict[str, list[str]], fmt: ExportFormat) -> ExportJob:
    """Record an export to be written (the caller starts it with `start` once committed).

    `args` are the export form's fields as submitted ({name: [values]}), already validated.
    """
    require(actor, Role.ORGANISER)
    job = ExportJob(requested_by=actor, args=args, format=fmt.value, status="queued")
    db.session.add(job)
    db.session.flush()
    return job


def start(job: ExportJob) -> None:
    """Hand a committed job to the queue (or run it now, without Redis)."""
    enqueue(run_export, job.id)


def _read_request(job: ExportJob) -> Any:
    # Imported here: the form module imports this package's services, and the job is what
    # needs the form (to read the stored arguments exactly as the page does).
    from myalmaty.exports.forms import ExportForm

    formdata = MultiDict([(name, value) for name, values in job.args.items() for value in values])
    return ExportForm.from_args(formdata, job.requested_by.locale).export_request()


def run_export(job_id: int) -> None:
    """The job: write the export's file, reporting progress, then mark it done or failed."""
    purge_expired()
    db.session.commit()
    job = export_job(job_id)
    if job is None or job.status != "queued":
        return  # already run (a retry), or gone
    requester = job.requested_by
    job.status, job.started_at = "running", utcnow()
    db.session.commit()
    folder = exports_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{job.id}-{secrets.token_hex(8)}"
    partial = folder / (stored_name + ".part")
    try:
        with force_locale(requester.locale):
            try:
                asked = _read_request(job)
                total = count_idea_rows(asked.filters)
                export = export_ideas(requester, asked.fmt, asked.filters, locale=asked.locale,
                                      separator=asked.separator)
            except InvalidFilters as error:
                raise DomainError("; ".join(str(m) for m in error.errors.values())) from None
            job.rows_total = total
            db.session.commit()
            done = 0

            def report(rows: int) -> None:
                nonlocal done
                done = min(total, done + rows)
                save_progress(job_id, done)

            with open(partial, "wb") as out, reporting_progress(report):
                for chunk in export.chunks:
                    out.write(chunk)
        stored_name += "." + EXTENSIONS[asked.fmt][0]
        os.replace(partial, folder / stored_name)
    except Exception as error:
        db.session.rollback()
        partial.unlink(missing_ok=True)
        job = export_job(job_id)
        assert job is not None
        if isinstance(error, DomainError):
            with force_locale(requester.locale):
                job.error = str(error)
        else:
            log.exception("Export job %s failed", job_id)
        job.status, job.finished_at = "failed", utcnow()
        db.session.commit()
        return
    db.session.expire(job)
    now = utcnow()
    job.status, job.rows_done = "done", total
    job.path, job.filename, job.size = stored_name, export.filename, (folder / stored_name).stat().st_size
    job.finished_at = now
    job.expires_at = now + dt.timedelta(seconds=current_app.config["EXPORT_TTL"])
    db.session.commit()


def ready_file(actor: User, job_id: int, now: dt.datetime | None = None) -> ReadyFile:
    """The finished file of the actor's own export. NotFound for anyone else's, or one not
    ready; ExportGone (410) once expired, when the file is removed if it is still there."""
    require(actor, Role.ORGANISER)
    job = export_job(job_id)
    if job is None or job.requested_by_id != actor.id or job.status not in ("done", "expired"):
        raise NotFound(_l("There is no such export among yours."))
    now = now or utcnow()
    if job.status == "expired" or (job.expires_at is not None and job.expires_at <= now):
        _remove_file(job)
        raise ExportGone(_l("This export was kept for a while and has been removed. "
                            "Ask for it again on the exports page."))
    assert job.path is not None
    return ReadyFile(exports_folder() / job.path, job.filename,
                     EXTENSIONS[ExportFormat(job.format)][1])


def _remove_file(job: ExportJob) -> None:
    if job.path:
        (exports_folder() / job.path).unlink(missing_ok=True)
    job.status, job.path = "expired", None


def purge_expired(now: dt.datetime | None = None) -> int:
    """Remove the files of exports past their time, and give up on exports left unfinished for
    as long (flushed; the caller commits). Returns the files removed."""
    now = now or utcnow()
    jobs = expired_export_jobs(now)
    for job in jobs:
        _remove_file(job)
    for job in stale_export_jobs(now - dt.timedelta(seconds=current_app.config["EXPORT_TTL"])):
        job.status, job.finished_at, job.error = "failed", now, ""
    db.session.flush()
    return len(jobs)
