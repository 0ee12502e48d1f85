"""Forums and their recommendations: create, edit, validation, order."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from myalmaty.core.errors import DomainError
from myalmaty.core.permissions import PermissionDenied, Role
from myalmaty.domain.reference import Forum, Recommendation
from myalmaty.extensions import db
from myalmaty.organise import services
from tests import factories
from tests.organise.data import FORUM, RECOMMENDATION


def _forums() -> list[Forum]:
    return list(db.session.scalars(sa.select(Forum)))


def test_organiser_creates_a_forum_in_three_languages(as_organiser):
    response = as_organiser.post("/organise/forums/new", data=FORUM)

    (forum,) = _forums()
    assert response.headers["Location"] == f"/organise/forums/{forum.id}"
    assert (forum.title_ru, forum.title_kk, forum.title_en) == (
        FORUM["title_ru"], FORUM["title_kk"], FORUM["title_en"])
    assert forum.held_on == dt.date(2026, 11, 28)
    assert forum.venue_kk == "ҚБТУ, Төле би 59"
    page = as_organiser.get("/organise/forums").get_data(as_text=True)
    assert "VI #MyAlmaty Forum" in page


def test_a_forum_without_a_kazakh_title_is_refused_and_the_form_keeps_what_was_typed(as_organiser):
    response = as_organiser.post("/organise/forums/new", data={**FORUM, "title_kk": "  "})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter the title in Kazakh." in page
    assert 'value="VI Форум #МыАлматы"' in page
    assert _forums() == []


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        ("2026-02-30", "Not a valid date value."),
        ("28.11.2026", "Not a valid date value."),
        ("", "Enter the date of the forum."),
        ("1899-07-21", "Enter a date between 2000 and 2100."),
    ],
)
def test_invalid_dates_are_refused_with_a_clear_message(as_organiser, held_on, message):
    response = as_organiser.post("/organise/forums/new", data={**FORUM, "held_on": held_on})

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _forums() == []


def test_messages_are_translated_into_kazakh(as_organiser):
    response = as_organiser.post("/organise/forums/new?lang=kk", data={**FORUM, "title_kk": ""})

    assert response.status_code == 400
    assert "Атауын қазақ тілінде енгізіңіз." in response.get_data(as_text=True)


def test_organiser_edits_a_forum(as_organiser):
    forum = factories.make_forum()
    db.session.commit()

    response = as_organiser.post(f"/organise/forums/{forum.id}/edit", data={**FORUM, "venue_en": "Almaty Arena"})

    assert response.status_code == 302
    db.session.refresh(forum)
    assert forum.venue_en == "Almaty Arena"
    assert forum.title_ru == FORUM["title_ru"]


def test_editing_a_forum_that_does_not_exist_is_404(as_organiser):
    assert as_organiser.get("/organise/forums/999/edit").status_code == 404


def test_a_recommendation_goes_to_the_end_of_the_forums_list(as_organiser):
    forum = factories.make_forum()
    factories.make_recommendation(forum, position=1)
    db.session.commit()

    response = as_organiser.post(f"/organise/forums/{forum.id}/recommendations/new", data=RECOMMENDATION)

    assert response.status_code == 302
    added = db.session.scalar(sa.select(Recommendation).where(Recommendation.title_en == "Believe in risky ideas"))
    assert added.forum_id == forum.id
    assert added.position == 2
    assert added.text_kk == RECOMMENDATION["text_kk"]


@pytest.mark.parametrize("missing", ["title_kk", "text_ru", "text_en"])
def test_a_recommendation_needs_title_and_text_in_every_language(as_organiser, missing):
    forum = factories.make_forum()
    db.session.commit()

    response = as_organiser.post(
        f"/organise/forums/{forum.id}/recommendations/new", data={**RECOMMENDATION, missing: ""}
    )

    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Recommendation.id))) == 0
    assert RECOMMENDATION["title_ru"] in response.get_data(as_text=True)


def test_organiser_edits_a_recommendation(as_organiser):
    recommendation = factories.make_recommendation()
    db.session.commit()

    response = as_organiser.post(f"/organise/recommendations/{recommendation.id}/edit", data=RECOMMENDATION)

    assert response.status_code == 302
    db.session.refresh(recommendation)
    assert recommendation.title_kk == RECOMMENDATION["title_kk"]


def _order(forum_id: int) -> list[str]:
    return list(db.session.scalars(
        sa.select(Recommendation.title_en)
        .where(Recommendation.forum_id == forum_id)
        .order_by(Recommendation.position)
    ))


def test_recommendations_move_up_and_down(as_organiser):
    forum = factories.make_forum()
    for position, title in enumerate(["Risky ideas", "Small steps", "A place"], start=1):
        factories.make_recommendation(forum, position=position, title_en=title)
    db.session.commit()
    small_steps = db.session.scalar(sa.select(Recommendation.id).where(Recommendation.title_en == "Small steps"))

    as_organiser.post(f"/organise/recommendations/{small_steps}/move", data={"direction": "up"})
    assert _order(forum.id) == ["Small steps", "Risky ideas", "A place"]

    as_organiser.post(f"/organise/recommendations/{small_steps}/move", data={"direction": "down"})
    as_organiser.post(f"/organise/recommendations/{small_steps}/move", data={"direction": "down"})
    assert _order(forum.id) == ["Risky ideas", "A place", "Small steps"]

    # Already last (a page from before the last move): nothing changes, and it says so.
    response = as_organiser.post(f"/organise/recommendations/{small_steps}/move", data={"direction": "down"})
    assert response.status_code == 302
    assert _order(forum.id) == ["Risky ideas", "A place", "Small steps"]
    assert "Nothing was changed." in as_organiser.get(response.headers["Location"]).get_data(as_text=True)


def test_a_move_in_an_unknown_direction_is_a_bad_request(as_organiser):
    recommendation = factories.make_recommendation()
    db.session.commit()

    response = as_organiser.post(f"/organise/recommendations/{recommendation.id}/move", data={"direction": "sideways"})

    assert response.status_code == 400


def test_the_forum_page_lists_recommendations_in_order(as_organiser):
    forum = factories.make_forum()
    factories.make_recommendation(forum, position=2, title_en="Second")
    factories.make_recommendation(forum, position=1, title_en="First")
    db.session.commit()

    page = as_organiser.get(f"/organise/forums/{forum.id}").get_data(as_text=True)

    assert page.index("First") < page.index("Second")


def test_services_refuse_anyone_but_an_organiser(app):
    moderator = factories.make_user(role=Role.MODERATOR)
    forum = factories.make_forum()
    details = services.ForumDetails(title_ru="Форум", title_kk="Форум", title_en="Forum", held_on=dt.date(2026, 1, 1))

    with pytest.raises(PermissionDenied):
        services.create_forum(moderator, details)
    with pytest.raises(PermissionDenied):
        services.add_recommendation(moderator, forum, services.RecommendationDetails(*["x"] * 6))
    with pytest.raises(PermissionDenied):
        services.create_category(moderator, services.CategoryDetails("a", "a", "a", "a"))


def test_the_forum_service_checks_every_language_itself(app):
    organiser = factories.make_user(role=Role.ORGANISER)
    details = services.ForumDetails(title_ru="Форум", title_kk="", title_en="Forum", held_on=dt.date(2026, 1, 1))

    with pytest.raises(DomainError):
        services.create_forum(organiser, details)
