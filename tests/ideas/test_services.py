"""The ideas' services enforce their rules whoever calls them (not only through the pages)."""

from __future__ import annotations

import pytest

from myalmaty.core.errors import Conflict, FieldError
from myalmaty.core.permissions import PermissionDenied
from myalmaty.domain.ideas import IdeaStatus, ReportReason
from myalmaty.extensions import db
from myalmaty.ideas import engagement, services
from myalmaty.ideas.services import IdeaDetails
from tests.factories import CENTRE, make_idea, make_user


@pytest.fixture
def details(category):
    return IdeaDetails(title="Courtyard cinema", description="Screenings for neighbours in summer.",
                       first_step="Ask the neighbours.", category_id=category.id,
                       lat=CENTRE[0], lon=CENTRE[1])


def test_a_deactivated_account_cannot_submit(app, details):
    user = make_user(active=False)
    with pytest.raises(PermissionDenied):
        services.submit_idea(user, details, locale="ru")


def test_text_limits_hold_without_the_form(app, resident, details):
    from dataclasses import replace

    with pytest.raises(FieldError) as refused:
        services.submit_idea(resident, replace(details, title="x" * 141), locale="ru")
    assert refused.value.field == "title"


def test_only_the_author_edits_and_only_while_pending(app, resident, details):
    idea = make_idea(status=IdeaStatus.PENDING, author=resident)
    with pytest.raises(PermissionDenied):
        services.edit_idea(make_user(), idea, details, version=None)
    with pytest.raises(PermissionDenied):
        services.withdraw_idea(make_user(), idea)
    idea.status = IdeaStatus.PUBLISHED
    db.session.flush()
    with pytest.raises(Conflict):
        services.edit_idea(resident, idea, details, version=None)


def test_reports_need_an_active_account(app):
    idea = make_idea()
    with pytest.raises(PermissionDenied):
        engagement.report_idea(make_user(active=False), idea, ReportReason.SPAM, "",
                               reports_to_hide=3)
