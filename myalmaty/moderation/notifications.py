"""Authors hear back: an e-mail in their language, and a count of news in the navigation.

Decisions are told only once they are committed. `record_event` queues every author-visible
event on the database session; just before the outer commit the mails are written (one per
idea, listing its decisions, in the author's language), and they are sent right after the
commit succeeds. Events undone by a rollback (a refused bulk action rolls its savepoint back)
are no longer in the session and are never told.

The count: the navigation's "My ideas" link shows how many decisions on the signed-in person's
ideas they have not seen yet, read by one count query (only when a page draws the navigation;
nothing is written). "My ideas" lists the decisions, marks the unseen ones as new, and its route
marks them seen (`ideas.services.mark_history_seen`) and commits: no hook writes on a GET.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.session import Session

from myalmaty.core.mail import send_mail
from myalmaty.core.presenters import author_name
from myalmaty.domain.audit import AUTHOR_EVENTS, ModerationEvent, unseen_decision_count
from myalmaty.domain.decisions import describe_decision, event_label

if TYPE_CHECKING:
    from myalmaty.domain.ideas import Idea

OUTGOING = "moderation.outgoing_mail"


def public_url(endpoint: str, **values: object) -> str:
    """An absolute address for e-mails, from PUBLIC_BASE_URL (there may be no request)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def compose_decision_mail(idea: Idea, events: list[ModerationEvent]) -> tuple[str, str, str] | None:
    """(to, subject, body) in the author's language, or None when nobody should be written to."""
    author = idea.author
    if not author.is_active or not author.email:
        return None
    events = [e for e in events if e.actor_id is None or e.actor_id != author.id]
    if not events:
        return None
    with force_locale(author.locale):
        decisions = [(event_label(e), describe_decision(e), e.note) for e in events]
        subject = _("Your idea “%(title)s”: %(decision)s", title=idea.title,
                    decision=decisions[-1][0])
        # A plain-text template (.txt is not autoescaped); rendered straight from the jinja
        # environment so no page context processor runs inside a commit.
        body = current_app.jinja_env.get_template("moderation/email/decision.txt").render(
            name=author_name(author),
            idea=idea,
            decisions=decisions,
            idea_url=public_url("ideas.detail", idea_id=idea.id),
            mine_url=public_url("ideas.mine"),
        )
    return author.email, subject, body


def _prepare_mail(session: Session) -> None:
    if session.in_nested_transaction():
        return
    queued = session.info.pop(AUTHOR_EVENTS, [])
    live = [event for event in queued if event in session]
    if not live or not has_app_context():
        return
    by_idea: dict[int, list[ModerationEvent]] = defaultdict(list)
    ideas = {}
    for event in live:
        by_idea[id(event.idea)].append(event)
        ideas[id(event.idea)] = event.idea
    mails = [compose_decision_mail(ideas[key], events) for key, events in by_idea.items()]
    session.info[OUTGOING] = [mail for mail in mails if mail is not None]


def _send_mail(session: Session) -> None:
    if session.in_nested_transaction():
        return
    for to, subject, body in session.info.pop(OUTGOING, []):
        send_mail(to, subject, body)


def _forget(session: Session, previous_transaction: sa.orm.SessionTransaction) -> None:
    if previous_transaction.nested:
        return  # the outer transaction may still commit; rolled-back events drop out by then
    session.info.pop(AUTHOR_EVENTS, None)
    session.info.pop(OUTGOING, None)


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
