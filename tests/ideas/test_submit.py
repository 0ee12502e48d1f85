"""Submitting an idea: the form, its checks on the server, and what is stored."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from myalmaty.core import grid
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.changes import current_version
from myalmaty.domain.direct_insert import insert_now
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.map_cells import MapCell
from myalmaty.domain.reference import Category
from myalmaty.extensions import db
from myalmaty.ideas.queries import matching_text
from myalmaty.moderation import services as moderation
from tests.factories import CENTRE, make_category, make_idea, make_quarter


def only_idea() -> Idea:
    return db.session.scalars(sa.select(Idea)).one()


def test_the_form_shows_the_map_the_fallbacks_and_the_small_steps_hint(client, auth, resident,
                                                                      category, quarter):
    auth.as_user(resident)
    page = client.get("/ideas/new?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "data-location-picker" in html
    assert 'name="lat"' in html and 'name="lon"' in html
    assert "1000 small, connected steps" in html
    assert "Panfilov Park" in html  # the quarter choice, the fallback to the map
    assert "Public space" in html
    assert "/static/js/location-picker.js" in html
    assert "tiles.test" in html


@pytest.mark.parametrize("path", ["/ideas/new", "edit"])
def test_the_picker_is_told_where_to_ask_for_the_quarter_and_what_to_say(client, auth, resident,
                                                                        category, quarter, path):
    if path == "edit":
        idea = make_idea(status=IdeaStatus.PENDING, author=resident)
        db.session.commit()
        path = f"/ideas/{idea.id}/edit"
    auth.as_user(resident)
    html = client.get(path, query_string={"lang": "kk"}).get_data(as_text=True)
    picker = re.search(r'<div class="map-frame[^"]*"[^>]*data-location-picker[^>]*>', html)
    assert picker, "no picker map"
    attributes = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', picker.group(0)))
    assert attributes["place-url"] == "/api/place"
    # In the page's language, with the name filled in by the script.
    assert attributes["msg-quarter"] == "Орам: {name}."
    assert attributes["msg-no-quarter"].startswith("Креативті орамда емес")
    assert attributes["msg-outside"].startswith("Бұл нүкте Алматыдан тыс")
    # The status line the script writes into is announced.
    assert re.search(r'<p id="picker-status"[^>]*aria-live="polite"', html)


def test_a_resident_submits_an_idea_that_awaits_moderation(client, auth, resident, idea_form,
                                                           quarter):
    auth.as_user(resident)
    response = client.post("/ideas/new", data=idea_form())
    assert response.status_code == 302
    idea = only_idea()
    assert response.headers["Location"].endswith(f"/ideas/mine#idea-{idea.id}")
    assert idea.status is IdeaStatus.PENDING
    assert idea.author_id == resident.id
    assert idea.quarter_id == quarter.id  # found from the point
    assert (idea.lat, idea.lon) == CENTRE
    assert idea.search_text == (
        "courtyard cinema on panfilov street open-air screenings for the neighbours on summer "
        "evenings. ask the neighbours which evening suits them."
    )
    event = db.session.scalars(sa.select(ModerationEvent)).one()
    assert (event.action, event.actor_id, event.idea_id) == ("idea.submit", resident.id, idea.id)
    assert event.after["status"] == "pending"


def test_the_audit_entry_names_the_quarter_the_idea_is_stored_in(client, auth, resident,
                                                                 idea_form, quarter):
    auth.as_user(resident)
    client.post("/ideas/new", data=idea_form())
    client.post("/ideas/new", data=idea_form(quarter="none"))
    events = db.session.scalars(sa.select(ModerationEvent).order_by(ModerationEvent.id)).all()
    ideas = db.session.scalars(sa.select(Idea).order_by(Idea.id)).all()
    assert [e.after["quarter_id"] for e in events] == [i.quarter_id for i in ideas]
    assert [i.quarter_id for i in ideas] == [quarter.id, None]


def _what_and_where(statement: str) -> str:
    """`SELECT users`, `INSERT ideas`: the statement's verb and its (first) table."""
    words = statement.split()
    verb = words[0].upper()
    after = {"SELECT": "FROM", "INSERT": "INTO", "UPDATE": verb, "DELETE": "FROM"}.get(verb)
    upper = [w.upper() for w in words]
    return f"{verb} {words[upper.index(after) + 1]}" if after in upper else verb


