"""Reports: hide with a reason, dismiss, restore an auto-hidden idea; all open reports resolve."""

from __future__ import annotations

import pytest

from myalmaty.core.errors import DomainError
from myalmaty.domain.audit import record_event
from myalmaty.domain.ideas import CommentStatus, IdeaStatus, ReportStatus
from myalmaty.extensions import db
from myalmaty.moderation import services
from tests.factories import make_comment, make_idea, make_report


def test_hiding_a_reported_idea_resolves_every_open_report(app, moderator):
    idea = make_idea()
    reports = [make_report(idea=idea) for _ in range(2)]
    event = services.hide_idea(moderator, idea, version=idea.version, reason="Advertising")
    db.session.commit()
    assert idea.status is IdeaStatus.HIDDEN
    assert {r.status for r in reports} == {ReportStatus.ACTIONED}
    assert {r.resolved_by for r in reports} == {moderator}
    assert all(r.resolved_at is not None for r in reports)
    assert event.after["reports_closed"] == [r.id for r in reports]


def test_dismissing_reports_leaves_the_idea_published(app, moderator):
    idea = make_idea()
    report = make_report(idea=idea)
    event = services.dismiss_reports(moderator, idea=idea, note="Not spam")
    db.session.commit()
    assert idea.status is IdeaStatus.PUBLISHED
    assert report.status is ReportStatus.DISMISSED and report.resolved_by == moderator
    assert event.action == "report.dismiss"
    with pytest.raises(DomainError, match="no open reports"):
        services.dismiss_reports(moderator, idea=idea)


def test_an_auto_hidden_idea_is_restored_not_dismissed(app, moderator):
    idea = make_idea(status=IdeaStatus.HIDDEN)
    reports = [make_report(idea=idea) for _ in range(3)]
    record_event(None, "idea.auto_hide", idea=idea, before={"status": "published"},
                 after={"status": "hidden"})
    with pytest.raises(DomainError, match="restore it, or keep it hidden"):
        services.dismiss_reports(moderator, idea=idea)
    services.restore_idea(moderator, idea, version=idea.version, note="Reports were unfounded")
    db.session.commit()
    assert idea.status is IdeaStatus.PUBLISHED
    assert {r.status for r in reports} == {ReportStatus.DISMISSED}


def test_hiding_a_comment_keeps_it_and_lowers_the_visible_count(app, moderator):
    idea = make_idea()
    comment = make_comment(idea, body="Call me at +7 777 123 45 67")
    make_comment(idea)
    report = make_report(comment=comment)
    event = services.hide_comment(moderator, comment, reason="Personal data")
    db.session.commit()
    assert comment.status is CommentStatus.HIDDEN and comment.hidden_reason == "Personal data"
    assert comment.body == "Call me at +7 777 123 45 67"  # nothing a resident wrote is deleted
    assert idea.comment_count == 1
    assert report.status is ReportStatus.ACTIONED
    assert (event.action, event.comment, event.idea) == ("comment.hide", comment, idea)
    services.restore_comment(moderator, comment)
    assert idea.comment_count == 2


def test_hiding_and_restoring_a_comment_leave_the_ideas_version_alone(app, moderator):
    """Only the count changes: a moderator with the idea open is not told it changed."""
    idea = make_idea()
    comment = make_comment(idea)
    db.session.commit()
    version = idea.version
    services.hide_comment(moderator, comment, reason="Spam")
    db.session.commit()
    services.restore_comment(moderator, comment)
    db.session.commit()
    assert (idea.version, idea.comment_count) == (version, 1)


def test_the_reports_page_groups_reports_per_target(app, as_moderator):
    idea = make_idea(title="Reported idea")
    comment = make_comment(make_idea(), body="Reported comment")
    make_report(idea=idea, note="spam link")
    make_report(idea=idea)
    make_report(comment=comment)
    db.session.commit()
    page = as_moderator.get("/moderation/reports").get_data(as_text=True)
    assert "Reported idea" in page and "Reported comment" in page
    assert "2 reports" in page and "1 report" in page
    assert "spam link" in page


def test_hide_and_dismiss_through_the_reports_page(app, as_moderator):
    idea = make_idea()
    comment = make_comment(make_idea())
    make_report(idea=idea)
    comment_report = make_report(comment=comment)
    db.session.commit()
    response = as_moderator.post(f"/moderation/ideas/{idea.id}/hide", data={
        "hide-version": idea.version, "hide-reason": "Spam", "next": "/moderation/reports"})
    assert response.status_code == 302 and response.location.endswith("/moderation/reports")
    response = as_moderator.post(f"/moderation/reports/comments/{comment.id}/dismiss", data={})
    assert response.status_code == 302
    db.session.refresh(idea)
    db.session.refresh(comment_report)
    assert idea.status is IdeaStatus.HIDDEN
    assert comment_report.status is ReportStatus.DISMISSED


def test_hiding_a_comment_without_a_reason_keeps_the_page(app, as_moderator):
    comment = make_comment(make_idea())
    make_report(comment=comment)
    db.session.commit()
    response = as_moderator.post(f"/moderation/reports/comments/{comment.id}/hide",
                                 data={f"comment{comment.id}-reason": ""})
    assert response.status_code == 400
    db.session.refresh(comment)
    assert comment.status is CommentStatus.VISIBLE

