"""Counts that cannot drift: a state machine drives the real services (support, withdraw,
comment, hide and restore a comment, report and auto-hide, mark and undo a duplicate, delete an
account) and after every step compares each stored count with its definition, computed here in
Python from the rows themselves:

* an idea's `support_count` is the number of distinct people supporting it or any idea marked
  as its duplicate (a duplicate has none of its own, so it reads its own supporters);
* an idea's `comment_count` is the number of its comments that are not hidden.

Counting supports or comments must not change an idea's optimistic-lock version either: that
would make a moderator's open form stale for nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from myalmaty.auth import services as accounts
from myalmaty.core.errors import DomainError
from myalmaty.core.permissions import PermissionDenied, Role
from myalmaty.domain.accounts import User
from myalmaty.domain.ideas import (
    Comment,
    CommentStatus,
    Idea,
    IdeaStatus,
    ReportReason,
    Support,
)
from myalmaty.extensions import db
from myalmaty.ideas import engagement
from myalmaty.moderation import services as moderation
from tests.conftest import IN_CI, TEST_PASSWORD
from tests.factories import make_category, make_idea, make_user

PEOPLE = 3
IDEAS = 3
REPORTS_TO_HIDE = 2  # low, so that reports hide ideas within a few steps

person = st.integers(0, PEOPLE - 1)
idea_no = st.integers(0, IDEAS - 1)
# An index into the comments written so far (taken modulo their number).
comment_no = st.integers(0, 63)


@dataclass
class Seen:
    """What the rows of one run's ideas say, read in three queries after every step."""

    stored: dict[int, tuple[int, int]]  # (support_count, comment_count) as stored
    defined: dict[int, tuple[int, int]]  # the same, by definition
    versions: dict[int, int]
    statuses: dict[int, IdeaStatus]
    comments: list[int]


def look(ids: list[int]) -> Seen:
    ideas = db.session.execute(
        sa.select(Idea.id, Idea.status, Idea.duplicate_of_id, Idea.support_count,
                  Idea.comment_count, Idea.version)
        .where(Idea.id.in_(ids))
    ).all()
    supporters: dict[int, set[int]] = defaultdict(set)
    for user_id, idea_id in db.session.execute(
        sa.select(Support.user_id, Support.idea_id).where(Support.idea_id.in_(ids))
    ):
        supporters[idea_id].add(user_id)
    comments = db.session.execute(
        sa.select(Comment.id, Comment.idea_id, Comment.status)
        .where(Comment.idea_id.in_(ids)).order_by(Comment.id)
    ).all()
    visible: dict[int, int] = defaultdict(int)
    for _, idea_id, status in comments:
        visible[idea_id] += status is CommentStatus.VISIBLE
    family = {idea.id: set(supporters[idea.id]) for idea in ideas}
    for idea in ideas:
        if idea.status is IdeaStatus.DUPLICATE and idea.duplicate_of_id is not None:
            family[idea.duplicate_of_id] |= supporters[idea.id]
    return Seen(
        stored={idea.id: (idea.support_count, idea.comment_count) for idea in ideas},
        defined={idea.id: (len(family[idea.id]), visible[idea.id]) for idea in ideas},
        versions={idea.id: idea.version for idea in ideas},
        statuses={idea.id: idea.status for idea in ideas},
        comments=[comment_id for comment_id, _, _ in comments],
    )