def test_a_submission_runs_the_same_few_statements_however_many_ideas_there_are(
        client, auth, resident, idea_form, category, quarter, count_queries):
    auth.as_user(resident)
    client.post("/ideas/new", data=idea_form())  # the reference data copied once

    def submission() -> list[str]:
        form = idea_form()
        with count_queries() as counter:
            assert client.post("/ideas/new", data=form).status_code == 302
        return [_what_and_where(statement) for statement in counter.statements]

    first = submission()
    for _ in range(20):
        make_idea(status=IdeaStatus.PUBLISHED, category_id=category.id, author=resident)
    db.session.commit()
    # Who is signed in, the reference marker once, the idea and its audit entry (with
    # PostgreSQL's BEGIN/COMMIT round trips, or SQLite's COMMIT, besides). Nothing is read
    # back after the commit to name the idea in the redirect.
    assert submission() == first, first
    assert [s for s in first if s.split()[0] in {"SELECT", "INSERT", "UPDATE", "DELETE"}] == [
        "SELECT users", "SELECT content_version", "INSERT ideas", "INSERT moderation_events"]


def test_a_submission_shows_nowhere_public_until_it_is_published_then_everywhere(
        client, auth, resident, moderator, idea_form):
    """The idea and its audit entry are written past the unit of work, so nothing the flush
    hooks keep may be missed: the change marker, the map's kept cells, the search index."""
    marker = current_version(db.session)
    auth.as_user(resident)
    assert client.post("/ideas/new", data=idea_form()).status_code == 302
    assert current_version(db.session) == marker  # a pending idea changes no public answer
    assert db.session.scalars(sa.select(MapCell)).all() == []
    idea = only_idea()
    assert {column: getattr(idea, column) for column in grid.cell_keys(*CENTRE)} == \
        grid.cell_keys(*CENTRE)
    event = db.session.scalars(sa.select(ModerationEvent)).one()
    assert (event.before, event.note, event.author_seen_at) == ({}, "", None)
    assert event.after == {"title": idea.title, "description": idea.description,
                           "first_step": idea.first_step, "category_id": idea.category_id,
                           "lat": idea.lat, "lon": idea.lon, "quarter_id": None,
                           "photo_key": None, "status": "pending"}

    moderation.publish_idea(moderator, idea, version=idea.version)
    db.session.commit()
    assert current_version(db.session) > marker
    assert {(cell.level, cell.count) for cell in db.session.scalars(sa.select(MapCell))} == {
        (level, 1) for level in grid.LEVELS}
    assert db.session.scalars(
        sa.select(Idea.id).where(matching_text("кинотеатр panfilov"))).all() == []
    assert db.session.scalars(
        sa.select(Idea.id).where(matching_text("cinema PANFIL"))).all() == [idea.id]


def test_only_rows_no_flush_hook_acts_on_are_written_past_them(resident, category):
    published = Idea(author=resident, category_id=category.id, title="Courtyard cinema",
                     description="Open-air screenings.", first_step="Ask the neighbours.",
                     lat=CENTRE[0], lon=CENTRE[1], status=IdeaStatus.PUBLISHED)
    with pytest.raises(ValueError, match="only a pending idea"):
        insert_now(db.session, published)
    with pytest.raises(ValueError, match="reference marker"):
        insert_now(db.session, Category(slug="parks", name_ru="Парки", name_kk="Саябақтар",
                                        name_en="Parks"))
    assert db.session.scalar(sa.select(sa.func.count(Idea.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Category.id))) == 1


def test_messages_a_client_never_reads_do_not_pile_up_in_the_session(client, auth, resident,
                                                                      idea_form):
    auth.as_user(resident)
    for _ in range(8):  # the redirect never followed, as a script would
        assert client.post("/ideas/new", data=idea_form()).status_code == 302
    with client.session_transaction() as session:
        assert len(session["_flashes"]) == 5
    assert db.session.scalar(sa.select(sa.func.count(Idea.id))) == 8


def test_the_language_of_the_page_is_kept_with_the_idea(client, auth, resident, idea_form):
    auth.as_user(resident)
    client.post("/ideas/new?lang=kk", data=idea_form())
    assert only_idea().locale == "kk"


def test_a_point_in_no_quarter_is_welcome(client, auth, resident, idea_form, quarter):
    auth.as_user(resident)
    # Medeu district, east of the centre: inside Almaty, outside the Panfilov square.
    client.post("/ideas/new", data=idea_form(lat="43.2350", lon="76.9900"))
    assert only_idea().quarter_id is None


def test_the_resident_may_say_the_point_is_in_no_quarter(client, auth, resident, idea_form,
                                                         quarter):
    auth.as_user(resident)
    client.post("/ideas/new", data=idea_form(quarter="none"))
    assert only_idea().quarter_id is None


def test_the_resident_may_choose_another_quarter_that_holds_the_point(client, auth, resident,
                                                                      idea_form, quarter):
    overlapping = make_quarter(slug="centre", name_en="Centre")
    db.session.commit()
    auth.as_user(resident)
    client.post("/ideas/new", data=idea_form(quarter=str(overlapping.id)))
    assert only_idea().quarter_id == overlapping.id


