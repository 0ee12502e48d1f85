"""The moderators' pages: the queue, the review page, the published list and the audit log."""

from __future__ import annotations

import datetime as dt
import re

from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import IdeaStatus, RejectionReason
from myalmaty.extensions import db
from myalmaty.moderation import services
from tests.factories import (
    CENTRE,
    make_category,
    make_event,
    make_group,
    make_idea,
    make_quarter,
    make_user,
)


def test_the_queue_lists_pending_ideas_oldest_first_with_a_preview(app, as_moderator):
    quarter = make_quarter(name_en="Golden Square")
    author = make_user(display_name="Asel B.")
    newer = make_idea(status=IdeaStatus.PENDING, title="Newer idea",
                      created_at=utcnow() - dt.timedelta(hours=1))
    older = make_idea(status=IdeaStatus.PENDING, title="Older idea", author=author, quarter=quarter,
                      photo_key="a" * 32, description="A long full text of the idea.",
                      created_at=utcnow() - dt.timedelta(days=2))
    make_idea(status=IdeaStatus.PUBLISHED, title="Already out there")
    db.session.commit()
    page = as_moderator.get("/moderation/").get_data(as_text=True)
    assert page.index("Older idea") < page.index("Newer idea")
    assert "Already out there" not in page
    assert f"/ideas/photos/{'a' * 32}/thumb" in page
    assert "Golden Square" in page and "Asel B." in page
    assert "A long full text of the idea." in page
    assert f"{older.lat:.5f}, {older.lon:.5f}" in page
    assert newer.author.email not in page  # never an e-mail


def test_queue_filters_by_quarter_category_and_text(app, as_moderator):
    quarter, category = make_quarter(), make_category()
    make_idea(status=IdeaStatus.PENDING, title="Фонтан во дворе", quarter=quarter, category=category)
    make_idea(status=IdeaStatus.PENDING, title="Велодорожка", quarter=quarter)
    make_idea(status=IdeaStatus.PENDING, title="Фонтан у театра", category=category)
    db.session.commit()
    page = as_moderator.get(
        f"/moderation/?q=ФОНТАН&quarter={quarter.id}&category={category.id}"
    ).get_data(as_text=True)
    assert "Фонтан во дворе" in page
    assert "Велодорожка" not in page and "Фонтан у театра" not in page


def test_the_queue_is_constant_in_queries(app, as_moderator, count_queries):
    def one_more() -> None:
        make_idea(status=IdeaStatus.PENDING, quarter=make_quarter(), category=make_category(),
                  author=make_user(), photo_key="b" * 32)

    one_more()
    db.session.commit()
    as_moderator.get("/moderation/")
    with count_queries() as few:
        as_moderator.get("/moderation/")
    for _ in range(8):
        one_more()
    db.session.commit()
    as_moderator.get("/moderation/")  # new quarters and categories: loaded once per process
    with count_queries() as many:
        response = as_moderator.get("/moderation/")
    assert response.get_data(as_text=True).count('name="ideas"') == 9
    assert many.count == few.count


def test_the_published_list_is_constant_in_queries(app, as_moderator, count_queries):
    group = make_group()
    make_idea(group=group, quarter=make_quarter())
    db.session.commit()
    as_moderator.get("/moderation/published")
    with count_queries() as few:
        as_moderator.get("/moderation/published")
    for _ in range(6):
        make_idea(group=make_group(), quarter=make_quarter(), category=make_category())
    db.session.commit()
    as_moderator.get("/moderation/published")  # new quarters and categories: loaded once
    with count_queries() as many:
        as_moderator.get("/moderation/published")
    assert many.count == few.count


def test_the_review_page_suggests_similar_published_ideas_nearby(app, as_moderator):
    near = make_idea(title="Летний кинотеатр во дворе", description="Показы фильмов летом",
                     lat=CENTRE[0] + 0.001, lon=CENTRE[1])
    make_idea(title="Велодорожка по Абая", description="Разметка и парковки для велосипедов")
    pending = make_idea(status=IdeaStatus.PENDING, title="Кинотеатр под открытым небом во дворе",
                        description="Кино для соседей по вечерам")
    db.session.commit()
    page = as_moderator.get(f"/moderation/ideas/{pending.id}").get_data(as_text=True)
    suggestions = page.split('id="suggestions-title"')[1].split("</section>")[0]
    assert "Летний кинотеатр во дворе" in suggestions
    assert "Велодорожка" not in suggestions
    # Why: the words it shares, and how far it is.
    # Why: how far it is and the words it shares (a word of the other's language counts).
    assert "111 m away · Shared words: кинотеатр, дворе, показы, фильмов" in suggestions
    assert f'name="duplicate-original" value="{near.id}"' in suggestions
    assert 'id="review-points"' in page


def test_the_review_page_offers_the_decisions_of_the_ideas_state(app, as_moderator):
    pending, published = make_idea(status=IdeaStatus.PENDING), make_idea()
    db.session.commit()
    pending_page = as_moderator.get(f"/moderation/ideas/{pending.id}").get_data(as_text=True)
    published_page = as_moderator.get(f"/moderation/ideas/{published.id}").get_data(as_text=True)
    assert f"/moderation/ideas/{pending.id}/publish" in pending_page
    assert f"/moderation/ideas/{pending.id}/answer" not in pending_page
    assert f"/moderation/ideas/{published.id}/publish" not in published_page
    assert f"/moderation/ideas/{published.id}/answer" in published_page
    assert f"/moderation/ideas/{published.id}/group" in published_page


def test_an_unknown_idea_is_not_found(app, as_moderator):
    assert as_moderator.get("/moderation/ideas/987654").status_code == 404


