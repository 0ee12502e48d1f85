"""Authors hear back: an e-mail in their own language after each committed decision, and a
notice on their next visit, shown once. `decisions_for_author` and `action_label` for their page."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from myalmaty.domain.audit import decisions_for_author, record_event
from myalmaty.domain.decisions import action_label, describe_decision
from myalmaty.domain.ideas import IdeaStage, IdeaStatus, RejectionReason
from myalmaty.extensions import db
from myalmaty.moderation import services
from myalmaty.moderation.services import BulkAction, BulkParams, BulkRefused
from tests.factories import make_idea, make_user


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


def test_the_notice_shows_once_on_the_next_visit(app, client, auth, moderator):
    author = make_user(locale="en")
    idea = make_idea(status=IdeaStatus.PENDING, author=author, title="Benches by the canal")
    services.publish_idea(moderator, idea, version=idea.version)
    db.session.commit()
    auth.as_user(author)
    first = client.get("/").get_data(as_text=True)
    assert "News about your idea “Benches by the canal”: Published." in first
    second = client.get("/").get_data(as_text=True)
    assert "News about your idea" not in second


def test_the_notice_escapes_the_title(app, client, auth, moderator):
    author = make_user(locale="en")
    idea = make_idea(status=IdeaStatus.PENDING, author=author, title="<script>alert(1)</script>")
    services.publish_idea(moderator, idea, version=idea.version)
    db.session.commit()
    auth.as_user(author)
    page = client.get("/").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_the_notice_costs_one_query_when_there_is_nothing_new(app, client, auth, count_queries):
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
    # The user's row, and the one look for unseen decisions.
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
