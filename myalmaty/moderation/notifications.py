"""Authors hear back: an e-mail in their language, and a count of news in the navigation.

Decisions are told only once they are committed. `record_event` queues every author-visible
event on the database session; just before the outer commit the mails are written and they
are sent right after the commit succeeds. Events undone by a rollback (a refused bulk action
rolls its savepoint back) are no longer in the session and are never told.

One mail per person per window: with a job queue (REDIS_URL), the first decision on a person's
ideas opens a window of NOTIFY_DIGEST_WINDOW seconds; it and every later decision on their ideas
within it wait in `pending_notifications`, and a job scheduled for the window's end
(`send_due_notifications`, also `flask notify send-due`) sends them as one digest, each idea
with what happened, in words, and what they can do next. Without a queue nothing can wake up
later, so each request's or bulk action's decisions go out as one mail right after it commits
(the quick start and development see their mail at once); the rows are written all the same.
Nobody hears of their own steps; each person chooses everything, decisions only, or nothing
(`User.notify`, checked again when a digest goes out), and every mail carries a one-click
unsubscribe link (RFC 8058), which sets "nothing".

The count: the navigation's "My ideas" link shows how many decisions on the signed-in person's
ideas they have not seen yet, read by one count query (only when a page draws the navigation;
nothing is written). "My ideas" lists the decisions, marks the unseen ones as new, and its route
marks them seen (`ideas.services.mark_history_seen`) and commits: no hook writes on a GET.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.session import Session

from myalmaty.auth.tokens import make_unsubscribe_token, public_url
from myalmaty.core.jobs import enqueue_at, job_queue
from myalmaty.core.mail import send_mail
from myalmaty.core.models import utcnow
from myalmaty.core.presenters import author_name
from myalmaty.domain.audit import AUTHOR_EVENTS, ModerationEvent, unseen_decision_count
from myalmaty.domain.decisions import DECISION_ACTIONS, describe_decision, event_label
from myalmaty.domain.jobs import PendingNotification
from myalmaty.extensions import db
from myalmaty.moderation.notification_queries import due_notifications, open_windows

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User
    from myalmaty.domain.ideas import Idea

OUTGOING = "moderation.outgoing_mail"
WINDOWS = "moderation.digest_windows"

log = logging.getLogger("myalmaty.notifications")


@dataclass(frozen=True)
class IdeaNews:
    """What one mail says about one idea: the decisions in words, and the way forward."""

    idea: Idea
    decisions: list[tuple[str, str, str]]  # (label, sentence, moderator's note)
    next_step: str
    url: str


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    body: str
    headers: dict[str, str]


def wanted(author: User, event: ModerationEvent) -> bool:
    """Whether this author is to hear of this event: never of their own steps, and only of
    what they chose to hear about."""
    if event.actor_id is not None and event.actor_id == author.id:
        return False
    if author.notify == "none":
        return False
    return author.notify != "decisions" or event.action in DECISION_ACTIONS


def next_step(idea: Idea, last: ModerationEvent) -> tuple[str, str]:
    """(what the author can do now, the address to do it at), after the idea's last decision."""
    action = last.action
    original = idea.duplicate_of
    if action == "idea.duplicate" and original is not None:
        return (_("Support the original idea “%(title)s” instead:", title=original.title),
                public_url("ideas.detail", idea_id=original.id))
    if action == "idea.reject":
        return (_("You can edit your idea and submit it again:"),
                public_url("ideas.edit", idea_id=idea.id))
    if action in ("idea.hide", "idea.auto_hide"):
        return (_("Your ideas and the decisions on them:"), public_url("ideas.mine"))
    if action in ("idea.publish", "idea.restore", "idea.unduplicate") and idea.is_public:
        return (_("See it and share it:"), public_url("ideas.detail", idea_id=idea.id))
    return (_("See your idea:"), public_url("ideas.detail", idea_id=idea.id))


def _subject(news: list[IdeaNews]) -> str:
    if len(news) == 1 and len(news[0].decisions) == 1:
        return _("Your idea “%(title)s”: %(decision)s", title=news[0].idea.title,
                 decision=news[0].decisions[0][0])
    if len(news) == 1:
        return _("News about your idea “%(title)s”", title=news[0].idea.title)
    return _("News about your ideas on #MyAlmaty")


