"""Two organisers adding the same item at the same moment: a clear refusal, not an error page."""

import pytest

from myalmaty.core.errors import DomainError
from myalmaty.core.permissions import Role
from myalmaty.extensions import db
from myalmaty.organise import queries, services
from tests.factories import make_forum, make_idea, make_user


def test_a_concurrent_duplicate_agenda_item_is_refused_cleanly(app, monkeypatch):
    organiser = make_user(role=Role.ORGANISER)
    forum = make_forum()
    idea = make_idea()
    services.add_to_agenda(organiser, forum, idea=idea)
    # The other organiser's check ran before this one's row existed.
    monkeypatch.setattr(queries, "on_agenda", lambda *args, **kwargs: False)

    with pytest.raises(DomainError):
        services.add_to_agenda(organiser, forum, idea=idea)

    assert db.session.is_active
    assert len(forum.agenda) == 1
