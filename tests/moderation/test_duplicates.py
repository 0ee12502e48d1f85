"""Duplicates lose nothing: supporters are counted once on the original, undo is exact."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from myalmaty.core.errors import DomainError
from myalmaty.domain.accounts import User
from myalmaty.domain.ideas import Idea, IdeaStatus, Support
from myalmaty.extensions import db
from myalmaty.ideas import engagement
from myalmaty.moderation import services
from tests.factories import make_comment, make_idea, make_support, make_user


@pytest.fixture
def overlapping(app: Flask) -> tuple[Idea, Idea]:
    """An original with supporters A, B, C and a duplicate with B, C, D, E (two in common)."""
    a, b, c, d, e = (make_user() for _ in range(5))
    original, copy = make_idea(), make_idea()
    for person in (a, b, c):
        make_support(original, person)
    for person in (b, c, d, e):
        make_support(copy, person)
    make_comment(copy, body="Same as the other one, but yes!")
    db.session.commit()
    return original, copy


def test_the_original_counts_distinct_supporters_of_both(app, moderator, overlapping):
    original, copy = overlapping
    event = services.mark_duplicate(moderator, copy, original, version=copy.version)
    db.session.commit()
    assert original.support_count == 5  # A B C D E, each once (not 3 + 4)
    assert copy.support_count == 4  # a duplicate reads its own supporters
    assert copy.status is IdeaStatus.DUPLICATE and copy.duplicate_of == original
    assert event.before["status"] == "published"
    assert event.after["duplicate_of_id"] == original.id
    assert (event.before["original_support_count"], event.after["original_support_count"]) == (3, 5)


def test_nothing_is_deleted_by_marking_a_duplicate(app, moderator, overlapping):
    original, copy = overlapping
    supports_before = db.session.query(Support).count()
    services.mark_duplicate(moderator, copy, original, version=copy.version)
    db.session.commit()
    assert db.session.query(Support).count() == supports_before
    assert copy.comment_count == 1
    assert db.session.get(type(copy), copy.id) is not None


def test_undo_restores_the_previous_status_and_both_counts_exactly(app, moderator, overlapping):
    original, copy = overlapping
    services.mark_duplicate(moderator, copy, original, version=copy.version)
    db.session.commit()
    event = services.undo_duplicate(moderator, copy, version=copy.version)
    db.session.commit()
    assert copy.status is IdeaStatus.PUBLISHED and copy.duplicate_of_id is None
    assert (original.support_count, copy.support_count) == (3, 4)
    assert event.action == "idea.unduplicate"
    assert event.before == {"status": "duplicate", "duplicate_of_id": original.id}
    assert event.after["status"] == "published"


def test_undo_of_a_pending_duplicate_returns_it_to_the_queue(app, moderator):
    original = make_idea()
    pending = make_idea(status=IdeaStatus.PENDING)
    make_support(original)
    db.session.commit()
    services.mark_duplicate(moderator, pending, original, version=pending.version)
    assert pending.published_at is not None  # a duplicate is reachable
    services.undo_duplicate(moderator, pending, version=pending.version)
    db.session.commit()
    assert pending.status is IdeaStatus.PENDING
    assert pending.published_at is None


def test_two_duplicates_of_one_original_and_undoing_one(app, moderator):
    shared = make_user()
    original, first, second = make_idea(), make_idea(), make_idea()
    make_support(original, shared)
    make_support(first, shared)
    make_support(first)
    make_support(second, shared)
    make_support(second)
    db.session.commit()
    services.mark_duplicate(moderator, first, original, version=first.version)
    services.mark_duplicate(moderator, second, original, version=second.version)
    assert original.support_count == 3  # shared + first's other + second's other
    services.undo_duplicate(moderator, first, version=first.version)
    db.session.commit()
    assert original.support_count == 2
    assert first.support_count == 2


# --- supports after the mark: the original counts each person once ---------------------------


@pytest.fixture
def marked(moderator, overlapping) -> tuple[Idea, Idea]:
    """The overlapping pair, the copy marked as a duplicate: the original counts A B C D E."""
    original, copy = overlapping
    services.mark_duplicate(moderator, copy, original, version=copy.version)
    db.session.commit()
    assert original.support_count == 5
    return original, copy


def supporters(idea: Idea) -> set[int]:
    return set(db.session.scalars(sa.select(Support.user_id).where(Support.idea_id == idea.id)))


def someone(ids: set[int]) -> User:
    user = db.session.get(User, min(ids))
    assert user is not None
    return user


def test_a_supporter_of_the_duplicate_who_supports_the_original_is_counted_once(app, marked):
    original, copy = marked
    engagement.set_support(someone(supporters(copy) - supporters(original)), original, True)
    db.session.commit()
    assert original.support_count == 5  # was 6: the support added 1 to the union
    assert copy.support_count == 4


def test_withdrawing_from_the_original_keeps_a_person_who_supports_the_duplicate(app, marked):
    original, copy = marked
    engagement.set_support(someone(supporters(copy) & supporters(original)), original, False)
    db.session.commit()
    assert original.support_count == 5  # was 4: B still supports the duplicate


def test_withdrawing_from_the_duplicate_lowers_the_original(app, marked):
    original, copy = marked
    engagement.set_support(someone(supporters(copy) - supporters(original)), copy, False)
    db.session.commit()
    assert (original.support_count, copy.support_count) == (4, 3)  # was (5, 3)


def test_marking_and_undoing_leave_the_originals_version_alone(app, moderator, overlapping):
    """The original's count changes, not the original: a moderator editing it is not stale."""
    original, copy = overlapping
    version = original.version
    services.mark_duplicate(moderator, copy, original, version=copy.version)
    db.session.commit()
    services.undo_duplicate(moderator, copy, version=copy.version)
    db.session.commit()
    assert original.version == version


