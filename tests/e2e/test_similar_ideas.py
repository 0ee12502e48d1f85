"""In Chromium: while a resident types an idea, alike published ideas nearby are suggested;
one of them is supported in one click from the keyboard, the draft stays, and sending it still
works. Signed out meanwhile: sign in, come back to the draft, and the support is done."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from myalmaty.domain.ideas import Support
from myalmaty.extensions import db
from tests.factories import CENTRE, make_category, make_idea, make_quarter, make_user

EXISTING = "Courtyard cinema on summer evenings"
TYPED = "Summer cinema in our courtyard"


@pytest.fixture
def app_config():
    return {"TILE_URL": "/e2e-tiles/{z}/{x}/{y}.png"}


@pytest.fixture
def scene(app):
    resident = make_user(display_name="Aigerim")
    make_category(name_en="Public space")
    make_quarter(name_en="Panfilov Park")
    existing = make_idea(title=EXISTING, lat=CENTRE[0] + 0.001, lon=CENTRE[1])
    make_idea(title="Repair the roof of the garage", lat=CENTRE[0] + 0.001, lon=CENTRE[1],
              description="The roof of the garages behind the school leaks after every rain.")
    db.session.commit()
    return resident, existing


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def supports_of(idea) -> int:
    db.session.rollback()  # the server wrote in its own thread: read afresh
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Support).where(Support.idea_id == idea.id))


def place_pin(page) -> None:
    page.locator("#lat").fill(str(CENTRE[0]))
    page.locator("#lon").fill(str(CENTRE[1]))
    page.locator("#lon").dispatch_event("change")


def test_a_suggestion_is_supported_from_the_keyboard_and_the_draft_still_goes(page, sign_in, scene):
    from playwright.sync_api import expect

    resident, existing = scene
    errors = watch_errors(page)
    sign_in(resident)
    page.goto(page.base_url + "/ideas/new?lang=en")
    box, status = page.locator("#similar-ideas"), page.locator("#similar-status")
    expect(box).to_be_hidden()

    page.get_by_label("Title").press_sequentially(TYPED, delay=20)
    expect(status).to_have_text("1 similar published idea")
    place_pin(page)
    expect(box.locator(".similar-distance")).to_have_text(re.compile(r"· 11\d m away"))
    suggestion = box.locator("li")
    expect(suggestion).to_have_count(1)  # the garage roof at the same place is no suggestion
    expect(suggestion.get_by_role("link")).to_have_text(re.compile(EXISTING))
    expect(suggestion).to_contain_text("0 residents support this idea")
    # Announced when the ideas shown change, not again for the same ones.
    expect(status).to_have_text("1 similar published idea")

    # The keyboard reaches it right after the description: the idea, then the button.
    page.get_by_label("What is the idea?").focus()
    page.keyboard.press("Tab")
    expect(suggestion.get_by_role("link")).to_be_focused()
    page.keyboard.press("Tab")
    button = suggestion.get_by_role("button", name=re.compile("Support this instead"))
    expect(button).to_be_focused()
    page.keyboard.press("Enter")

    expect(status).to_have_text(re.compile(
        f"Thank you: you now support “{EXISTING}”. Your draft is kept here"))
    expect(suggestion).to_contain_text("1 resident supports this idea")
    expect(suggestion).to_contain_text("You support this idea.")
    assert supports_of(existing) == 1
    expect(page.get_by_label("Title")).to_have_value(TYPED)  # the draft as typed

    page.get_by_label("What is the idea?").fill(
        "Films for the neighbours on a sheet between the trees, with chairs from home.")
    page.get_by_label("The first small step").fill("Ask the neighbours which evening suits them.")
    page.get_by_label("Category").select_option(label="Public space")
    page.get_by_role("button", name="Send the idea").click()
    page.wait_for_url("**/ideas/mine*")
    expect(page.locator(".my-idea").filter(has_text=TYPED)).to_have_count(1)
    assert errors == []
    assert page.outside_requests == []


def test_signed_out_meanwhile_the_resident_signs_in_and_comes_back_to_the_draft(page, sign_in,
                                                                                  scene):
    from playwright.sync_api import expect

    resident, existing = scene
    errors = watch_errors(page)
    sign_in(resident)
    page.goto(page.base_url + "/ideas/new?lang=en")
    place_pin(page)
    page.get_by_label("Title").fill(TYPED)
    page.get_by_label("What is the idea?").fill("Films for the neighbours between the trees.")
    button = page.get_by_role("button", name=re.compile("Support this instead"))
    expect(button).to_be_visible()

    page.context.clear_cookies()  # signed out in another tab, or the session ended
    button.click()
    page.wait_for_url(re.compile(r"/account/login\?next="))
    assert supports_of(existing) == 0

    sign_in(resident)
    page.reload()  # signed in: the sign-in page sends them back to the form
    page.wait_for_url(re.compile(r"/ideas/new\?lang=en$"))
    expect(page.locator("#similar-status")).to_have_text(re.compile(
        f"you now support “{EXISTING}”"))
    assert supports_of(existing) == 1
    expect(page.get_by_label("Title")).to_have_value(TYPED)
    expect(page.get_by_label("What is the idea?")).to_have_value(
        "Films for the neighbours between the trees.")
    expect(page.locator("#lat")).to_have_value(str(CENTRE[0]))
    expect(page.locator("#similar-ideas li")).to_contain_text("You support this idea.")
    assert errors == []
