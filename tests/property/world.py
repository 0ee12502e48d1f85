"""One seeded installation per test process that the walk drives: a database of its own, data
in every state, and a signed-in session for each role.

Built once per process (the walk sends thousands of requests; building per example would
cost more than sending them), so state changed by one request is seen by the next, as on a
real server. Each request carries its role's session cookie as saved after signing in: a
request that signs out, or flashes a message, cannot leak into the next one.
"""

from __future__ import annotations

import enum
import functools
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, request
from flask_migrate import stamp
from werkzeug.test import TestResponse

from myalmaty import create_app
from myalmaty.core.database import throwaway_schema
from myalmaty.core.forms import AppForm
from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import CommentStatus, IdeaStatus
from myalmaty.domain.jobs import ExportJob
from myalmaty.domain.themes import ThemeSuggestion, ThemeSuggestionRun
from myalmaty.extensions import db
from tests import factories as f
from tests.conftest import FreshContextClient, make_test_config
from tests.ideas.photos_data import picture
from tests.property.strategies import KNOWN_CONVERTERS, Generators, Pools, RouteMethod, Sent
from tests.tilefile import ZOOMS, city_tiles, make_mbtiles

# Methods a rule lists that are not walked on their own: Flask adds both to every rule.
NOT_WALKED_METHODS = {
    "HEAD": "answered as GET without a body: nothing of its own to check",
    "OPTIONS": "answered by Flask itself with the Allow header",
}
# Rules not walked, each with the reason. Keep it short: a rule here is a rule nobody checks.
NOT_WALKED_RULES: dict[str, str] = {}

# Query parameters read outside a form (filters, pages, the language, where to go next).
QUERY_NAMES = ("q", "page", "category", "quarter", "stage", "sort", "bbox", "lat", "lon",
               "text", "exclude", "lang", "next", "status", "format", "role")
# Small limits, so that a body past them costs little to send.
MAX_PHOTO_BYTES = 48 * 1024
MAX_BODY = 64 * 1024


@functools.cache
def walk_tile_file() -> str:
    """A tiny MBTiles file, so that the routes switched on by TILE_FILE are walked too (made
    once per process; the folder goes with the process's temporary files)."""
    folder = Path(tempfile.mkdtemp(prefix="myalmaty-walk-tiles-"))
    return str(make_mbtiles(folder / "almaty.mbtiles"))


@functools.cache
def _route_app() -> Flask:
    """The app as configured for the walk, for reading its URL map (no database is opened)."""
    return create_app(make_test_config("sqlite://", Path("/nonexistent"), TILE_FILE=walk_tile_file()))


def limit_settings() -> list[str]:
    """The settings holding a rate limit ("10 per hour"): a new limit is raised for the walk too."""
    return [name for name, value in _route_app().config.items()
            if name.startswith("RATELIMIT_") and isinstance(value, str) and " per " in value]


def walked_routes(app: Flask | None = None) -> list[RouteMethod]:
    """Every rule of the URL map with every method it takes, but those excluded above."""
    return sorted(
        (
            RouteMethod(rule.endpoint, rule.rule, method)
            for rule in (app or _route_app()).url_map.iter_rules()
            if rule.endpoint not in NOT_WALKED_RULES
            for method in sorted(rule.methods or ())
            if method not in NOT_WALKED_METHODS
        ),
        key=lambda r: (r.rule, r.method),
    )


def unwalkable_converters(routes: list[RouteMethod]) -> list[str]:
    return [f"{r.rule} ({c})" for r in routes for c, _, _ in r.parts() if c not in KNOWN_CONVERTERS]


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def form_field_names() -> list[str]:
    """The name of every field of every form of the app (a new form's fields come for free)."""
    _route_app()  # imports every blueprint, so every form class exists
    found: set[str] = set()
    for form in _subclasses(AppForm):
        found.update(name for name in dir(form) if hasattr(getattr(form, name, None), "field_class"))
    return sorted(found)


def enum_values() -> list[str]:
    """The value of every enum the app defines (stages, statuses, roles, reasons, formats...)."""
    return sorted({
        str(member.value)
        for kind in _subclasses(enum.Enum)
        if kind.__module__.startswith("myalmaty.")
        for member in kind
        if isinstance(member.value, str | int)
    })


@contextmanager
def separate_database(folder: Path) -> Iterator[str]:
    """A database for the world alone: the suite's per-process one is emptied after each test."""
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        yield f"sqlite:///{folder / 'walk.sqlite3'}"
        return
    with throwaway_schema(base_url, f"walk_{os.getpid()}") as url:
        yield url


