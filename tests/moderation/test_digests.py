"""Decisions on one person's ideas within NOTIFY_DIGEST_WINDOW go out as one mail, sent by a job
scheduled for the window's end; a decision after the window closed starts a new mail. The clock
is frozen by hand; the queue is the test Redis (without one, each request is told at once)."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
import sqlalchemy as sa

from myalmaty.core import jobs
from myalmaty.core.models import utcnow
from myalmaty.domain.ideas import IdeaStatus, RejectionReason
from myalmaty.domain.jobs import PendingNotification
from myalmaty.extensions import db
from myalmaty.ideas import services as idea_services
from myalmaty.moderation import notifications, services
from myalmaty.moderation.notifications import send_due_notifications
from tests.conftest import requires_redis
from tests.factories import make_idea, make_user

T0 = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
WINDOW = dt.timedelta(minutes=10)


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"PUBLIC_BASE_URL": "https://ideas.example.kz", "NOTIFY_DIGEST_WINDOW": 600}


@pytest.fixture
def queue(app):
    """REDIS_URL set, with a queue of this test's own on the test Redis; emptied afterwards."""
    app.config.update(REDIS_URL=requires_redis(), JOB_QUEUE=f"test-{uuid.uuid4().hex}")
    queue = jobs.job_queue(app.config)
    yield queue
    for job_id in queue.scheduled_job_registry.get_job_ids():
        queue.scheduled_job_registry.remove(job_id, delete_job=True)
    queue.empty()
    queue.delete(delete_jobs=True)


@pytest.fixture
def clock(monkeypatch):
    """`clock.at(minutes)` sets the time decisions are queued at, T0 + minutes."""

    class Clock:
        now = T0

        def at(self, minutes: float) -> dt.datetime:
            self.now = T0 + dt.timedelta(minutes=minutes)
            return self.now

    frozen = Clock()
    monkeypatch.setattr(notifications, "utcnow", lambda: frozen.now)
    return frozen


def pending() -> list[PendingNotification]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PendingNotification).order_by(PendingNotification.id)))


def publish(moderator, idea) -> None:
    services.publish_idea(moderator, idea, version=idea.version)
    db.session.commit()


def reject(moderator, idea) -> None:
    services.reject_idea(moderator, idea, version=idea.version,
                         reason=RejectionReason.OUTSIDE_ALMATY, note="")
    db.session.commit()


def test_decisions_within_the_window_wait_and_go_out_as_one_mail(
    app, moderator, outbox, queue, clock
):
    author = make_user(locale="en")
    benches = make_idea(IdeaStatus.PENDING, author=author, title="Benches by the river")
    shade = make_idea(IdeaStatus.PENDING, author=author, title="Shade at the bus stop")
    db.session.commit()

    clock.at(0)
    publish(moderator, benches)
    clock.at(3)
    reject(moderator, shade)

    assert outbox == []
    assert [n.due_at for n in pending()] == [T0 + WINDOW, T0 + WINDOW]  # the first opened it
    [scheduled] = queue.scheduled_job_registry.get_job_ids()
    assert queue.scheduled_job_registry.get_scheduled_time(scheduled) == T0 + WINDOW

    assert send_due_notifications(now=T0 + WINDOW - dt.timedelta(seconds=1)) == 0
    assert outbox == []

    assert send_due_notifications(now=T0 + WINDOW) == 1
    [digest] = outbox
    assert digest.to == author.email
    assert digest.subject == "News about your ideas on #MyAlmaty"
    assert "Your idea “Benches by the river”:" in digest.body
    assert "Your idea “Shade at the bus stop”:" in digest.body
    assert "Your idea was published." in digest.body and "Your idea was not published." in digest.body
    assert all(n.sent_at == T0 + WINDOW for n in pending())

    assert send_due_notifications(now=T0 + 2 * WINDOW) == 0  # nothing is told twice
    assert len(outbox) == 1


def test_a_decision_after_the_window_closed_goes_in_a_mail_of_its_own(
    app, moderator, outbox, queue, clock
):
    author = make_user(locale="en")
    benches = make_idea(IdeaStatus.PENDING, author=author, title="Benches by the river")
    shade = make_idea(IdeaStatus.PENDING, author=author, title="Shade at the bus stop")
    db.session.commit()

    clock.at(0)
    publish(moderator, benches)
    send_due_notifications(now=T0 + WINDOW)
    clock.at(12)
    reject(moderator, shade)
    assert pending()[-1].due_at == T0 + dt.timedelta(minutes=22)
    send_due_notifications(now=T0 + dt.timedelta(minutes=22))

    first, second = outbox
    assert "Benches by the river" in first.subject and "Shade" not in first.body
    assert "Shade at the bus stop" in second.subject and "Benches" not in second.body
    assert len(queue.scheduled_job_registry.get_job_ids()) == 2


