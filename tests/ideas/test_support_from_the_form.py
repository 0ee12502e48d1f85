""""Support this instead" beside a draft idea: the page's script supports in one request and
gets JSON, so the draft on the page stays as typed; the same rules and CSRF as the idea page."""

from __future__ import annotations

import re

import pytest

from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests.factories import make_idea

JSON = {"Accept": "application/json"}


@pytest.fixture
def idea(app):
    found = make_idea(title="Courtyard cinema")
    db.session.commit()
    return found


def support(client, idea, **headers):
    return client.post(f"/ideas/{idea.id}/support?lang=en", data={"action": "support"},
                       headers={**JSON, **headers})


def test_one_request_supports_and_answers_the_new_count(client, auth, resident, idea):
    auth.as_user(resident)
    response = support(client, idea)
    assert response.status_code == 200
    assert response.get_json() == {"supported": True, "message": "Thank you for your support!",
                                   "supporters": 1,
                                   "supporters_text": "1 resident supports this idea"}
    again = support(client, idea)  # a double click counts once
    assert again.get_json()["supporters"] == 1
    db.session.refresh(idea)
    assert idea.support_count == 1
    # No message is left over for the next page: the script has said it already.
    page = client.get("/ideas/new?lang=en").get_data(as_text=True)
    assert "Thank you for your support!" not in page


def test_signed_out_gets_401_not_the_sign_in_page(client, idea):
    response = support(client, idea)
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "Please sign in to continue."
    # A browser's own form post still goes to the sign-in page, and comes back.
    plain = client.post(f"/ideas/{idea.id}/support", data={"action": "support"})
    assert plain.status_code == 302 and "/account/login" in plain.headers["Location"]


def test_an_author_is_told_why_in_json(client, auth, idea):
    auth.as_user(idea.author)
    response = support(client, idea)
    assert response.status_code == 400
    assert "cannot support your own idea" in response.get_json()["error"]["detail"]


@pytest.mark.parametrize("status", [IdeaStatus.PENDING, IdeaStatus.HIDDEN])
def test_only_a_visible_published_idea_is_supported(client, auth, resident, status):
    other = make_idea(status=status)
    db.session.commit()
    auth.as_user(resident)
    response = support(client, other)
    assert response.status_code in (400, 404)
    assert response.get_json()["error"]["message"]


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_the_forms_token_is_needed_and_enough(self, client, auth, resident, idea):
        auth.as_user(resident)
        refused = support(client, idea)
        assert refused.status_code == 400 and refused.get_json()["error"]
        page = client.get("/ideas/new").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        response = client.post(f"/ideas/{idea.id}/support",
                               data={"action": "support", "csrf_token": token},
                               headers={**JSON, "X-CSRFToken": token})
        assert response.status_code == 200 and response.get_json()["supported"] is True


def test_the_form_carries_what_the_script_needs(client, auth, resident):
    auth.as_user(resident)
    page = client.get("/ideas/new?lang=en").get_data(as_text=True)
    assert 'id="similar-status" class="similar-status" role="status" aria-live="polite"' in page
    assert 'data-support="Support this instead"' in page
    assert 'data-sign-in-url="/account/login?next=/ideas/new?lang%3Den"' in page
    assert "/static/js/similar-ideas.js" in page

