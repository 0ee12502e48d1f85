"""Exports asked for on the page are written by a job: queued, running with progress, done
(or failed, saying why in the organiser's language); downloaded only by the organiser who
asked, until the file expires (410 afterwards) and is purged. Without Redis the job runs at
once in-process; with it, `flask worker` writes the file."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from myalmaty.core import jobs as core_jobs
from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role
from myalmaty.domain.jobs import ExportJob
from myalmaty.exports import csv_writer, jobs
from myalmaty.exports.services import ExportFormat
from myalmaty.extensions import db
from tests.conftest import requires_redis
from tests.exports.conftest import csv_ids
from tests.factories import make_user


@pytest.fixture
def organiser(client, auth):
    person = make_user(role=Role.ORGANISER)
    db.session.commit()
    auth.as_user(person)
    return person


def the_job() -> ExportJob:
    db.session.expire_all()
    return db.session.scalars(sa.select(ExportJob).order_by(ExportJob.id.desc())).first()


def fetch(client, url: str):
    """GET, with the file the answer streams from closed afterwards."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def folder_files(app) -> list[str]:
    folder = Path(app.config["EXPORTS_FOLDER"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_without_redis_the_job_writes_the_file_at_once_and_the_page_offers_it(
    app, world, client, organiser
):
    response = client.post("/organise/exports/jobs",
                           data={"format": "csv", "language": "en", "quarter": "west"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organise/exports#exports")

    job = the_job()
    assert job.status == "done" and job.requested_by_id == organiser.id
    # What was asked is kept as the form's own arguments, not as a filter object.
    assert job.args == {"format": ["csv"], "language": ["en"], "quarter": ["west"]}
    assert job.rows_done == job.rows_total == 2
    assert job.expires_at == job.finished_at + dt.timedelta(seconds=app.config["EXPORT_TTL"])

    page = client.get("/organise/exports").get_data(as_text=True)
    assert "Ваш файл" not in page
    assert f'href="/organise/exports/jobs/{job.id}/file"' in page
    assert job.filename in page and "Готово" in page

    download = fetch(client, f"/organise/exports/jobs/{job.id}/file")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.headers["Content-Disposition"] == f"attachment; filename={job.filename}"
    assert csv_ids(download.data) == {world.bikes.id, world.formula.id}
    assert len(download.data) == job.size


def test_a_discussion_pack_is_written_by_a_job_too(world, client, organiser):
    client.post("/organise/exports/jobs", data={"format": "pack", "forum": str(world.forum.id)})
    job = the_job()
    assert job.status == "done" and job.filename.endswith(".zip")
    data = fetch(client, f"/organise/exports/jobs/{job.id}/file").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist()


def test_a_refused_form_comes_back_with_its_message_and_no_job(world, client, organiser):
    response = client.post("/organise/exports/jobs", data={"format": "pack", "quarter": "west"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "выберите форум" in html and '<option selected value="west">' in html
    assert the_job() is None


def test_the_job_goes_from_queued_to_running_to_done_reporting_progress(
    app, world, organiser, monkeypatch
):
    job = jobs.request_export(organiser, {"format": ["csv"]}, ExportFormat.CSV)
    db.session.commit()
    assert job.status == "queued" and job.percent is None

    seen = []

    def watch(job_id: int, rows_done: int) -> None:
        real_save(job_id, rows_done)
        with db.engine.connect() as other:  # what the page would read meanwhile
            seen.append(tuple(other.execute(sa.select(ExportJob.status, ExportJob.rows_done,
                                                ExportJob.rows_total)
                                      .where(ExportJob.id == job_id)).one()))

    real_save = jobs.save_progress
    monkeypatch.setattr(jobs, "save_progress", watch)
    monkeypatch.setattr(csv_writer, "ROWS_PER_CHUNK", 2)  # batches of two ideas

    jobs.run_export(job.id)

    assert seen == [("running", 2, 5), ("running", 4, 5), ("running", 5, 5)]
    job = the_job()
    assert (job.status, job.rows_done, job.percent) == ("done", 5, 100)
    assert job.started_at <= job.finished_at


def test_a_job_run_twice_writes_once(app, world, organiser):
    job = jobs.request_export(organiser, {"format": ["csv"]}, ExportFormat.CSV)
    db.session.commit()
    jobs.run_export(job.id)
    jobs.run_export(job.id)  # a retry after the first run finished
    assert len(folder_files(app)) == 1


@pytest.mark.parametrize(("locale", "message"), [
    ("ru", "Нет квартала с кратким именем «atlantis»."),
    ("kk", "«atlantis» қысқа атауы бар орам жоқ."),
    ("en", "There is no quarter with the short name “atlantis”."),
])
def test_a_job_whose_request_no_longer_holds_fails_saying_why_in_the_askers_language(
    app, world, client, organiser, locale, message
):
    organiser.locale = locale
    # A quarter renamed between the asking and the writing.
    job = jobs.request_export(organiser, {"format": ["csv"], "quarter": ["atlantis"]},
                              ExportFormat.CSV)
    db.session.commit()
    jobs.run_export(job.id)

    job = the_job()
    assert job.status == "failed" and job.finished_at is not None
    assert job.error == message
    assert folder_files(app) == []
    page = client.get(f"/organise/exports?lang={locale}").get_data(as_text=True)
    assert message.replace("«", "&laquo;") in page or message in page
    assert fetch(client, f"/organise/exports/jobs/{job.id}/file").status_code == 404


def test_an_unexpected_failure_is_logged_and_shown_in_words(app, world, client, organiser,
                                                            monkeypatch, caplog):
    def broken(*args, **kwargs):
        yield b"half a file"
        raise OSError("disk full")

    monkeypatch.setattr(csv_writer, "database_csv_chunks", broken)
    client.post("/organise/exports/jobs", data={"format": "csv"})

    job = the_job()
    assert job.status == "failed" and job.error == ""
    assert folder_files(app) == []  # no half file left behind
    assert "Export job" in caplog.text and "disk full" in caplog.text
    status = client.get(f"/organise/exports/jobs/{job.id}.json").get_json()
    assert status["status"] == "failed"
    assert status["label"].startswith("Не удалось подготовить файл")


def test_the_status_endpoint_says_where_the_job_is_and_where_to_download(world, client, organiser):
    client.post("/organise/exports/jobs", data={"format": "geojson", "language": "en"})
    job = the_job()
    response = client.get(f"/organise/exports/jobs/{job.id}.json?lang=en")
    assert response.headers["Cache-Control"] == "no-store"
    status = response.get_json()
    assert status["status"] == "done" and status["percent"] == 100
    assert status["label"] == "Ready"
    assert status["download_url"] == f"/organise/exports/jobs/{job.id}/file"
    assert status["download_label"].startswith(f"Download {job.filename} (")


def test_an_expired_file_answers_410_in_words_and_is_removed(app, world, client, organiser):
    client.post("/organise/exports/jobs", data={"format": "csv"})
    job = the_job()
    assert len(folder_files(app)) == 1
    job.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()

    page = client.get("/organise/exports").get_data(as_text=True)
    assert f"/organise/exports/jobs/{job.id}/file" not in page
    assert "Файл удалён" in page

    response = fetch(client, f"/organise/exports/jobs/{job.id}/file")
    assert response.status_code == 410
    assert "Этот файл хранился какое-то время и удалён." in response.get_data(as_text=True)
    assert folder_files(app) == []
    assert the_job().status == "expired" and the_job().path is None
    assert fetch(client, f"/organise/exports/jobs/{job.id}/file?lang=kk").status_code == 410


def test_purge_removes_only_expired_files(app, world, client, organiser, runner):
    client.post("/organise/exports/jobs", data={"format": "csv"})
    old = the_job()
    client.post("/organise/exports/jobs", data={"format": "geojson"})
    fresh = the_job()
    old.expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()

    result = runner.invoke(args=["exports", "purge"])

    assert result.exit_code == 0, result.output
    assert "Removed 1 expired export file(s)." in result.output
    assert folder_files(app) == [fresh.path]
    assert (the_job().id, the_job().status) == (fresh.id, "done")
    assert db.session.get(ExportJob, old.id).status == "expired"


def test_an_export_left_unfinished_by_a_stopped_worker_is_given_up_by_the_purge(
    app, world, organiser, runner
):
    stuck = jobs.request_export(organiser, {"format": ["csv"]}, ExportFormat.CSV)
    stuck.status = "running"
    stuck.created_at = utcnow() - dt.timedelta(seconds=app.config["EXPORT_TTL"] + 60)
    waiting = jobs.request_export(organiser, {"format": ["csv"]}, ExportFormat.CSV)
    db.session.commit()

    assert runner.invoke(args=["exports", "purge"]).exit_code == 0

    db.session.expire_all()
    assert (stuck.status, waiting.status) == ("failed", "queued")


def test_each_new_job_purges_expired_files_first(app, world, client, organiser):
    client.post("/organise/exports/jobs", data={"format": "csv"})
    old = the_job()
    old.expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    client.post("/organise/exports/jobs", data={"format": "csv"})
    assert folder_files(app) == [the_job().path]


@pytest.mark.parametrize(("who", "status"), [
    ("anonymous", 302), ("resident", 403), ("moderator", 403), ("another organiser", 404),
    ("the organiser who asked", 200),
])
@pytest.mark.parametrize("url", ["/organise/exports/jobs/{id}/file",
                                 "/organise/exports/jobs/{id}.json"])
def test_only_the_organiser_who_asked_reaches_the_file_and_its_status(
    world, client, auth, who, status, url
):
    asker = make_user(role=Role.ORGANISER)
    db.session.commit()
    auth.as_user(asker)
    client.post("/organise/exports/jobs", data={"format": "csv"})
    job = the_job()
    auth.logout()
    with client.session_transaction() as session:
        session.clear()
    roles = {"resident": Role.RESIDENT, "moderator": Role.MODERATOR,
             "another organiser": Role.ORGANISER}
    if who in roles:
        person = make_user(role=roles[who])
        db.session.commit()
        auth.as_user(person)
    elif who == "the organiser who asked":
        auth.as_user(asker)

    response = fetch(client, url.format(id=job.id))

    assert response.status_code == status
    if status != 200:
        assert job.filename not in response.get_data(as_text=True)


def test_the_page_lists_only_ones_own_exports(world, client, auth, organiser):
    client.post("/organise/exports/jobs", data={"format": "csv"})
    mine = the_job()
    colleague = make_user(role=Role.ORGANISER)
    db.session.commit()
    auth.as_user(colleague)
    page = client.get("/organise/exports").get_data(as_text=True)
    assert f"/organise/exports/jobs/{mine.id}" not in page


@pytest.fixture
def queued(app):
    """REDIS_URL set, with a queue of this test's own on the test Redis; emptied afterwards."""
    app.config.update(REDIS_URL=requires_redis(), JOB_QUEUE=f"test-{uuid.uuid4().hex}")
    queue = core_jobs.job_queue(app.config)
    yield queue
    queue.empty()
    queue.delete(delete_jobs=True)


def test_with_redis_the_request_only_queues_and_the_worker_writes_the_file(
    app, world, client, organiser, queued
):
    response = client.post("/organise/exports/jobs", data={"format": "csv", "language": "en"})

    assert response.status_code == 302
    job = the_job()
    assert job.status == "queued" and queued.count == 1
    assert folder_files(app) == []
    page = client.get("/organise/exports").get_data(as_text=True)
    assert "Ждёт своей очереди" in page and "<progress" in page
    assert fetch(client, f"/organise/exports/jobs/{job.id}/file").status_code == 404

    result = app.test_cli_runner().invoke(args=["worker", "--burst"])

    assert result.exit_code == 0, result.output
    job = the_job()
    assert job.status == "done" and queued.count == 0
    download = fetch(client, f"/organise/exports/jobs/{job.id}/file")
    assert download.status_code == 200
    assert csv_ids(download.data) == {i.id for i in world.published}
