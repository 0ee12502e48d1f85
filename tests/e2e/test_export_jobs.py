"""The exports page in a real browser: asking for a file, and watching an export still being
written turn into a download link without reloading."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from playwright.sync_api import expect

from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role
from myalmaty.domain.jobs import ExportJob
from myalmaty.extensions import db
from tests.factories import make_idea, make_user


def test_an_organiser_asks_for_a_file_and_downloads_it(page, app, sign_in):
    organiser = make_user(role=Role.ORGANISER, locale="en")
    make_idea(title="Benches by the river")
    db.session.commit()
    sign_in(organiser)

    page.goto(page.base_url + "/organise/exports")
    page.get_by_role("button", name="Prepare the file").click()

    expect(page.locator("[data-export-job] [data-job-label]")).to_have_text("Ready")
    with page.expect_download() as download:
        page.locator("[data-export-job] a").click()
    path = download.value.path()
    assert "Benches by the river" in Path(path).read_text("utf-8-sig")
    # The page's selection map asks the configured tile host only; nothing else leaves the app.
    assert all(url.startswith("http://tiles.test/") for url in page.outside_requests)


def test_an_export_being_written_shows_its_progress_and_then_its_link(page, app, sign_in):
    organiser = make_user(role=Role.ORGANISER, locale="en")
    job = ExportJob(requested_by=organiser, args={"format": ["csv"]}, format="csv",
                    status="running", rows_done=40, rows_total=100)
    db.session.add(job)
    db.session.commit()
    sign_in(organiser)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(page.base_url + "/organise/exports")
    item = page.locator("[data-export-job]")
    expect(item.locator("[data-job-label]")).to_have_text("Being written: 40 of 100 ideas")
    assert item.locator("progress").get_attribute("value") == "40"

    folder = Path(app.config["EXPORTS_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{job.id}-test.csv").write_bytes(b"\xef\xbb\xbfNumber\r\n")
    job.status, job.rows_done, job.path = "done", 100, f"{job.id}-test.csv"
    job.filename, job.size = "myalmaty-ideas-ru-all-2026-12-04.csv", 11
    job.finished_at = utcnow()
    job.expires_at = job.finished_at + dt.timedelta(hours=24)
    db.session.commit()

    link = item.get_by_role("link", name="Download myalmaty-ideas-ru-all-2026-12-04.csv (1 KB)")
    expect(link).to_be_visible(timeout=10_000)  # the page asked for the status by itself
    expect(item.locator("[data-job-label]")).to_have_text("Ready")
    assert item.locator("progress").count() == 0
    assert errors == []