class Counts(RuleBasedStateMachine):
    """Three residents, three ideas by someone else, and a moderator."""

    def __init__(self) -> None:
        super().__init__()
        # Each run makes people and ideas of its own and looks at nothing else: cheaper than
        # emptying the tables 80 times (the `app` fixture empties them at the end).
        category = make_category()
        self.people = [make_user().id for _ in range(PEOPLE)]
        self.moderator_id = make_user(role=Role.MODERATOR).id
        author = make_user()
        self.ideas = [make_idea(author=author, category=category).id for _ in range(IDEAS)]
        db.session.commit()
        self.deleted = False
        self.seen = look(self.ideas)
        self.keeps_versions = False

    @initialize(supports=st.lists(st.booleans(), min_size=PEOPLE * IDEAS,
                                  max_size=PEOPLE * IDEAS),
                duplicate=st.booleans())
    def start(self, supports: list[bool], duplicate: bool) -> None:
        """Some supports, and perhaps a duplicate already: the interesting states are near."""
        for n, on in enumerate(supports):
            if on:
                engagement.set_support(self.user(n % PEOPLE), self.idea(n // PEOPLE), True)
        if duplicate:
            moderation.mark_duplicate(self.moderator, self.idea(1), self.idea(0), version=None)
        db.session.commit()
        self.seen = look(self.ideas)

    # --- helpers ---------------------------------------------------------------------------

    def user(self, n: int) -> User:
        found = db.session.get(User, self.people[n])
        assert found is not None
        return found

    def idea(self, n: int) -> Idea:
        found = db.session.get(Idea, self.ideas[n])
        assert found is not None
        return found

    @property
    def moderator(self) -> User:
        found = db.session.get(User, self.moderator_id)
        assert found is not None
        return found

    def comment(self, n: int) -> Comment:
        found = db.session.get(Comment, self.seen.comments[n % len(self.seen.comments)])
        assert found is not None
        return found

    def attempt(self, action, *, keeps_versions: bool) -> None:
        """Run a service as a request would: commit what it did, or roll back its refusal."""
        self.keeps_versions = keeps_versions
        try:
            action()
        except (DomainError, PermissionDenied):
            db.session.rollback()
            return
        db.session.commit()

    def ideas_in(self, status: IdeaStatus) -> list[Idea]:
        return [self.idea(n) for n, idea_id in enumerate(self.ideas)
                if self.seen.statuses[idea_id] is status]

    def any_in(self, status: IdeaStatus) -> bool:
        return status in self.seen.statuses.values()

    def any_comment(self) -> bool:
        return bool(self.seen.comments)

    # --- what residents do -----------------------------------------------------------------

    @rule(who=person, which=idea_no, on=st.booleans())
    def support(self, who: int, which: int, on: bool) -> None:
        user, idea = self.user(who), self.idea(which)
        if user.is_deleted and not on:
            return  # a deleted account cannot sign in to withdraw anything
        self.attempt(lambda: engagement.set_support(user, idea, on), keeps_versions=True)

    @rule(who=person, which=idea_no)
    def comment_on(self, who: int, which: int) -> None:
        user, idea = self.user(who), self.idea(which)
        self.attempt(lambda: engagement.add_comment(user, idea, "I would come too."),
                     keeps_versions=True)

    @rule(who=person, which=idea_no)
    def report_idea(self, who: int, which: int) -> None:
        user, idea = self.user(who), self.idea(which)
        self.attempt(
            lambda: engagement.report_idea(user, idea, ReportReason.SPAM, "",
                                           reports_to_hide=REPORTS_TO_HIDE),
            keeps_versions=False,  # enough reports hide the idea: a decision of its own
        )

    @precondition(any_comment)
    @rule(who=person, n=comment_no)
    def report_comment(self, who: int, n: int) -> None:
        user, comment = self.user(who), self.comment(n)
        self.attempt(lambda: engagement.report_comment(user, comment, ReportReason.SPAM, ""),
                     keeps_versions=True)

    @precondition(lambda self: not self.deleted)  # once a run: it ends what that person can do
    @rule(who=person)
    def delete_account(self, who: int) -> None:
        user = self.user(who)
        self.attempt(lambda: accounts.delete_account(user, password=TEST_PASSWORD),
                     keeps_versions=True)
        self.deleted = True

    # --- what moderators do ----------------------------------------------------------------

    @precondition(any_comment)
    @rule(n=comment_no, hide=st.booleans())
    def moderate_comment(self, n: int, hide: bool) -> None:
        comment = self.comment(n)
        if hide:
            self.attempt(lambda: moderation.hide_comment(self.moderator, comment, reason="Spam"),
                         keeps_versions=True)
        else:
            self.attempt(lambda: moderation.restore_comment(self.moderator, comment),
                         keeps_versions=True)

    @precondition(lambda self: self.any_in(IdeaStatus.HIDDEN))
    @rule(n=idea_no)
    def restore_idea(self, n: int) -> None:
        hidden = self.ideas_in(IdeaStatus.HIDDEN)
        idea = hidden[n % len(hidden)]
        self.attempt(lambda: moderation.restore_idea(self.moderator, idea, version=idea.version),
                     keeps_versions=False)

    @rule(which=idea_no, original=idea_no)
    def mark_duplicate(self, which: int, original: int) -> None:
        idea, first = self.idea(which), self.idea(original)
        self.attempt(
            lambda: moderation.mark_duplicate(self.moderator, idea, first, version=idea.version),
            keeps_versions=False,
        )

    @precondition(lambda self: self.any_in(IdeaStatus.DUPLICATE))
    @rule(n=idea_no)
    def undo_duplicate(self, n: int) -> None:
        duplicates = self.ideas_in(IdeaStatus.DUPLICATE)
        idea = duplicates[n % len(duplicates)]
        self.attempt(lambda: moderation.undo_duplicate(self.moderator, idea, version=idea.version),
                     keeps_versions=False)

    # --- after every step ------------------------------------------------------------------

    @invariant()
    def every_count_is_its_definition(self) -> None:
        before, self.seen = self.seen, look(self.ideas)
        assert self.seen.stored == self.seen.defined
        if self.keeps_versions:
            assert self.seen.versions == before.versions, (
                "counting must not make moderators' forms stale")
        self.keeps_versions = False


def test_stored_counts_never_drift_from_their_definitions(app: Flask) -> None:
    run_state_machine_as_test(Counts, settings=settings(
        max_examples=80,
        stateful_step_count=15,
        deadline=None,
        derandomize=IN_CI,  # a fixed seed in CI, a random one locally
        database=None,  # failing steps are printed; nothing is written into the working tree
        suppress_health_check=[HealthCheck.too_slow],
    ))

