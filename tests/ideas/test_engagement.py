"""Supporting, commenting and reporting on published ideas."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.ideas import (
    Comment,
    CommentStatus,
    IdeaStatus,
    Report,
    ReportReason,
    Support,
)
from myalmaty.extensions import db
from myalmaty.ideas import engagement
from tests.factories import make_comment, make_idea, make_report, make_user


def supports_of(idea) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Support).where(Support.idea_id == idea.id))


@pytest.fixture
def idea(app):
    found = make_idea(status=IdeaStatus.PUBLISHED, title="Courtyard cinema")
    db.session.commit()
    return found


# --- supports ------------------------------------------------------------------------------

def test_a_resident_supports_once_and_can_withdraw(client, auth, resident, idea):
    auth.as_user(resident)
    version = idea.version
    for _ in range(2):  # a double click counts once
        assert client.post(f"/ideas/{idea.id}/support",
                           data={"action": "support"}).status_code == 302
    db.session.refresh(idea)
    assert idea.support_count == supports_of(idea) == 1
    assert idea.version == version  # a support does not make moderators' forms stale
    assert "Withdraw my support" in client.get(f"/ideas/{idea.id}?lang=en").get_data(as_text=True)

    for _ in range(2):
        client.post(f"/ideas/{idea.id}/support", data={"action": "withdraw"})
    db.session.refresh(idea)
    assert idea.support_count == supports_of(idea) == 0


def test_a_support_racing_another_is_counted_once(app, resident, idea, monkeypatch):
    engagement.set_support(resident, idea, True)
    db.session.commit()
    # The second request checked before the first had written its row.
    monkeypatch.setattr(engagement, "_supports", lambda user, idea: False)
    assert engagement.set_support(resident, idea, True) is True
    db.session.commit()
    db.session.refresh(idea)
    assert idea.support_count == supports_of(idea) == 1


def test_authors_do_not_support_their_own_idea(client, auth, idea):
    auth.as_user(idea.author)
    assert "Support this idea" not in client.get(f"/ideas/{idea.id}?lang=en").get_data(as_text=True)
    response = client.post(f"/ideas/{idea.id}/support?lang=en", data={"action": "support"})
    assert response.status_code == 400
    assert "cannot support your own idea" in response.get_data(as_text=True)
    assert supports_of(idea) == 0


@pytest.mark.parametrize("status", [IdeaStatus.PENDING, IdeaStatus.DUPLICATE])
def test_only_published_ideas_are_supported(client, auth, moderator, status):
    other = make_idea(status=status, duplicate_of=make_idea() if status is IdeaStatus.DUPLICATE else None)
    db.session.commit()
    auth.as_user(moderator)
    assert client.post(f"/ideas/{other.id}/support", data={"action": "support"}).status_code == 400
    assert supports_of(other) == 0


def test_an_unknown_support_action_is_400(client, auth, resident, idea):
    auth.as_user(resident)
    assert client.post(f"/ideas/{idea.id}/support", data={"action": "double"}).status_code == 400


# --- comments ------------------------------------------------------------------------------

def test_a_resident_comments_and_the_count_follows(client, auth, resident, idea):
    auth.as_user(resident)
    response = client.post(f"/ideas/{idea.id}/comments", data={"body": "  I would come!  "})
    assert response.status_code == 302
    comment = db.session.scalars(sa.select(Comment)).one()
    assert response.headers["Location"].endswith(f"/ideas/{idea.id}#comment-{comment.id}")
    assert (comment.body, comment.author_id) == ("I would come!", resident.id)
    db.session.refresh(idea)
    assert idea.comment_count == 1
    assert "I would come!" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "shown"),
    [("", ""), ("   ", ""), ("<", "&lt;"), ("<b>" * 700, "&lt;b&gt;" * 700)],
)
def test_a_comment_too_short_or_long_is_refused_and_kept(client, auth, resident, idea, body,
                                                         shown):
    auth.as_user(resident)
    response = client.post(f"/ideas/{idea.id}/comments?lang=en", data={"body": body})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="errors"' in html
    assert f"{shown}</textarea>" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 0


def test_pending_ideas_take_no_comments(client, auth, resident):
    pending = make_idea(status=IdeaStatus.PENDING, author=resident)
    db.session.commit()
    auth.as_user(resident)
    assert client.post(f"/ideas/{pending.id}/comments", data={"body": "Me first"}).status_code == 400


class TestCommentRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_COMMENT": "2 per hour"}

    def test_too_many_comments_get_429_with_the_text_kept(self, client, auth, resident, idea):
        auth.as_user(resident)
        for n in range(2):
            assert client.post(f"/ideas/{idea.id}/comments",
                               data={"body": f"Comment {n}"}).status_code == 302
        response = client.post(f"/ideas/{idea.id}/comments?lang=en",
                               data={"body": "One more thought"})
        assert response.status_code == 429
        html = response.get_data(as_text=True)
        assert "One more thought</textarea>" in html
        assert "Please wait a little" in html
        # Another resident is not held back by the first one's limit.
        auth.as_user(make_user())
        db.session.commit()
        assert client.post(f"/ideas/{idea.id}/comments",
                           data={"body": "My first"}).status_code == 302


# --- reports -------------------------------------------------------------------------------

def test_a_resident_reports_an_idea_once(client, auth, resident, idea):
    auth.as_user(resident)
    assert client.get(f"/ideas/{idea.id}/report").status_code == 200
    response = client.post(f"/ideas/{idea.id}/report",
                           data={"reason": "spam", "note": "Advertises a shop"})
    assert response.status_code == 302
    report = db.session.scalars(sa.select(Report)).one()
    assert (report.reason, report.note, report.reporter_id, report.idea_id) == (
        ReportReason.SPAM, "Advertises a shop", resident.id, idea.id)
    again = client.post(f"/ideas/{idea.id}/report?lang=en", data={"reason": "offensive"})
    assert again.status_code == 302  # no mistake of the resident's: the first report stands
    assert "You have already reported this" in client.get(again.location).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 1
    assert "already reported" in client.get(f"/ideas/{idea.id}/report?lang=en").get_data(as_text=True)


@pytest.mark.parametrize("data", [{}, {"reason": "boring"}, {"reason": "spam", "note": "x" * 1001}])
def test_a_report_needs_a_known_reason_and_a_short_note(client, auth, resident, idea, data):
    auth.as_user(resident)
    assert client.post(f"/ideas/{idea.id}/report", data=data).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_authors_do_not_report_their_own_idea(client, auth, idea):
    auth.as_user(idea.author)
    assert client.post(f"/ideas/{idea.id}/report", data={"reason": "spam"}).status_code == 400


def test_enough_reports_from_different_residents_hide_the_idea(client, auth, app, idea):
    app.config["REPORTS_TO_HIDE"] = 3
    make_report(idea=idea)
    make_report(idea=idea)
    db.session.commit()
    auth.as_user(make_user())
    db.session.commit()
    client.post(f"/ideas/{idea.id}/report", data={"reason": "offensive"})
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.HIDDEN
    event = db.session.scalars(sa.select(ModerationEvent)).one()
    assert (event.action, event.actor_id, event.idea_id) == ("idea.auto_hide", None, idea.id)
    assert event.after["status"] == "hidden" and event.after["open_reports"] == 3
    # Now only its author and moderators see it.
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/ideas/{idea.id}").status_code == 404


def test_the_reporter_who_hides_the_idea_lands_on_a_page_that_thanks_them(client, auth, app,
                                                                         idea):
    app.config["REPORTS_TO_HIDE"] = 3
    make_report(idea=idea)
    make_report(idea=idea)
    third = make_user()
    db.session.commit()
    auth.as_user(third)
    response = client.post(f"/ideas/{idea.id}/report?lang=en", data={"reason": "offensive"})
    assert response.status_code == 302
    assert response.location.startswith("/ideas") and f"/ideas/{idea.id}" not in response.location
    landing = client.get(response.location)
    assert landing.status_code == 200
    html = landing.get_data(as_text=True)
    assert "Thank you. Several residents reported this idea, so it is hidden until a " \
           "moderator reviews it." in html
    assert client.get(f"/ideas/{idea.id}").status_code == 404  # the reporter no longer sees it


def test_a_report_that_does_not_hide_the_idea_returns_to_it(client, auth, app, resident, idea):
    app.config["REPORTS_TO_HIDE"] = 3
    auth.as_user(resident)
    response = client.post(f"/ideas/{idea.id}/report?lang=en", data={"reason": "spam"})
    assert response.location == f"/ideas/{idea.id}"
    assert "Moderators will look at your report." in client.get(response.location).get_data(
        as_text=True)


def test_fewer_reports_leave_the_idea_published(client, auth, app, resident, idea):
    app.config["REPORTS_TO_HIDE"] = 3
    make_report(idea=idea)
    db.session.commit()
    auth.as_user(resident)
    client.post(f"/ideas/{idea.id}/report", data={"reason": "offensive"})
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.PUBLISHED


def test_a_resident_reports_a_comment_once(client, auth, resident, idea):
    comment = make_comment(idea, body="Buy cheap watches")
    db.session.commit()
    auth.as_user(resident)
    page = client.get(f"/ideas/comments/{comment.id}/report?lang=en")
    assert "Buy cheap watches" in page.get_data(as_text=True)
    assert client.post(f"/ideas/comments/{comment.id}/report",
                       data={"reason": "spam"}).status_code == 302
    client.post(f"/ideas/comments/{comment.id}/report", data={"reason": "spam"})
    report = db.session.scalars(sa.select(Report)).one()
    assert (report.comment_id, report.idea_id) == (comment.id, None)
    html = client.get(f"/ideas/{idea.id}?lang=en").get_data(as_text=True)
    assert "You have reported this comment." in html


def test_hidden_comments_cannot_be_reported(client, auth, resident, idea):
    comment = make_comment(idea, status=CommentStatus.HIDDEN)
    db.session.commit()
    auth.as_user(resident)
    assert client.post(f"/ideas/comments/{comment.id}/report",
                       data={"reason": "spam"}).status_code == 400


def test_moderators_see_hidden_comments_marked_as_such(client, auth, moderator, idea):
    make_comment(idea, body="Rude words", status=CommentStatus.HIDDEN)
    db.session.commit()
    auth.as_user(moderator)
    html = client.get(f"/ideas/{idea.id}?lang=en").get_data(as_text=True)
    assert "Rude words" in html and '<span class="badge hidden">Hidden</span>' in html
