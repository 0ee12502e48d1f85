"""Where a decision sends the moderator afterwards: the form's `next` when it is a page of this
site, otherwise the decision's own page. Nothing a form or a link carries leads to another site."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests.factories import make_idea

# Each is read by some browser as another host, or is another host outright.
FOREIGN = [
    "/\\evil.example",
    "\\\\evil.example",
    "//evil.example",
    "//evil.example/moderation/",
    "///evil.example",
    "/\t/evil.example",
    "https:evil.example",
    "https://evil.example/moderation/",
    "javascript:alert(1)",
    # Percent-encoded: refused as they arrive, and a path never starts with them.
    "%2F%2Fevil.example",
    "%2f%2fevil.example",
    "%5C%5Cevil.example",
    "https:%2F%2Fevil.example",
]

QUEUE = "/moderation/"  # where publishing goes by default


def _publish(client: FlaskClient, *, form_next: str | None = None,
             query_next: str | None = None) -> str:
    """Publish a pending idea through its form; the address the response redirects to."""
    idea = make_idea(status=IdeaStatus.PENDING)
    db.session.commit()
    url = f"/moderation/ideas/{idea.id}/publish"
    if query_next is not None:
        url += "?" + urlencode({"next": query_next})
    data: dict[str, str | int] = {"publish-version": idea.version}
    if form_next is not None:
        data["next"] = form_next
    response = client.post(url, data=data)
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.status is IdeaStatus.PUBLISHED
    return response.location


@pytest.mark.parametrize("target", FOREIGN)
def test_a_foreign_next_in_the_form_leads_to_the_default_page(app, as_moderator, target):
    assert _publish(as_moderator, form_next=target) == QUEUE


@pytest.mark.parametrize("target", FOREIGN)
def test_a_foreign_next_in_the_address_leads_to_the_default_page(app, as_moderator, target):
    # urlencode percent-encodes it once more: the query string arrives encoded and is decoded.
    assert _publish(as_moderator, query_next=target) == QUEUE


@pytest.mark.parametrize(("target", "followed"), [
    ("/moderation/reports", "/moderation/reports"),
    ("/moderation/published?page=2&q=park", "/moderation/published?page=2&q=park"),
    ("http://localhost/moderation/reports", "/moderation/reports"),
])
def test_a_next_on_this_site_is_followed(app, as_moderator, target, followed):
    assert _publish(as_moderator, form_next=target) == followed
    assert _publish(as_moderator, query_next=target) == followed