class _MessageFinder(HTMLParser):
    """The text of the places a page says what went wrong: the error page, flashed messages,
    a field's errors and the notice above a form."""

    MARKERS = ("error-page", "flash", "errors", "form-errors")

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # > 0 inside a marked element
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or any(m in classes for m in self.MARKERS) or dict(attrs).get("role") == "alert":
            if tag not in ("br", "img", "input", "meta", "link", "hr", "wbr"):
                self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in ("br", "img", "input", "meta", "link", "hr", "wbr"):
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and data.strip():
            self.text.append(data.strip())


def message_of(response: TestResponse) -> str:
    """The human message a refusal carries ("" when it has none): `error.message` in JSON,
    the error page's, flashed or field-error text in HTML, or the sentence of a plain-text
    answer (what an image route, such as a map tile, says instead of a page)."""
    if response.is_json:
        document = response.get_json(silent=True)
        error = document.get("error") if isinstance(document, dict) else None
        if isinstance(error, dict):
            return str(error.get("message") or error.get("detail") or "").strip()
        return str(error or "").strip()
    if response.mimetype == "text/html":
        finder = _MessageFinder()
        finder.feed(response.get_data(as_text=True))
        return " ".join(finder.text)
    if response.mimetype == "text/plain":
        return response.get_data(as_text=True).strip()
    return ""


