"""Every text field and query parameter is cleaned once, the same way, before anything sees it.

NFC, control characters dropped (tab and newline kept in text areas only), outer blanks
trimmed, and the length counted after that. PostgreSQL refused the NUL that SQLite stored (a
server error); now both store the same clean text. The suite runs on both databases.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

import myalmaty
from myalmaty.core.forms import CLEAN_LINE, CLEAN_TEXT, AppForm
from myalmaty.core.permissions import Role
from myalmaty.core.text import clean_line, clean_text
from myalmaty.domain.accounts import PendingRegistration
from myalmaty.domain.ideas import Comment, Idea, IdeaStatus
from myalmaty.domain.reference import Forum
from myalmaty.domain.themes import IdeaGroup
from myalmaty.extensions import db
from tests.auth.conftest import registration
from tests.factories import CENTRE, make_category, make_idea, make_user

COMPOSED = "Сайран"
DECOMPOSED = "Саи\u0306ран"  # "й" as "и" and a combining breve, as some keyboards send it


@pytest.mark.parametrize(
    ("raw", "line", "text"),
    [
        (DECOMPOSED, COMPOSED, COMPOSED),
        ("Саи\x00\u0306ран", COMPOSED, COMPOSED),  # a control between letter and mark
        ("a\x00b\x01c\x08d\x0be\x0cf\x1fg\x7fh\x85i\x9fj", "abcdefghij", "abcdefghij"),
        ("one\ttwo\r\nthree\rfour\nfive", "one two three four five", "one\ttwo\nthree\nfour\nfive"),
        ("  both ends \n\t", "both ends", "both ends"),
        ("a  b", "a b", "a  b"),
        ("lone \ud800 surrogate", "lone surrogate", "lone  surrogate"),
        ("\x00", "", ""),
        (None, "", ""),
    ],
)
def test_clean_line_and_clean_text(raw, line, text):
    assert clean_line(raw) == line
    assert clean_text(raw) == text


def test_cleaning_twice_changes_nothing():
    for raw in (DECOMPOSED, "a\tb\r\nc\x00", "  x  "):
        assert clean_text(clean_text(raw)) == clean_text(raw)
        assert clean_line(clean_line(raw)) == clean_line(raw)


# --- every form cleans, and in one way ------------------------------------------------------


def app_form_classes() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(myalmaty.__path__, "myalmaty."):
        importlib.import_module(module.name)
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("myalmaty.") and sub is not AppForm:
                found.append(sub)
    return found


def test_every_form_of_the_app_derives_from_the_cleaning_base():
    forms = app_form_classes()
    assert len(forms) > 40
    assert [f"{f.__module__}.{f.__name__}" for f in forms if not issubclass(f, AppForm)] == []


def test_every_text_field_is_cleaned_first_and_passwords_are_left_alone(app):
    with app.test_request_context():
        for form_class in app_form_classes():
            form = form_class(formdata=None)
            for field in form:
                where = f"{form_class.__name__}.{field.name}"
                if isinstance(field, PasswordField) or not isinstance(field, StringField):
                    assert CLEAN_LINE not in field.filters and CLEAN_TEXT not in field.filters, where
                elif isinstance(field, TextAreaField):
                    assert field.filters[0] is CLEAN_TEXT and CLEAN_LINE not in field.filters, where
                else:
                    assert field.filters[0] is CLEAN_LINE and CLEAN_TEXT not in field.filters, where


# --- what is stored -------------------------------------------------------------------------


@pytest.fixture
def world(app):
    organiser = make_user(role=Role.ORGANISER, locale="en")
    pending = make_idea(status=IdeaStatus.PENDING)
    published = make_idea()
    category = make_category()
    db.session.commit()
    return {"organiser": organiser, "pending": pending.id, "published": published.id,
            "pending_version": pending.version, "published_version": published.version,
            "category": category.id}


@dataclass(frozen=True)
class TextField:
    """A text field people fill in: how to send a value, and how to read what was stored."""

    name: str
    multiline: bool
    send: Callable  # (client, world, value) -> response
    stored: Callable  # (world) -> str | None


def _as_organiser(client, world):
    with client.session_transaction() as session:
        session["_user_id"] = world["organiser"].get_id()
        session["_fresh"] = True
    return client


def _idea_form(world, **fields):
    data = {"title": "Courtyard cinema on Panfilov street",
            "description": "Open-air screenings for the neighbours on summer evenings.",
            "first_step": "Ask the neighbours which evening suits them.",
            "category": str(world["category"]), "lat": str(CENTRE[0]), "lon": str(CENTRE[1]),
            "quarter": "none"}
    return {**data, **fields}


def _scalar(statement):
    db.session.expire_all()
    return db.session.scalar(statement)


FIELDS = [
    TextField(
        "registration display name", False,
        lambda client, world, value: client.post(
            "/account/register", data=registration(email="new@example.kz", display_name=value)),
        # Registering waits for the mailed link: the name is kept with the pending registration.
        lambda world: _scalar(sa.select(PendingRegistration.display_name)
                              .where(PendingRegistration.email == "new@example.kz")),
    ),
    TextField(
        "rejection note", True,
        lambda client, world, value: _as_organiser(client, world).post(
            f"/moderation/ideas/{world['pending']}/reject",
            data={"reject-version": world["pending_version"], "reject-reason": "off_topic",
                  "reject-note": value}),
        lambda world: _scalar(sa.select(Idea.rejection_note).where(Idea.id == world["pending"])),
    ),
    TextField(
        "public answer", True,
        lambda client, world, value: _as_organiser(client, world).post(
            f"/moderation/ideas/{world['published']}/answer",
            data={"answer-version": world["published_version"], "answer-stage": "new",
                  "answer-answer": value}),
        lambda world: _scalar(sa.select(Idea.public_answer).where(Idea.id == world["published"])),
    ),
    TextField(
        "theme title", False,
        lambda client, world, value: _as_organiser(client, world).post(
            "/moderation/groups", data={"create-title": value, "create-summary": "Summary"}),
        lambda world: _scalar(sa.select(IdeaGroup.title)),
    ),
    TextField(
        "theme summary", True,
        lambda client, world, value: _as_organiser(client, world).post(
            "/moderation/groups", data={"create-title": "Courtyards", "create-summary": value}),
        lambda world: _scalar(sa.select(IdeaGroup.summary)),
    ),
    TextField(
        "comment", True,
        lambda client, world, value: _as_organiser(client, world).post(
            f"/ideas/{world['published']}/comments", data={"body": value}),
        lambda world: _scalar(sa.select(Comment.body)),
    ),
    TextField(
        "idea title", False,
        lambda client, world, value: _as_organiser(client, world).post(
            "/ideas/new", data=_idea_form(world, title=value)),
        lambda world: _scalar(sa.select(Idea.title).where(Idea.author_id == world["organiser"].id)),
    ),
    TextField(
        "idea description", True,
        lambda client, world, value: _as_organiser(client, world).post(
            "/ideas/new", data=_idea_form(world, description=value)),
        lambda world: _scalar(sa.select(Idea.description).where(Idea.author_id == world["organiser"].id)),
    ),
    TextField(
        "forum title", False,
        lambda client, world, value: _as_organiser(client, world).post(
            "/organise/forums/new",
            data={"title_ru": value, "title_kk": "Форум", "title_en": "Forum", "held_on": "2026-05-20"}),
        lambda world: _scalar(sa.select(Forum.title_ru)),
    ),
]

BASE = "Летний кинотеатр во дворе у "
# (typed, stored from one line, stored from a text area)
TYPED = [
    (f"{BASE}Сай\x00ран", f"{BASE}{COMPOSED}", f"{BASE}{COMPOSED}"),
    (f"{BASE}{DECOMPOSED}", f"{BASE}{COMPOSED}", f"{BASE}{COMPOSED}"),
    (f"{BASE}\x01Сайран\x7f\x9f\x1b", f"{BASE}{COMPOSED}", f"{BASE}{COMPOSED}"),
    (f"{BASE}Сайран:\tкаждую\r\nпятницу", f"{BASE}Сайран: каждую пятницу", f"{BASE}Сайран:\tкаждую\nпятницу"),
    (f"  \t{BASE}{COMPOSED} \r\n", f"{BASE}{COMPOSED}", f"{BASE}{COMPOSED}"),
]


@pytest.mark.parametrize(("typed", "as_line", "as_text"), TYPED,
                         ids=["NUL", "decomposed", "controls", "tab-and-newline", "outer-blanks"])
@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_what_is_typed_is_stored_clean(client, world, field, typed, as_line, as_text):
    response = field.send(client, world, typed)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert field.stored(world) == (as_text if field.multiline else as_line)


REQUIRED_LINES = [f for f in FIELDS if f.name in ("registration display name", "theme title", "idea title",
                                                  "forum title")]


@pytest.mark.parametrize("typed", ["\x00", " \x00\t\r\n ", "\x01\x7f"])
@pytest.mark.parametrize("field", REQUIRED_LINES, ids=lambda f: f.name)
def test_a_required_field_of_nothing_but_controls_is_refused_with_a_message(client, world, field, typed):
    client.get("/?lang=en")  # remembered for the visit
    response = field.send(client, world, typed)
    assert 400 <= response.status_code < 500
    page = response.get_data(as_text=True)
    assert "Please correct the highlighted fields." in page or "This field is required." in page
    assert field.stored(world) is None


def test_the_length_is_counted_after_cleaning(client, world):
    send = next(f for f in FIELDS if f.name == "theme title").send
    # 160 letters "й", each typed as two code points: 320 before NFC, 160 after (the maximum).
    assert send(client, world, DECOMPOSED[2:4] * 160).status_code == 302
    assert _scalar(sa.select(IdeaGroup.title)) == "й" * 160
    assert send(client, world, "x" * 160 + "\x00" * 20).status_code == 302
    assert send(client, world, "x" * 161).status_code == 400


def test_a_display_name_of_the_longest_length_counts_letters_not_code_points(client, world):
    send = FIELDS[0].send
    assert send(client, world, DECOMPOSED[2:4] * 80).status_code == 302
    assert FIELDS[0].stored(world) == "й" * 80


# --- query parameters -----------------------------------------------------------------------


@pytest.fixture
def findable(world):
    make_idea(status=IdeaStatus.PENDING, title=f"Кинотеатр у {COMPOSED}")
    make_idea(title=f"Сквер у {COMPOSED}")
    make_user(display_name=f"Айгерим {COMPOSED}", email="aigerim@example.kz")
    db.session.commit()
    return world


@pytest.mark.parametrize("q", ["Сай%00ран", "Саи%CC%86ран", "%01Сайран%7F", "%20Сайран%09"])
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/moderation/?q={q}", "Кинотеатр у Сайран"),
        ("/moderation/published?q={q}", "Сквер у Сайран"),
        ("/organise/users?q={q}", "Айгерим Сайран"),
        ("/ideas/?q={q}", "Сквер у Сайран"),
    ],
)
def test_a_search_is_cleaned_like_a_field_and_finds_what_it_names(client, findable, url, expected, q):
    response = _as_organiser(client, findable).get(url.format(q=q))
    assert response.status_code == 200
    assert expected in response.get_data(as_text=True)


@pytest.mark.parametrize("q", ["Сай%00ран", "Саи%CC%86ран"])
def test_the_api_search_is_cleaned_too(client, findable, q):
    features = client.get(f"/api/ideas?q={q}").get_json()["features"]
    assert [f["properties"]["title"] for f in features] == ["Сквер у Сайран"]


@pytest.mark.parametrize("path", ["/ideas/photos/a%00b/full", "/ideas/photos/%01/thumb",
                                  "/ideas/photos/" + "a" * 32 + "%00/full"])
def test_a_photo_address_with_a_control_character_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_a_reset_address_with_a_control_character_is_no_server_error(client):
    assert client.get("/account/reset/abc%00def").status_code < 500