def test_chains_are_refused(app, moderator):
    original, copy, third = make_idea(), make_idea(), make_idea()
    services.mark_duplicate(moderator, copy, original, version=copy.version)
    with pytest.raises(DomainError, match="is itself a duplicate"):
        services.mark_duplicate(moderator, third, copy, version=third.version)
    with pytest.raises(DomainError, match="Other ideas are marked as duplicates"):
        services.mark_duplicate(moderator, original, third, version=original.version)


@pytest.mark.parametrize("status", [IdeaStatus.PENDING, IdeaStatus.REJECTED, IdeaStatus.HIDDEN])
def test_the_original_must_be_published(app, moderator, status):
    original, copy = make_idea(status=status), make_idea()
    with pytest.raises(DomainError, match="The original must be a published idea"):
        services.mark_duplicate(moderator, copy, original, version=copy.version)
    assert copy.status is IdeaStatus.PUBLISHED


def test_an_idea_is_not_its_own_duplicate_and_undo_needs_a_duplicate(app, moderator):
    idea = make_idea()
    with pytest.raises(DomainError, match="duplicate of itself"):
        services.mark_duplicate(moderator, idea, idea, version=idea.version)
    with pytest.raises(DomainError, match="is not marked as a duplicate"):
        services.undo_duplicate(moderator, idea, version=idea.version)


def test_duplicate_through_the_review_page(app, as_moderator, overlapping):
    original, copy = overlapping
    response = as_moderator.post(
        f"/moderation/ideas/{copy.id}/duplicate",
        data={"duplicate-version": copy.version, "duplicate-original": original.id},
    )
    assert response.status_code == 302
    db.session.refresh(original)
    assert original.support_count == 5
    page = as_moderator.get(f"/moderation/ideas/{original.id}").get_data(as_text=True)
    assert "Marked as duplicates of this idea" in page


def test_an_idea_given_as_its_own_original_is_refused_beside_the_number(app, as_moderator):
    idea = make_idea()
    db.session.commit()
    response = as_moderator.post(f"/moderation/ideas/{idea.id}/duplicate", data={
        "duplicate-version": idea.version, "duplicate-original": idea.id})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    errors_of_the_field = page.split('id="duplicate-original-error"', 1)[1].split("</ul>", 1)[0]
    assert "An idea cannot be a duplicate of itself." in errors_of_the_field


def test_unknown_original_keeps_the_form(app, as_moderator):
    idea = make_idea()
    db.session.commit()
    response = as_moderator.post(
        f"/moderation/ideas/{idea.id}/duplicate",
        data={"duplicate-version": idea.version, "duplicate-original": 999999,
              "duplicate-note": "my typed note"},
    )
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "There is no idea number 999999" in page
    assert "my typed note" in page