def compose_mail(author: User, events_by_idea: list[tuple[Idea, list[ModerationEvent]]]
                 ) -> OutgoingMail | None:
    """One mail to `author` about their ideas, in their language, or None when there is
    nothing they want to hear (or nobody to write to)."""
    if not author.is_active or not author.email:
        return None
    chosen = [(idea, [e for e in events if wanted(author, e)]) for idea, events in events_by_idea]
    chosen = [(idea, events) for idea, events in chosen if events]
    if not chosen:
        return None
    unsubscribe_url = public_url("themes.unsubscribe", token=make_unsubscribe_token(author.id))
    with force_locale(author.locale):
        news = []
        for idea, events in chosen:
            step, url = next_step(idea, events[-1])
            news.append(IdeaNews(
                idea=idea,
                decisions=[(event_label(e), describe_decision(e), e.note) for e in events],
                next_step=step, url=url,
            ))
        # A plain-text template (.txt is not autoescaped); rendered straight from the jinja
        # environment so no page context processor runs inside a commit.
        body = current_app.jinja_env.get_template("moderation/email/decision.txt").render(
            name=author_name(author),
            news=news,
            mine_url=public_url("ideas.mine"),
            profile_url=public_url("auth.profile"),
            unsubscribe_url=unsubscribe_url,
        )
        subject = _subject(news)
    headers = {"List-Unsubscribe": f"<{unsubscribe_url}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return OutgoingMail(author.email, subject, body, headers)


def _group(events: list[ModerationEvent]) -> list[tuple[User, list[tuple[Idea, list[ModerationEvent]]]]]:
    """Events by author, then by idea, in the order the decisions were made."""
    by_author: dict[int, dict[int, list[ModerationEvent]]] = {}
    authors: dict[int, User] = {}
    ideas: dict[int, Idea] = {}
    for event in events:
        idea = event.idea
        assert idea is not None  # only events on an idea are queued
        authors[id(idea.author)] = idea.author
        ideas[id(idea)] = idea
        by_author.setdefault(id(idea.author), {}).setdefault(id(idea), []).append(event)
    return [(authors[key], [(ideas[i], events) for i, events in per_idea.items()])
            for key, per_idea in by_author.items()]


def digest_window() -> dt.timedelta:
    """How long decisions on one person's ideas wait for each other. Without a job queue
    nothing wakes up later to send them, so they go out with the request that made them."""
    if job_queue(current_app.config) is None:
        return dt.timedelta(0)
    return dt.timedelta(seconds=current_app.config["NOTIFY_DIGEST_WINDOW"])


def _prepare_mail(session: Session) -> None:
    if session.in_nested_transaction():
        return
    queued = session.info.pop(AUTHOR_EVENTS, [])
    live = [event for event in queued if event in session]
    if not live or not has_app_context():
        return
    # Not yet flushed, an event knows its actor only as an object and its actor_id is None,
    # which reads as the platform's: the author's own steps would be told to them.
    session.flush()
    now, window = utcnow(), digest_window()
    told = [e for e in live if e.idea is not None and wanted(e.idea.author, e)]
    if not told:
        return
    if not window:
        # Told at once, one mail per person for this unit of work; the rows record it.
        session.add_all(PendingNotification(recipient=e.idea.author, event=e, due_at=now,
                                            sent_at=now) for e in told if e.idea is not None)
        mails = [compose_mail(author, per_idea) for author, per_idea in _group(told)]
        session.info[OUTGOING] = [mail for mail in mails if mail is not None]
        return
    # A person's first decision opens a window; later ones within it join it.
    recipients = [e.idea.author for e in told if e.idea is not None]
    windows = open_windows([r.id for r in recipients], now)
    new_windows = set()
    for event, recipient in zip(told, recipients, strict=True):
        due = windows.get(recipient.id)
        if due is None:
            due = windows[recipient.id] = now + window
            new_windows.add(due)
        session.add(PendingNotification(recipient=recipient, event=event, due_at=due))
    session.info[WINDOWS] = sorted(new_windows)


def _send_mail(session: Session) -> None:
    if session.in_nested_transaction():
        return
    for mail in session.info.pop(OUTGOING, []):
        send_mail(mail.to, mail.subject, mail.body, mail.headers)
    for due in session.info.pop(WINDOWS, []):
        # The worker's scheduler starts it then; if Redis cannot take it now, the decisions
        # still wait in the table for the next window's job or `flask notify send-due`.
        if not enqueue_at(due, send_due_notifications):
            log.warning("Notifications due at %s wait for `flask notify send-due`", due)


def _forget(session: Session, previous_transaction: sa.orm.SessionTransaction) -> None:
    if previous_transaction.nested:
        return  # the outer transaction may still commit; rolled-back events drop out by then
    session.info.pop(AUTHOR_EVENTS, None)
    session.info.pop(OUTGOING, None)
    session.info.pop(WINDOWS, None)


def send_due_notifications(now: dt.datetime | None = None) -> int:
    """The job: one mail to each person whose window has closed, with every decision on their
    ideas made in it (what they chose to hear of, checked again now). Returns mails sent."""
    now = now or utcnow()
    due = due_notifications(now)
    if not due:
        db.session.rollback()
        return 0
    mails = [compose_mail(author, per_idea) for author, per_idea in _group([n.event for n in due])]
    for notification in due:
        notification.sent_at = now
    db.session.commit()
    sent = [mail for mail in mails if mail is not None]
    for mail in sent:
        send_mail(mail.to, mail.subject, mail.body, mail.headers)
    return len(sent)


def _listen_once(event_name: str, handler: Callable[..., None]) -> None:
    if not sa.event.contains(Session, event_name, handler):
        sa.event.listen(Session, event_name, handler)


def unseen_decisions_count() -> int:
    """For the navigation: counted once per page, and only when the navigation asks."""
    if not current_user.is_authenticated:
        return 0
    if "unseen_decisions_count" not in g:
        g.unseen_decisions_count = unseen_decision_count(current_user.id)
    return int(g.unseen_decisions_count)


def init_app(app: Flask) -> None:
    _listen_once("before_commit", _prepare_mail)
    _listen_once("after_commit", _send_mail)
    _listen_once("after_soft_rollback", _forget)
    app.jinja_env.globals.update(unseen_decisions_count=unseen_decisions_count)
