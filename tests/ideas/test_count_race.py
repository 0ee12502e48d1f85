"""Two residents supporting one idea at the same moment, on PostgreSQL: both count.

A recount reads the supports and writes the count. Without the row lock it takes on the idea
first, the second recount's read would not see the first's uncommitted support, and whichever
wrote last would leave a count of 1. The test holds the first transaction open until the
second is seen waiting for the lock, then lets both finish.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from myalmaty.domain.accounts import User
from myalmaty.domain.ideas import Idea, Support
from myalmaty.extensions import db
from myalmaty.ideas import engagement
from tests.factories import make_idea, make_user
from tests.races import postgres_app, second_waits_for_first  # noqa: F401


def support(user_id: int, idea_id: int) -> None:
    user, idea = db.session.get(User, user_id), db.session.get(Idea, idea_id)
    assert user is not None and idea is not None
    engagement.set_support(user, idea, True)  # recounted


def test_two_supports_at_once_both_count(postgres_app: Flask) -> None:  # noqa: F811
    idea_id = make_idea().id
    first_id, second_id = make_user().id, make_user().id
    db.session.commit()

    second_waits_for_first(postgres_app, lambda: support(first_id, idea_id),
                           lambda: support(second_id, idea_id))

    db.session.expire_all()
    idea = db.session.get(Idea, idea_id)
    assert idea is not None
    supports = db.session.scalar(
        sa.select(sa.func.count()).select_from(Support).where(Support.idea_id == idea_id))
    assert idea.support_count == supports == 2