class World:
    """The seeded app, its ids for the generators, and the way a `Sent` is sent."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.app = create_app(make_test_config(
            database_url, folder,
            # Rate limits have tests of their own; here they would answer 429 to everything
            # after a while. RATELIMIT_ENABLED cannot switch them off: flask-limiter's one
            # Limiter is shared by every app of the process, and the app made last decides.
            # Each limit is read from the app's own settings per request, so those are raised.
            **dict.fromkeys(limit_settings(), "1000000 per second"),
            PROPAGATE_EXCEPTIONS=True,  # an exception fails the walk with its traceback
            MAX_PHOTO_BYTES=MAX_PHOTO_BYTES,
            MAX_CONTENT_LENGTH=MAX_BODY,
            TILE_FILE=walk_tile_file(),
        ))
        self.app.test_client_class = FreshContextClient
        self.client = self.app.test_client(use_cookies=False)
        self._last_endpoint: str | None = None

        def note_endpoint() -> None:
            self._last_endpoint = f"{request.method} {request.url_rule.rule}" if request.url_rule else None

        self.app.before_request_funcs.setdefault(None, []).insert(0, note_endpoint)
        with self.app.app_context():
            db.create_all()
            # At Alembic's head, as `flask db upgrade` leaves it: /readyz then answers 200, and a
            # 503 from it would be a finding like any other 5xx.
            stamp()
            self.ids, self.tokens, self._accounts = self._seed()
            db.session.commit()
        self.sessions = {role: self._session_cookie(user_id) for role, user_id in self._role_ids.items()}
        self.pools = Pools(
            ids=self.ids,
            tokens=self.tokens + enum_values(),
            field_names=form_field_names(),
            query_names=sorted(set(QUERY_NAMES) | set(form_field_names())),
            files=(picture(size=(16, 12), noise=False), picture("PNG", size=(8, 8), noise=False),
                   b'{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}',
                   b'{"type": "Point", "coordinates": [NaN, 1e999]}', b"\xff\xd8\xff\xe0" + b"\x00" * 40),
            max_body=MAX_BODY,
        )
        self.gens = Generators(self.pools)

    def _seed(self) -> tuple[dict[str, list[int]], list[str], dict[int, dict[str, Any]]]:
        resident = f.make_user(Role.RESIDENT, display_name="Walk resident")
        moderator = f.make_user(Role.MODERATOR, display_name="Walk moderator")
        organiser = f.make_user(Role.ORGANISER, display_name="Walk organiser")
        other = f.make_user(display_name="Walk neighbour")
        self._role_ids = {"resident": resident.id, "moderator": moderator.id, "organiser": organiser.id}
        categories = [f.make_category(), f.make_category(archived=True)]
        quarters = [f.make_quarter(), f.make_quarter(archived=True)]
        ideas = [
            f.make_idea(status, author=author, category=categories[0], quarter=quarters[0])
            for status in IdeaStatus
            if status is not IdeaStatus.DUPLICATE
            for author in (resident, other)
        ]
        published = [i for i in ideas if i.status is IdeaStatus.PUBLISHED]
        ideas.append(f.make_idea(IdeaStatus.DUPLICATE, author=other, duplicate_of=published[0]))
        for idea in published:
            f.make_support(idea, other)
        comments = [f.make_comment(published[0], resident), f.make_comment(published[0], other),
                    f.make_comment(published[1], other, status=CommentStatus.HIDDEN)]
        f.make_report(idea=published[1], reporter=resident)
        f.make_report(comment=comments[1], reporter=resident)
        groups = [f.make_group(), f.make_group()]
        published[0].group = groups[0]
        forum = f.make_forum()
        recommendations = [f.make_recommendation(forum), f.make_recommendation(forum)]
        links = [f.make_link(recommendations[0], idea=published[0]),
                 f.make_link(recommendations[1], group=groups[0])]
        items = [f.make_agenda_item(forum, idea=published[1]),
                 f.make_agenda_item(forum, group=groups[1])]
        f.make_event("publish", idea=published[0], actor=moderator)
        # An export the organiser asked for, still waiting (its status and its file's address).
        export_job = ExportJob(requested_by=organiser, args={"format": ["csv"]}, format="csv")
        db.session.add(export_job)
        # Suggested themes computed once: one suggestion over published ideas.
        run = ThemeSuggestionRun(status="done", requested_by=moderator)
        suggestion = ThemeSuggestion(run=run, idea_ids=[i.id for i in published],
                                     key_words=["кинотеатр", "двор"],
                                     representative_id=published[-1].id)
        db.session.add_all([run, suggestion])
        db.session.flush()
        users = [resident, moderator, organiser, other]
        ids = {
            "idea_id": [i.id for i in ideas],
            "comment_id": [c.id for c in comments],
            "group_id": [g.id for g in groups],
            "forum_id": [forum.id],
            "recommendation_id": [r.id for r in recommendations],
            "link_id": [link.id for link in links],
            "item_id": [i.id for i in items],
            "category_id": [c.id for c in categories],
            "quarter_id": [q.id for q in quarters],
            "user_id": [u.id for u in users],
            "job_id": [export_job.id],
            "suggestion_id": [suggestion.id],
            # A tile the walk's tile file holds (see walk_tile_file).
            "z": [ZOOMS[0]],
            "x": [city_tiles(ZOOMS[0])[0][0]],
            "y": [city_tiles(ZOOMS[0])[0][1]],
        }
        tokens = sorted({str(i) for found in ids.values() for i in found}
                        | {c.slug for c in categories} | {q.slug for q in quarters}
                        | {i.reference for i in ideas if getattr(i, "reference", None)})
        accounts = {u.id: {"role": u.role, "active": True, "password_hash": u.password_hash,
                           "display_name": u.display_name, "email": u.email} for u in users}
        return ids, tokens, accounts

    def _session_cookie(self, user_id: int) -> str:
        client = self.app.test_client()
        with self.app.app_context():
            from myalmaty.domain.accounts import User

            user = db.session.get(User, user_id)
            assert user is not None
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
        cookie = client.get_cookie("session")
        assert cookie is not None
        return cookie.value

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()

    def restore_accounts(self) -> None:
        """Put the role accounts back as seeded: the walk may have changed a role, deactivated
        someone or deleted an account, and the next requests should still be made as that role."""
        from myalmaty.domain.accounts import User

        with self.app.app_context():
            for user_id, columns in self._accounts.items():
                db.session.execute(
                    sa.update(User).where(User.id == user_id).values(deleted_at=None, **columns)
                )
            db.session.commit()

    def send(self, sent: Sent) -> tuple[TestResponse, str | None]:
        """The response to `sent`, and the rule it was routed to (None when no rule matched)."""
        headers = list(sent.headers)
        cookies = [f"session={self.sessions[sent.role]}"] if sent.role != "anonymous" else []
        if sent.cookie:
            cookies.append(sent.cookie)
        if cookies:
            headers.append(("Cookie", "; ".join(cookies)))
        self._last_endpoint = None
        response = self.client.open(
            sent.path, method=sent.method, query_string=sent.query_string, data=sent.body,
            content_type=sent.content_type, headers=headers,
        )
        response.get_data()  # a streamed body (an export) is produced, and may fail, here
        response.close()
        if sent.method == "POST" and 300 <= response.status_code < 400:
            self.restore_accounts()
        return response, self._last_endpoint

