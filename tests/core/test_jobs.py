"""Background jobs and mail: on the Redis queue with REDIS_URL (a worker sends), in-process
without it (the quick start needs no extra service)."""

from __future__ import annotations

import json
import smtplib
import uuid
from pathlib import Path

import pytest

from myalmaty.core import jobs, mail
from myalmaty.extensions import db
from tests.conftest import requires_redis
from tests.factories import make_user

SMTP_SETTINGS = {"MAIL_SERVER": "smtp.almaty.example", "MAIL_PORT": 587, "MAIL_USE_TLS": True,
                 "MAIL_USERNAME": "ideas", "MAIL_PASSWORD": "secret"}


@pytest.fixture
def smtp(monkeypatch, tmp_path) -> Path:
    """A stand-in SMTP server; what it is handed is written to a file (a job may run in a
    process of its own, forked by the worker)."""
    sent = tmp_path / "sent.jsonl"

    class FakeSMTP:
        fail = False

        def __init__(self, host, port, timeout):
            self.steps = [f"connect {host}:{port}"]

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            self.steps.append("starttls")

        def login(self, user, password):
            self.steps.append(f"login {user}")

        def send_message(self, message):
            if (sent.parent / "smtp-down").exists():
                raise smtplib.SMTPServerDisconnected("down")
            with sent.open("a") as out:
                out.write(json.dumps({"to": message["To"], "subject": message["Subject"],
                                      "steps": self.steps}) + "\n")

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    return sent


def sent_mail(sent: Path) -> list[dict]:
    return [json.loads(line) for line in sent.read_text().splitlines()] if sent.exists() else []


@pytest.fixture
def queued(app):
    """REDIS_URL set, with a queue of this test's own on the test Redis; emptied afterwards."""
    app.config.update(REDIS_URL=requires_redis(), JOB_QUEUE=f"test-{uuid.uuid4().hex}")
    queue = jobs.job_queue(app.config)
    yield queue
    queue.empty()
    queue.delete(delete_jobs=True)


def test_without_redis_mail_goes_to_smtp_at_once(app, smtp):
    app.config.update(SMTP_SETTINGS)
    mail.send_mail("aidos@example.kz", "Hello", "Body")
    [sent] = sent_mail(smtp)
    assert sent["to"] == "aidos@example.kz" and sent["subject"] == "Hello"
    assert sent["steps"] == ["connect smtp.almaty.example:587", "starttls", "login ideas"]


def test_without_redis_a_failing_mail_server_is_logged_not_raised(app, smtp, caplog):
    app.config.update(SMTP_SETTINGS)
    (smtp.parent / "smtp-down").write_text("")
    mail.send_mail("aidos@example.kz", "Hello", "Body")
    assert sent_mail(smtp) == []
    [record] = [r for r in caplog.records if r.name == "myalmaty.jobs"]
    assert "myalmaty.core.mail.deliver failed" in record.getMessage() and record.exc_info


def test_with_redis_a_reset_request_only_queues_the_mail_and_the_worker_sends_it(
    app, client, smtp, queued
):
    app.config.update(SMTP_SETTINGS)
    make_user(email="aidos@example.kz")
    db.session.commit()

    response = client.post("/account/reset", data={"email": "aidos@example.kz"})

    assert response.status_code == 302
    assert sent_mail(smtp) == []  # the request did not talk to the mail server
    assert queued.count == 1
    assert jobs.queue_depth(app.config) == 1

    result = app.test_cli_runner().invoke(args=["worker", "--burst"])

    assert result.exit_code == 0, result.output
    [sent] = sent_mail(smtp)
    assert sent["to"] == "aidos@example.kz"
    assert queued.count == 0


def test_a_failed_job_is_scheduled_to_be_tried_again(app, smtp, queued):
    app.config.update(SMTP_SETTINGS)
    (smtp.parent / "smtp-down").write_text("")
    mail.send_mail("aidos@example.kz", "Hello", "Body")
    [job] = queued.jobs

    app.test_cli_runner().invoke(args=["worker", "--burst"])

    job.refresh()
    assert job.get_status() == "scheduled"
    assert job.retries_left == len(jobs.RETRY_INTERVALS) - 1
    assert sent_mail(smtp) == []


def test_an_unreachable_queue_still_sends_the_mail_in_the_request(app, smtp, caplog):
    app.config.update(SMTP_SETTINGS, REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    mail.send_mail("aidos@example.kz", "Hello", "Body")
    assert [m["to"] for m in sent_mail(smtp)] == ["aidos@example.kz"]
    assert "Job queue unreachable" in caplog.text
    assert jobs.queue_depth(app.config) is None


def test_the_worker_needs_redis(app, runner):
    app.config["REDIS_URL"] = ""
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_without_a_mail_server_nothing_is_queued(app, smtp, queued, outbox):
    mail.send_mail("aidos@example.kz", "Hello", "Body with https://x/link")
    assert queued.count == 0
    assert outbox[-1].body == "Body with https://x/link"


class TestQueueDepthMetric:
    @pytest.fixture
    def app_config(self) -> dict:
        return {"METRICS_ENABLED": True}

    def test_metrics_show_the_jobs_waiting(self, app, client, smtp, queued):
        app.config.update(SMTP_SETTINGS)
        mail.send_mail("a@example.kz", "One", "Body")
        mail.send_mail("b@example.kz", "Two", "Body")
        text = client.get("/metrics").get_data(as_text=True)
        assert "myalmaty_job_queue_depth 2.0" in text