def test_each_person_gets_a_digest_of_their_own(app, moderator, outbox, queue, clock):
    aigerim, daniyar = make_user(locale="en"), make_user(locale="ru")
    ideas = [make_idea(IdeaStatus.PENDING, author=aigerim),
             make_idea(IdeaStatus.PENDING, author=daniyar),
             make_idea(IdeaStatus.PENDING, author=aigerim)]
    db.session.commit()
    for minute, idea in enumerate(ideas):
        clock.at(minute)
        publish(moderator, idea)

    # Each window opened with that person's first decision (minutes 0 and 1).
    assert send_due_notifications(now=T0 + WINDOW) == 1
    assert send_due_notifications(now=T0 + WINDOW + dt.timedelta(minutes=1)) == 1
    assert sorted(m.to for m in outbox) == sorted([aigerim.email, daniyar.email])
    [first] = [m for m in outbox if m.to == aigerim.email]
    assert first.subject == "News about your ideas on #MyAlmaty"


def test_undoing_a_decision_is_told_in_the_digest_like_the_decision(
    app, moderator, outbox, queue, clock
):
    author = make_user(locale="en")
    original = make_idea(title="Drinking fountains in Gorky park")
    idea = make_idea(author=author, title="Water in the park")
    db.session.commit()
    clock.at(0)
    services.mark_duplicate(moderator, idea, original, version=idea.version)
    db.session.commit()
    clock.at(2)
    services.undo_duplicate(moderator, idea, version=idea.version)
    db.session.commit()

    send_due_notifications(now=T0 + WINDOW)
    [digest] = outbox
    assert "Marked as a duplicate" in digest.body and "No longer marked as a duplicate" in digest.body


def test_the_choice_is_checked_again_when_the_digest_goes_out(
    app, moderator, outbox, queue, clock
):
    author = make_user(locale="en")
    idea = make_idea(IdeaStatus.PENDING, author=author)
    db.session.commit()
    publish(moderator, idea)
    author.notify = "none"  # unsubscribed within the window
    db.session.commit()

    assert send_due_notifications(now=T0 + WINDOW) == 0
    assert outbox == []
    assert [n.sent_at for n in pending()] == [T0 + WINDOW]  # settled, never tried again


def test_nobody_waits_for_news_of_their_own_steps_or_for_what_they_chose_not_to_hear(
    app, moderator, outbox, queue, clock
):
    author = make_user(locale="en")
    idea = make_idea(IdeaStatus.PENDING, author=author)
    quiet = make_user(locale="en", notify="none")
    quiet_idea = make_idea(IdeaStatus.PENDING, author=quiet)
    db.session.commit()
    idea_services.withdraw_idea(author, idea, version=idea.version)
    db.session.commit()
    publish(moderator, quiet_idea)
    assert pending() == []
    assert queue.scheduled_job_registry.get_job_ids() == []


def test_without_a_queue_each_request_is_told_at_once(app, moderator, outbox):
    author = make_user(locale="en")
    benches = make_idea(IdeaStatus.PENDING, author=author, title="Benches by the river")
    db.session.commit()
    publish(moderator, benches)
    [mail] = outbox
    assert "Benches by the river" in mail.subject
    [row] = pending()
    assert row.sent_at is not None and row.sent_at == row.due_at


def test_the_command_sends_what_is_due(app, moderator, outbox, queue, clock, runner):
    idea = make_idea(IdeaStatus.PENDING, author=make_user(locale="en"))
    db.session.commit()
    clock.now = utcnow() - 2 * WINDOW  # decided long enough ago
    publish(moderator, idea)
    clock.now = utcnow()

    result = runner.invoke(args=["notify", "send-due"])

    assert result.exit_code == 0, result.output
    assert "Sent 1 notification mail(s)." in result.output
    assert len(outbox) == 1


def test_the_worker_sends_the_digest_when_the_window_closes(app, moderator, queue):
    app.config["NOTIFY_DIGEST_WINDOW"] = 1
    idea = make_idea(IdeaStatus.PENDING, author=make_user(locale="en"))
    db.session.commit()
    publish(moderator, idea)
    [waiting] = pending()
    assert waiting.sent_at is None

    time.sleep(1.5)
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])

    assert result.exit_code == 0, result.output
    [told] = pending()
    assert told.sent_at is not None
