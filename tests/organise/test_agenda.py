"""A forum's agenda: groups and published ideas, with a note, in the organisers' order."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from myalmaty.core.models import utcnow
from myalmaty.domain.ideas import IdeaStatus
from myalmaty.domain.reference import AgendaItem
from myalmaty.extensions import db
from tests import factories


def _agenda(forum_id: int) -> list[tuple[int | None, int | None, str]]:
    """(group_id, idea_id, note) of each item, in the agenda's order."""
    rows = db.session.execute(
        sa.select(AgendaItem.group_id, AgendaItem.idea_id, AgendaItem.note)
        .where(AgendaItem.forum_id == forum_id)
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    return [(group_id, idea_id, note) for group_id, idea_id, note in rows]


def test_a_group_goes_on_the_agenda_with_a_note(as_organiser, organiser):
    forum = factories.make_forum()
    group = factories.make_group(title="Courtyards of the centre")
    db.session.commit()

    response = as_organiser.post(
        f"/organise/forums/{forum.id}/agenda", data={"group_id": group.id, "note": "Twenty minutes"}
    )

    assert response.status_code == 302
    assert _agenda(forum.id) == [(group.id, None, "Twenty minutes")]
    item = db.session.scalar(sa.select(AgendaItem))
    assert item.added_by_id == organiser.id
    page = as_organiser.get(f"/organise/forums/{forum.id}").get_data(as_text=True)
    assert "Courtyards of the centre" in page
    assert "Twenty minutes" in page


def test_a_published_idea_goes_on_the_agenda_by_its_number(as_organiser):
    forum = factories.make_forum()
    idea = factories.make_idea(title="A cinema in the courtyard")
    db.session.commit()

    response = as_organiser.post(
        f"/organise/forums/{forum.id}/agenda", data={"group_id": "0", "idea_reference": idea.reference}
    )

    assert response.status_code == 302
    assert _agenda(forum.id) == [(None, idea.id, "")]
    assert "A cinema in the courtyard" in as_organiser.get(f"/organise/forums/{forum.id}").get_data(as_text=True)


def test_a_pending_idea_cannot_go_on_the_agenda(as_organiser):
    forum = factories.make_forum()
    idea = factories.make_idea(status=IdeaStatus.PENDING)
    db.session.commit()

    response = as_organiser.post(
        f"/organise/forums/{forum.id}/agenda",
        data={"group_id": "0", "idea_reference": str(idea.id), "note": "Keep this note"},
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Only published ideas can go on the agenda." in page
    assert "Keep this note" in page
    assert _agenda(forum.id) == []


def test_an_unknown_idea_number_is_explained(as_organiser):
    forum = factories.make_forum()
    db.session.commit()

    response = as_organiser.post(
        f"/organise/forums/{forum.id}/agenda", data={"group_id": "0", "idea_reference": "2026-99999"}
    )

    assert response.status_code == 404
    assert "No idea has the number 2026-99999." in response.get_data(as_text=True)


def test_choose_a_group_or_an_idea_not_both_nor_neither(as_organiser):
    forum = factories.make_forum()
    group = factories.make_group()
    idea = factories.make_idea()
    db.session.commit()

    neither = as_organiser.post(f"/organise/forums/{forum.id}/agenda", data={"group_id": "0"})
    both = as_organiser.post(
        f"/organise/forums/{forum.id}/agenda", data={"group_id": group.id, "idea_reference": str(idea.id)}
    )

    for response in (neither, both):
        assert response.status_code == 400
        assert "Choose a theme or give an idea" in response.get_data(as_text=True)
    assert _agenda(forum.id) == []


def test_dissolved_groups_are_not_offered_and_not_accepted(as_organiser):
    forum = factories.make_forum()
    dissolved = factories.make_group(title="Dissolved theme", dissolved_at=utcnow())
    db.session.commit()

    page = as_organiser.get(f"/organise/forums/{forum.id}").get_data(as_text=True)
    response = as_organiser.post(f"/organise/forums/{forum.id}/agenda", data={"group_id": dissolved.id})

    assert "Dissolved theme" not in page
    assert response.status_code == 400
    assert _agenda(forum.id) == []


def test_the_same_idea_goes_on_an_agenda_once(as_organiser):
    forum = factories.make_forum()
    idea = factories.make_idea()
    factories.make_agenda_item(forum, idea=idea)
    db.session.commit()

    response = as_organiser.post(
        f"/organise/forums/{forum.id}/agenda", data={"group_id": "0", "idea_reference": str(idea.id)}
    )

    assert response.status_code == 400
    assert "This is already on the forum&#39;s agenda." in response.get_data(as_text=True)
    assert len(_agenda(forum.id)) == 1


def test_ideas_linked_to_the_forums_recommendations_are_suggested_and_added_in_one_click(as_organiser):
    forum = factories.make_forum()
    recommendation = factories.make_recommendation(forum)
    linked = factories.make_idea(title="Linked to a recommendation")
    factories.make_link(recommendation, idea=linked)
    factories.make_idea(title="Not linked at all")
    db.session.commit()

    page = as_organiser.get(f"/organise/forums/{forum.id}").get_data(as_text=True)
    assert "Linked to a recommendation" in page
    assert "Not linked at all" not in page

    response = as_organiser.post(f"/organise/forums/{forum.id}/agenda/suggested", data={"idea_id": linked.id})

    assert response.status_code == 302
    assert _agenda(forum.id) == [(None, linked.id, "")]


def test_a_suggestion_already_on_the_agenda_is_refused_on_the_forums_page(as_organiser):
    forum = factories.make_forum()
    idea = factories.make_idea(title="Already there")
    factories.make_agenda_item(forum, idea=idea)
    db.session.commit()

    response = as_organiser.post(f"/organise/forums/{forum.id}/agenda/suggested", data={"idea_id": idea.id})

    assert response.status_code == 400
    assert "This is already on the forum&#39;s agenda." in response.get_data(as_text=True)
    assert len(_agenda(forum.id)) == 1


def test_agenda_items_move_up_and_down(as_organiser):
    forum = factories.make_forum()
    first, second, third = (factories.make_group(title=f"Theme {n}") for n in (1, 2, 3))
    for position, group in enumerate((first, second, third), start=1):
        factories.make_agenda_item(forum, group=group, position=position)
    db.session.commit()
    third_item = db.session.scalar(sa.select(AgendaItem.id).where(AgendaItem.group_id == third.id))

    as_organiser.post(f"/organise/agenda/{third_item}/move", data={"direction": "up"})
    as_organiser.post(f"/organise/agenda/{third_item}/move", data={"direction": "up"})

    assert [group_id for group_id, _, _ in _agenda(forum.id)] == [third.id, first.id, second.id]
    page = as_organiser.get(f"/organise/forums/{forum.id}").get_data(as_text=True)
    assert page.index("Theme 3") < page.index("Theme 1") < page.index("Theme 2")


def test_items_that_share_a_position_can_still_be_ordered(as_organiser):
    forum = factories.make_forum()
    a, b = factories.make_group(), factories.make_group()
    factories.make_agenda_item(forum, group=a, position=0)
    factories.make_agenda_item(forum, group=b, position=0)
    db.session.commit()
    b_item = db.session.scalar(sa.select(AgendaItem.id).where(AgendaItem.group_id == b.id))

    as_organiser.post(f"/organise/agenda/{b_item}/move", data={"direction": "up"})

    assert [group_id for group_id, _, _ in _agenda(forum.id)] == [b.id, a.id]


def test_the_note_can_be_changed_and_an_item_removed_without_touching_the_idea(as_organiser):
    forum = factories.make_forum()
    idea = factories.make_idea()
    item = factories.make_agenda_item(forum, idea=idea, note="Old")
    db.session.commit()

    as_organiser.post(f"/organise/agenda/{item.id}/note", data={"note": "  Ask the neighbours first  "})
    assert _agenda(forum.id) == [(None, idea.id, "Ask the neighbours first")]

    response = as_organiser.post(f"/organise/agenda/{item.id}/remove")

    assert response.status_code == 302
    assert _agenda(forum.id) == []
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.PUBLISHED


def test_a_note_over_the_limit_is_refused_with_the_reason(as_organiser):
    forum = factories.make_forum()
    item = factories.make_agenda_item(forum, idea=factories.make_idea(), note="Old")
    db.session.commit()

    response = as_organiser.post(f"/organise/agenda/{item.id}/note", data={"note": "x" * 2001})

    assert response.status_code == 400
    assert "The note is too long (at most 2000 characters)." in response.get_data(as_text=True)
    assert _agenda(forum.id)[0][2] == "Old"


def test_an_agenda_point_gets_a_time_shown_on_the_forum_page(as_organiser):
    forum = factories.make_forum()
    item = factories.make_agenda_item(forum, idea=factories.make_idea(), note="Old")
    db.session.commit()

    response = as_organiser.post(f"/organise/agenda/{item.id}/note",
                                 data={"starts_at": "10:30", "note": "Ten minutes"})

    assert response.status_code == 302
    db.session.refresh(item)
    assert item.starts_at == dt.time(10, 30) and item.note == "Ten minutes"
    page = as_organiser.get(f"/organise/forums/{forum.id}").get_data(as_text=True)
    assert 'name="starts_at" value="10:30"' in page
    # Saved without a time, the point keeps only its place in the order.
    as_organiser.post(f"/organise/agenda/{item.id}/note", data={"starts_at": "", "note": "Ten minutes"})
    db.session.refresh(item)
    assert item.starts_at is None


def test_a_time_that_is_not_one_is_refused_with_the_reason(as_organiser):
    forum = factories.make_forum()
    item = factories.make_agenda_item(forum, idea=factories.make_idea(), note="Old")
    db.session.commit()

    response = as_organiser.post(f"/organise/agenda/{item.id}/note", data={"starts_at": "25:99", "note": "New"})

    assert response.status_code == 400
    assert "Enter a time as hours and minutes, e.g. 10:30." in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.note == "Old" and item.starts_at is None
