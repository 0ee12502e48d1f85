"""An author's own ideas: editing and withdrawing while pending, and the "My ideas" page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from myalmaty.domain.audit import ModerationEvent, record_event
from myalmaty.domain.ideas import IdeaStage, IdeaStatus, RejectionReason
from myalmaty.extensions import db
from tests.factories import (
    make_agenda_item,
    make_event,
    make_forum,
    make_group,
    make_idea,
    make_link,
    make_recommendation,
    make_user,
)


def events_of(idea) -> list[ModerationEvent]:
    return list(db.session.scalars(
        sa.select(ModerationEvent).where(ModerationEvent.idea_id == idea.id)
        .order_by(ModerationEvent.id)
    ))


def test_the_edit_form_is_filled_with_the_idea(client, auth, resident, category, quarter):
    idea = make_idea(status=IdeaStatus.PENDING, author=resident, category=category,
                     quarter=quarter, title="Yard cinema")
    db.session.commit()
    auth.as_user(resident)
    html = client.get(f"/ideas/{idea.id}/edit").get_data(as_text=True)
    assert 'value="Yard cinema"' in html
    assert 'value="43.258300"' in html and 'value="76.953600"' in html
    assert f'<option selected value="{category.id}">' in html
    assert '<option selected value="auto">' in html  # the quarter is the one the point is in


def test_the_author_edits_a_pending_idea_and_it_is_logged(client, auth, resident, idea_form,
                                                          quarter):
    idea = make_idea(status=IdeaStatus.PENDING, author=resident, quarter=quarter)
    db.session.commit()
    auth.as_user(resident)
    response = client.post(f"/ideas/{idea.id}/edit",
                           data=idea_form(title="A better title", version=str(idea.version)))
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.title == "A better title"
    assert idea.status is IdeaStatus.PENDING
    assert "a better title" in idea.search_text
    [event] = events_of(idea)
    assert event.action == "idea.edit" and event.actor_id == resident.id
    assert event.after["title"] == "A better title"
    assert "category_id" in event.after  # the form's category differs from the factory's


def test_edits_are_checked_like_a_new_idea(client, auth, resident, idea_form):
    idea = make_idea(status=IdeaStatus.PENDING, author=resident)
    db.session.commit()
    auth.as_user(resident)
    response = client.post(f"/ideas/{idea.id}/edit?lang=en",
                           data=idea_form(lat="43.20", lon="76.62", title="Kept title"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "outside Almaty" in html and 'value="Kept title"' in html
    db.session.refresh(idea)
    assert idea.lat != 43.20


def test_an_edit_based_on_an_old_version_is_refused(client, auth, resident, idea_form):
    idea = make_idea(status=IdeaStatus.PENDING, author=resident)
    db.session.commit()
    stale = idea.version
    idea.title = "Fixed by a moderator"
    db.session.commit()
    auth.as_user(resident)
    response = client.post(f"/ideas/{idea.id}/edit?lang=en",
                           data=idea_form(title="Mine, mine", version=str(stale)))
    assert response.status_code == 409
    assert 'value="Mine, mine"' in response.get_data(as_text=True)  # what was typed is kept
    db.session.refresh(idea)
    assert idea.title == "Fixed by a moderator"


def test_a_reviewed_idea_can_no_longer_be_edited(client, auth, resident, idea_form):
    idea = make_idea(status=IdeaStatus.PUBLISHED, author=resident, title="As published")
    db.session.commit()
    auth.as_user(resident)
    assert client.get(f"/ideas/{idea.id}/edit").status_code == 302
    client.post(f"/ideas/{idea.id}/edit", data=idea_form(title="Sneaky change"))
    db.session.refresh(idea)
    assert idea.title == "As published"


def test_the_author_withdraws_a_pending_idea_which_is_kept(client, auth, resident):
    idea = make_idea(status=IdeaStatus.PENDING, author=resident)
    db.session.commit()
    auth.as_user(resident)
    response = client.post(f"/ideas/{idea.id}/withdraw", data={"version": str(idea.version)})
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.WITHDRAWN
    [event] = events_of(idea)
    assert (event.action, event.before, event.after) == (
        "idea.withdraw", {"status": "pending"}, {"status": "withdrawn"})
    # Still there, still the author's.
    assert f'id="idea-{idea.id}"' in client.get("/ideas/mine").get_data(as_text=True)


def test_a_published_idea_cannot_be_withdrawn(client, auth, resident):
    idea = make_idea(status=IdeaStatus.PUBLISHED, author=resident)
    db.session.commit()
    auth.as_user(resident)
    response = client.post(f"/ideas/{idea.id}/withdraw?lang=en")
    assert response.status_code == 409
    # The idea's own page, saying why.
    html = response.get_data(as_text=True)
    assert "Only an idea that awaits moderation can be changed or withdrawn." in html
    assert idea.title in html
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.PUBLISHED


def test_nobody_else_edits_or_withdraws_an_idea(client, auth, resident, moderator, idea_form):
    idea = make_idea(status=IdeaStatus.PENDING, author=resident)
    db.session.commit()
    auth.as_user(moderator)  # moderators correct ideas through the moderation pages
    assert client.get(f"/ideas/{idea.id}/edit").status_code == 403
    assert client.post(f"/ideas/{idea.id}/withdraw").status_code == 403
    auth.as_user(make_user())
    db.session.commit()
    assert client.post(f"/ideas/{idea.id}/withdraw").status_code == 404
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.PENDING


def test_my_ideas_shows_what_became_of_each_idea_in_my_language(client, auth, resident,
                                                                moderator):
    pending = make_idea(status=IdeaStatus.PENDING, author=resident, title="Waiting idea")
    rejected = make_idea(status=IdeaStatus.REJECTED, author=resident, title="Refused idea",
                         rejection_reason=RejectionReason.NOT_PUBLIC_SPACE,
                         rejection_note="This is a private courtyard.")
    group = make_group(title="Courtyards of the centre")
    forum = make_forum(title_en="Forum on placemaking")
    recommendation = make_recommendation(forum=forum, title_en="1000 small steps")
    published = make_idea(status=IdeaStatus.PUBLISHED, author=resident, title="Shown idea",
                          group=group, stage=IdeaStage.SELECTED_FOR_FORUM,
                          public_answer="We will take it to the forum.")
    make_link(recommendation, group=group)
    make_agenda_item(forum, group=group)
    make_idea(status=IdeaStatus.PUBLISHED, title="Someone else's idea")
    record_event(resident, "idea.submit", idea=published, after={"status": "pending"})
    record_event(moderator, "idea.publish", idea=published,
                 before={"status": "pending"}, after={"status": "published"})
    record_event(moderator, "idea.reject", idea=rejected, before={"status": "pending"},
                 after={"status": "rejected", "rejection_reason": "not_public_space"},
                 note="internal: spoke to the akimat")
    db.session.commit()
    auth.as_user(resident)

    html = client.get("/ideas/mine?lang=en").get_data(as_text=True)
    for title in ("Waiting idea", "Refused idea", "Shown idea"):
        assert title in html
    assert "Someone else&#39;s idea" not in html
    assert "Awaiting moderation" in html and "Rejected" in html
    assert "Not an idea for a public space" in html and "This is a private courtyard." in html
    assert "We will take it to the forum." in html
    assert "Selected for a forum" in html
    assert f'href="/groups/{group.id}"' in html and "Courtyards of the centre" in html
    assert f'href="/recommendations/{recommendation.id}"' in html and "1000 small steps" in html
    assert "Forum on placemaking" in html
    assert "Your idea was published." in html
    assert "You submitted the idea" in html
    assert "Your idea was not published. Reason: Not an idea for a public space." in html
    assert "internal: spoke to the akimat" not in html  # moderators' notes stay theirs
    assert f'href="/ideas/{pending.id}/edit"' in html
    assert f'href="/ideas/{published.id}/edit"' not in html

    html = client.get("/ideas/mine?lang=kk").get_data(as_text=True)
    assert "Идеяңыз жарияланды." in html


def test_decisions_are_marked_new_until_the_author_has_seen_them(client, auth, resident,
                                                                  moderator):
    idea = make_idea(status=IdeaStatus.PUBLISHED, author=resident)
    record_event(moderator, "idea.publish", idea=idea, before={"status": "pending"},
                 after={"status": "published"})
    db.session.commit()
    auth.as_user(resident)
    assert 'class="badge new"' in client.get("/ideas/mine").get_data(as_text=True)
    assert 'class="badge new"' not in client.get("/ideas/mine").get_data(as_text=True)


def test_an_action_without_words_is_refused_and_an_old_one_still_reads_sensibly(
        client, auth, resident, moderator):
    idea = make_idea(status=IdeaStatus.PUBLISHED, author=resident)
    with pytest.raises(ValueError, match="idea.something_new"):
        record_event(moderator, "idea.something_new", idea=idea)
    # A row written before its action lost its words (or by hand) still reads as a decision.
    make_event("idea.something_new", actor=moderator, idea=idea, before={"stage": "new"},
               after={"stage": "in_progress"})
    db.session.commit()
    auth.as_user(resident)
    html = client.get("/ideas/mine?lang=en").get_data(as_text=True)
    assert "Moderation decision" in html and "idea.something_new" not in html


def test_my_ideas_needs_a_constant_number_of_queries(client, auth, resident, moderator,
                                                     count_queries):
    def add_ideas(n: int) -> None:
        for _ in range(n):
            group = make_group()
            idea = make_idea(status=IdeaStatus.PUBLISHED, author=resident, group=group)
            make_link(make_recommendation(), idea=idea)
            make_link(make_recommendation(), group=group)
            record_event(moderator, "idea.publish", idea=idea, before={"status": "pending"},
                         after={"status": "published"})
        db.session.commit()

    auth.as_user(resident)
    add_ideas(2)
    with count_queries() as few:
        assert client.get("/ideas/mine").status_code == 200
    add_ideas(10)
    with count_queries() as many:
        assert client.get("/ideas/mine").status_code == 200
    assert many.count == few.count
