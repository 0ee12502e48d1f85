"""Fixtures of the organisers' tests: an organiser signed in, and a small world to act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient

from myalmaty.core.permissions import Role
from myalmaty.domain.accounts import User
from myalmaty.extensions import db
from tests import factories

if TYPE_CHECKING:
    from tests.conftest import AuthActions


@pytest.fixture
def organiser(app: Flask) -> User:
    # English pages, so that assertions read like the messages people see.
    user = factories.make_user(role=Role.ORGANISER, display_name="Aigerim Organiser", locale="en")
    db.session.commit()
    return user


@pytest.fixture
def as_organiser(client: FlaskClient, auth: AuthActions, organiser: User) -> FlaskClient:
    """The test client, signed in as an organiser."""
    auth.as_user(organiser)
    return client


@dataclass
class World:
    """One of everything the organisers' pages act on (ids, since each request has its own session)."""

    forum: int
    recommendation: int
    second_recommendation: int
    quarter: int
    archived_quarter: int
    category: int
    archived_category: int
    idea_on_agenda: int
    linked_idea: int
    group: int
    agenda_item: int
    resident: int


@pytest.fixture
def world(app: Flask) -> World:
    forum = factories.make_forum()
    recommendation = factories.make_recommendation(forum, position=1)
    second = factories.make_recommendation(forum, position=2)
    quarter = factories.make_quarter()
    archived_quarter = factories.make_quarter(archived=True)
    category = factories.make_category()
    archived_category = factories.make_category(archived=True)
    on_agenda = factories.make_idea(quarter=quarter, category=category)
    linked = factories.make_idea(quarter=quarter, category=category)
    factories.make_link(recommendation, idea=linked)
    group = factories.make_group()
    item = factories.make_agenda_item(forum, idea=on_agenda, position=1)
    resident = factories.make_user(locale="en")
    db.session.commit()
    return World(
        forum=forum.id, recommendation=recommendation.id, second_recommendation=second.id,
        quarter=quarter.id, archived_quarter=archived_quarter.id, category=category.id,
        archived_category=archived_category.id, idea_on_agenda=on_agenda.id, linked_idea=linked.id,
        group=group.id, agenda_item=item.id, resident=resident.id,
    )