def test_a_chosen_quarter_must_hold_the_point(client, auth, resident, idea_form, quarter):
    auth.as_user(resident)
    response = client.post("/ideas/new?lang=en",
                           data=idea_form(lat="43.2350", lon="76.9900", quarter=str(quarter.id)))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The point is not inside the quarter “Panfilov Park”" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0


def test_without_a_point_a_chosen_quarter_gives_its_centre(client, auth, resident, idea_form,
                                                          quarter):
    auth.as_user(resident)
    response = client.post("/ideas/new", data=idea_form(lat="", lon="", quarter=str(quarter.id)))
    assert response.status_code == 302
    idea = only_idea()
    assert (idea.lat, idea.lon) == (round(quarter.centre_lat, 6), round(quarter.centre_lon, 6))
    assert idea.quarter_id == quarter.id


def test_without_a_point_or_a_quarter_the_form_says_how_to_give_one(client, auth, resident,
                                                                    idea_form):
    auth.as_user(resident)
    response = client.post("/ideas/new?lang=en", data=idea_form(lat="", lon=""))
    assert response.status_code == 400
    assert "tap the map, type the coordinates or choose a quarter" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        ("nan", "76.95", "Enter a number, such as 43.2383."),
        ("NaN", "NaN", "Enter a number, such as 43.2383."),
        ("inf", "76.95", "Enter a number, such as 43.2383."),
        ("43.25", "-Infinity", "Enter a number, such as 43.2383."),
        ("abc", "76.95", "Enter a number, such as 43.2383."),
        ("1e999", "76.95", "Enter a number, such as 43.2383."),
        ("91", "76.95", "Latitude must be between -90 and 90."),
        ("-90.5", "76.95", "Latitude must be between -90 and 90."),
        ("43.25", "181", "Longitude must be between -180 and 180."),
        ("76.95", "43.25", "Latitude and longitude look swapped"),
        ("43.20", "76.62", "This point is outside Almaty. The city boundary we use is approximate"),
        ("51.1694", "71.4491", "This point is outside Almaty"),  # Astana
        ("43.25", "", "Enter the longitude as well."),
    ],
)
def test_bad_coordinates_are_refused_with_a_clear_message_and_the_text_kept(
    client, auth, resident, idea_form, lat, lon, message
):
    auth.as_user(resident)
    form = idea_form(lat=lat, lon=lon, title="My <b>courtyard</b> cinema")
    response = client.post("/ideas/new?lang=en", data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    # Whether the form or the location rules refused it, the page says so once, above it.
    assert html.count("Please correct the highlighted fields.") == 1
    assert 'value="My &lt;b&gt;courtyard&lt;/b&gt; cinema"' in html
    assert "Open-air screenings for the neighbours on summer evenings." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0


def test_coordinates_typed_with_a_decimal_comma_are_read(client, auth, resident, idea_form):
    auth.as_user(resident)
    client.post("/ideas/new", data=idea_form(lat="43,2583", lon="76,9536"))
    assert (only_idea().lat, only_idea().lon) == CENTRE


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", ""), ("title", "   "), ("title", "x" * 141), ("description", "short"),
     ("first_step", ""), ("category", ""), ("category", "999999"), ("quarter", "999999")],
)
def test_every_field_is_checked(client, auth, resident, idea_form, field, value):
    auth.as_user(resident)
    response = client.post("/ideas/new?lang=ru", data=idea_form(**{field: value}))
    assert response.status_code == 400
    assert 'class="errors"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0


def test_an_archived_category_cannot_be_chosen(client, auth, resident, idea_form):
    old = make_category(archived=True)
    db.session.commit()
    auth.as_user(resident)
    response = client.post("/ideas/new", data=idea_form(category=str(old.id)))
    assert response.status_code == 400


def test_control_characters_are_dropped_from_text(client, auth, resident, idea_form):
    auth.as_user(resident)
    client.post("/ideas/new", data=idea_form(title="Courtyard\x00 cinema\x07 here"))
    assert only_idea().title == "Courtyard cinema here"


def test_validation_messages_are_translated(client, auth, resident, idea_form):
    auth.as_user(resident)
    response = client.post("/ideas/new?lang=ru", data=idea_form(lat="43.20", lon="76.62"))
    assert "Эта точка за пределами Алматы" in response.get_data(as_text=True)
    response = client.post("/ideas/new?lang=kk", data=idea_form(lat="43.20", lon="76.62"))
    assert "Бұл нүкте Алматыдан тыс" in response.get_data(as_text=True)


def test_signing_in_is_needed_to_submit(client, idea_form):
    response = client.get("/ideas/new")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]
    assert client.post("/ideas/new", data=idea_form()).status_code == 302