def test_rejecting_through_the_page_then_the_log_shows_it(app, as_moderator, moderator):
    idea = make_idea(status=IdeaStatus.PENDING, title="Parking lot")
    db.session.commit()
    response = as_moderator.post(f"/moderation/ideas/{idea.id}/reject", data={
        "reject-version": idea.version, "reject-reason": "not_public_space",
        "reject-note": "Private land"})
    assert response.status_code == 302 and response.location.endswith("/moderation/")
    db.session.refresh(idea)
    assert idea.rejection_reason is RejectionReason.NOT_PUBLIC_SPACE
    log = as_moderator.get(f"/moderation/log?idea={idea.id}").get_data(as_text=True)
    assert "Moderator Aigerim" in log and "Parking lot" in log and "Private land" in log
    assert "Awaiting moderation" in log and "Not an idea for a public space" in log


def test_rejecting_without_a_reason_keeps_the_note(app, as_moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    db.session.commit()
    response = as_moderator.post(f"/moderation/ideas/{idea.id}/reject", data={
        "reject-version": idea.version, "reject-reason": "", "reject-note": "typed before"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose a reason for rejecting." in page and "typed before" in page


def test_editing_through_the_page(app, as_moderator):
    category = make_category()
    idea = make_idea(status=IdeaStatus.PENDING, title="Tpyo", category=category)
    db.session.commit()
    response = as_moderator.post(f"/moderation/ideas/{idea.id}/edit", data={
        "edit-version": idea.version, "edit-title": "Typo", "edit-description": idea.description,
        "edit-first_step": idea.first_step, "edit-category": category.id, "edit-quarter": ""})
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.title == "Typo"


def test_the_log_filters_by_action_actor_idea_and_dates(app, as_moderator, moderator):
    other = make_user(role=Role.MODERATOR, display_name="Other moderator")
    first, second = make_idea(title="First idea"), make_idea(title="Second idea")
    make_event("idea.stage", actor=moderator, idea=first, created_at=utcnow() - dt.timedelta(days=10))
    make_event("idea.answer", actor=other, idea=second, created_at=utcnow())
    db.session.commit()

    def shown(query: str) -> set[str]:
        page = as_moderator.get(f"/moderation/log?{query}").get_data(as_text=True)
        return {title for title in ("First idea", "Second idea") if title in page}

    assert shown("") == {"First idea", "Second idea"}
    assert shown("action=idea.stage") == {"First idea"}
    assert shown(f"actor={other.id}") == {"Second idea"}
    assert shown(f"idea={first.id}") == {"First idea"}
    week_ago = (utcnow() - dt.timedelta(days=7)).date().isoformat()
    assert shown(f"since={week_ago}") == {"Second idea"}
    assert shown(f"until={week_ago}") == {"First idea"}


def test_bad_log_filters_are_a_400_not_a_500(app, as_moderator):
    assert as_moderator.get("/moderation/log?since=not-a-date").status_code == 400
    assert as_moderator.get("/moderation/log?actor=abc").status_code == 400


def test_the_log_is_paginated_and_constant_in_queries(app, as_moderator, moderator, count_queries):
    group = make_group()
    make_event("group.create", actor=moderator, group=group, after={"title": group.title})
    db.session.commit()
    as_moderator.get("/moderation/log")
    with count_queries() as few:
        as_moderator.get("/moderation/log")
    for _n in range(60):
        idea = make_idea()
        make_event("idea.stage", actor=make_user(role=Role.MODERATOR), idea=idea,
                   before={"stage": "new"}, after={"stage": "done"})
    db.session.commit()
    with count_queries() as many:
        page = as_moderator.get("/moderation/log").get_data(as_text=True)
    assert many.count == few.count
    assert "61 entries" in page
    assert "/moderation/log?page=2" in page
    second = as_moderator.get("/moderation/log?page=2").get_data(as_text=True)
    assert "Theme created" in second


def test_the_nav_shows_moderation_with_the_pending_count_to_moderators_only(app, client, auth):
    make_idea(status=IdeaStatus.PENDING)
    make_idea(status=IdeaStatus.PENDING)
    resident = make_user(locale="en")
    moderator = make_user(role=Role.MODERATOR, locale="en")
    db.session.commit()
    auth.as_user(resident)
    assert "/moderation/" not in client.get("/").get_data(as_text=True)
    auth.as_user(moderator)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/moderation/"' in page
    assert "2 ideas await moderation" in page


def test_services_used_by_pages_keep_the_history_on_the_review_page(app, as_moderator, moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    services.publish_idea(moderator, idea, version=idea.version)
    db.session.commit()
    page = as_moderator.get(f"/moderation/ideas/{idea.id}").get_data(as_text=True)
    history = page.split('id="history-title"')[1]
    assert "Published" in history and "Moderator Aigerim" in history


def test_times_are_marked_up_to_the_second_as_html_allows(app, as_moderator):
    # A stored time has microseconds; `<time datetime>` takes at most three decimals, and the
    # queue, the review page and its history all show this idea's submission.
    submitted = dt.datetime(2026, 5, 4, 9, 30, 15, 123456, tzinfo=dt.UTC)
    pending = make_idea(status=IdeaStatus.PENDING, created_at=submitted)
    make_event("idea.submit", idea=pending, created_at=submitted)
    db.session.commit()
    for path in ("/moderation/", f"/moderation/ideas/{pending.id}"):
        page = as_moderator.get(path).get_data(as_text=True)
        stamps = re.findall(r'<time[^>]*datetime="([^"]+)"', page)
        assert stamps, path
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", s) for s in stamps), stamps
        assert "2026-05-04T09:30:15+00:00" in stamps
