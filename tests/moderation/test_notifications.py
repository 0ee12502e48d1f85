"""Authors hear back: an e-mail in their own language after each committed decision, and a
count of unseen decisions in the navigation (read without writing) until "My ideas" shows them.
`decisions_for_author` and `action_label` for their page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from myalmaty.domain.audit import ModerationEvent, decisions_for_author, record_event
from myalmaty.domain.decisions import action_label, describe_decision
from myalmaty.domain.ideas import IdeaStage, IdeaStatus, RejectionReason
from myalmaty.extensions import db
from myalmaty.moderation import services
from myalmaty.moderation.services import BulkAction, BulkParams, BulkRefused
from tests.factories import make_event, make_idea, make_user

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"PUBLIC_BASE_URL": "https://ideas.example.kz"}


def test_the_author_gets_the_decision_in_their_language(app, moderator, outbox):
    author = make_user(locale="kk", email="asel@example.kz", display_name="Әсел")
    idea = make_idea(status=IdeaStatus.PENDING, author=author, title="Аулада кино")
    services.reject_idea(moderator, idea, version=idea.version,
                         reason=RejectionReason.OUTSIDE_ALMATY, note="Нүкте Талғарда тұр.")
    assert outbox == []  # nothing is told before the decision is committed
    db.session.commit()
    assert len(outbox) == 1
    mail = outbox[0]
    assert mail.to == "asel@example.kz"
    assert "Аулада кино" in mail.subject
    assert "Қабылданбады" in mail.subject  # "Rejected", in Kazakh
    assert "Алматыдан тыс" in mail.body  # the reason's label, in Kazakh
    assert "Нүкте Талғарда тұр." in mail.body  # the note as written
    assert f"https://ideas.example.kz/ideas/{idea.id}" in mail.body
    assert mail.body.startswith("Сәлеметсіз бе, Әсел!")
    assert moderator.display_name not in mail.body  # moderators are not named to residents


def test_a_russian_author_reads_russian(app, moderator, outbox):
    author = make_user(locale="ru")
    idea = make_idea(status=IdeaStatus.PENDING, author=author)
    services.publish_idea(moderator, idea, version=idea.version)
    db.session.commit()
    assert "Опубликована" in outbox[0].subject


def test_several_decisions_in_one_request_make_one_mail(app, moderator, outbox):
    idea = make_idea()
    services.answer_idea(moderator, idea, version=idea.version, stage=IdeaStage.IN_PROGRESS,
                         answer="The akimat has started.")
    db.session.commit()
    assert len(outbox) == 1
    assert "The akimat has started." in outbox[0].body


def test_rolled_back_decisions_are_never_told(app, moderator, outbox):
    idea = make_idea(status=IdeaStatus.PENDING)
    services.publish_idea(moderator, idea, version=idea.version)
    db.session.rollback()
    db.session.commit()
    assert outbox == []


def test_a_refused_bulk_tells_nobody(app, moderator, outbox):
    ideas = [make_idea(status=IdeaStatus.PENDING), make_idea(status=IdeaStatus.PUBLISHED)]
    db.session.commit()
    with pytest.raises(BulkRefused):
        services.apply_bulk(moderator, BulkAction.PUBLISH,
                            [(i.id, i.version) for i in ideas], BulkParams())
    db.session.commit()  # whatever else the request did still commits: the savepoint is gone
    assert outbox == []
    db.session.refresh(ideas[0])
    assert ideas[0].status is IdeaStatus.PENDING


def test_nobody_is_told_of_their_own_decision(app, moderator, outbox):
    idea = make_idea(author=moderator)
    services.set_idea_stage(moderator, idea, version=idea.version, stage=IdeaStage.DONE)
    db.session.commit()
    assert outbox == []


def _decided_for(author, moderator, title: str = "Benches by the canal"):
    """An idea of `author` published and then answered: two decisions they have not seen."""
    idea = make_idea(status=IdeaStatus.PENDING, author=author, title=title)
    services.publish_idea(moderator, idea, version=idea.version)
    services.set_idea_stage(moderator, idea, version=idea.version, stage=IdeaStage.IN_PROGRESS)
    db.session.commit()
    return idea


def test_an_ordinary_page_counts_unseen_decisions_and_writes_nothing(
    app, client, auth, moderator, count_queries
):
    author = make_user(locale="en")
    _decided_for(author, moderator)
    auth.as_user(author)
    with count_queries() as counter:
        page = client.get("/").get_data(as_text=True)
    assert [s for s in counter.statements if s.lstrip().upper().startswith(WRITES)] == []
    assert 'class="badge new unseen-count"' in page
    assert "2 new decisions on your ideas" in page
    # Nothing was marked seen: the count stays until "My ideas" shows them.
    assert "2 new decisions on your ideas" in client.get("/ideas/").get_data(as_text=True)


def test_my_ideas_shows_the_decisions_and_marks_them_seen(app, client, auth, moderator):
    author = make_user(locale="en")
    idea = _decided_for(author, moderator)
    auth.as_user(author)
    mine = client.get("/ideas/mine").get_data(as_text=True)
    assert "Benches by the canal" in mine
    assert "New for you" in mine
    events = db.session.scalars(
        sa.select(ModerationEvent).where(ModerationEvent.idea_id == idea.id)
    ).all()
    assert events and all(event.author_seen_at is not None for event in events)
    assert "new decision" not in client.get("/").get_data(as_text=True)


def test_the_authors_own_steps_are_not_counted(app, client, auth):
    author = make_user(locale="en")
    make_event("idea.submit", idea=make_idea(status=IdeaStatus.PENDING, author=author),
               actor=author)
    db.session.commit()
    auth.as_user(author)
    assert "unseen-count" not in client.get("/").get_data(as_text=True)


def test_visitors_see_no_count(app, client, moderator):
    _decided_for(make_user(locale="en"), moderator)
    assert "unseen-count" not in client.get("/?lang=en").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/ideas/", "/ideas/map", "/ideas/{id}", "/account/profile",
                                  "/?lang=kk"])
def test_opening_a_page_writes_nothing(app, client, auth, moderator, count_queries, path):
    author = make_user(locale="en")
    idea = _decided_for(author, moderator)
    auth.as_user(author)
    with count_queries() as counter:
        response = client.get(path.format(id=idea.id))
    assert response.status_code == 200
    assert [s for s in counter.statements if s.lstrip().upper().startswith(WRITES)] == []


def test_the_count_costs_one_query_when_there_is_nothing_new(app, client, auth, count_queries):
    author = make_user(locale="en")
    db.session.commit()
    auth.as_user(author)
    client.get("/")
    with count_queries() as signed_in:
        client.get("/")
    auth.logout()
    with client.session_transaction() as session:
        session.clear()
    with count_queries() as anonymous:
        client.get("/")
    # The user's row, and the one count of unseen decisions.
    assert signed_in.count - anonymous.count == 2


def test_automatic_hiding_is_told_too(app, outbox):
    idea = make_idea(status=IdeaStatus.HIDDEN)
    record_event(None, "idea.auto_hide", idea=idea, before={"status": "published"},
                 after={"status": "hidden"})
    db.session.commit()
    assert len(outbox) == 1


def test_decisions_for_author_gives_each_idea_its_decisions_in_one_query(
    app, moderator, count_queries, recommendation
):
    first, second, untouched = make_idea(status=IdeaStatus.PENDING), make_idea(), make_idea()
    services.publish_idea(moderator, first, version=first.version)
    services.link_idea(moderator, second, recommendation, version=second.version)
    group = services.create_group(moderator, title="Theme")
    services.add_idea_to_group(moderator, group, second, version=second.version)
    db.session.commit()
    ids = [first.id, second.id, untouched.id]
    with count_queries() as counter:
        decisions = decisions_for_author(ids)
    assert counter.count == 1
    assert [e.action for e in decisions[first.id]] == ["idea.publish"]
    assert [e.action for e in decisions[second.id]] == ["idea.link", "idea.group_add"]
    assert decisions[untouched.id] == []
    with force_locale("kk"):
        assert action_label("idea.reject") == "Қабылданбады"
        linked = describe_decision(decisions[second.id][0])
        assert recommendation.title_kk in linked
    with force_locale("en"):
        assert describe_decision(decisions[second.id][1]) == "Added to the theme “Theme”."
