"""On a phone (360 px) and on a desktop (1280 px): a header of one compact bar with a menu
button that works by keyboard, a map page that is the map first, and checkboxes big enough to
tap. Targets of at least 24 × 24 px (WCAG 2.5.8) on every page, for every role and in every
language, are checked by the walk of test_clean_html.py (tap_targets.py)."""

from __future__ import annotations

import pytest

from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests import factories

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

# The pages whose header is measured: what a visitor and a moderator open most.
PUBLIC_PAGES = ["/", "/ideas/map", "/ideas/", "/ideas/new", "/account/login", "/account/register"]
MODERATOR_PAGES = ["/", "/ideas/map", "/ideas/", "/ideas/mine", "/moderation/", "/moderation/log",
                   "/account/profile"]

@pytest.fixture
def moderator(app):
    user = factories.make_user(role=Role.MODERATOR, locale="ru", display_name="Модератор Айгерім")
    quarter = factories.make_quarter(name_ru="Панфилова")
    for n in range(3):
        factories.make_idea(status=IdeaStatus.PENDING, title=f"Скамейки во дворе {n}", quarter=quarter)
        factories.make_idea(title=f"Кинотеатр во дворе {n}", quarter=quarter, author=user)
    db.session.commit()
    return user


def _header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def _menu_button(page):
    return page.locator(".site-header .menu-button")


def test_the_header_is_one_compact_bar_on_every_main_page_of_a_phone(page, sign_in, moderator):
    page.set_viewport_size(PHONE)
    heights = {}
    for path in PUBLIC_PAGES:
        page.goto(page.base_url + path)
        heights[path] = _header_height(page)
    sign_in(moderator)
    for language in ("ru", "kk", "en"):
        for path in MODERATOR_PAGES:
            page.goto(page.base_url + path + f"?lang={language}")
            heights[f"{path} {language}"] = _header_height(page)
            assert _menu_button(page).is_visible()
            assert not page.locator(".main-nav").is_visible()

    assert max(heights.values()) <= 64, heights


def test_on_a_desktop_the_menu_is_all_shown_and_no_button_is_needed(page, sign_in, moderator):
    sign_in(moderator)
    page.set_viewport_size(DESKTOP)
    page.goto(page.base_url + "/?lang=en")

    assert not _menu_button(page).is_visible()
    assert page.get_by_role("link", name="Moderation").is_visible()
    assert page.get_by_role("link", name="Қазақша").is_visible()


def test_the_menu_opens_and_closes_by_keyboard(page, sign_in, moderator):
    sign_in(moderator)
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/?lang=en")
    button = _menu_button(page)
    moderation = page.get_by_role("link", name="Moderation")
    assert button.get_attribute("aria-expanded") == "false"
    assert not moderation.is_visible()

    for _ in range(5):  # the skip link, the brand, then the menu button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('menu-button')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('menu-button')")
    page.keyboard.press("Enter")

    assert button.get_attribute("aria-expanded") == "true"
    assert moderation.is_visible()
    assert page.get_by_role("link", name="Қазақша").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#site-menu') !== null")
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert not moderation.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('menu-button')")
    page.keyboard.press(" ")
    assert button.get_attribute("aria-expanded") == "true"
    # The open menu lies over the page: the bar itself stays as high as it was, and tabbing
    # out of the menu closes it.
    assert _header_height(page) <= 64
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("!document.activeElement.closest('.site-header')"):
            break
    assert button.get_attribute("aria-expanded") == "false"
    assert not moderation.is_visible()


def test_without_script_the_whole_menu_shows(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(live_server + "/?lang=en")
        assert not page.locator(".menu-button").is_visible()
        assert page.get_by_role("link", name="Suggest an idea").first.is_visible()
        page.goto(live_server + "/ideas/map?lang=en")
        assert page.get_by_role("link", name="Show these ideas as a list").is_visible()
    finally:
        context.close()


def test_on_a_phone_the_map_fills_the_screen_and_the_list_and_filters_come_as_a_sheet(page, moderator):
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/ideas/map?lang=en")
    header = page.locator(".site-header").bounding_box()
    frame = page.locator("[data-ideas-map]").bounding_box()
    toggle = page.get_by_role("button", name="Filters and list")
    to_list = page.get_by_role("link", name="Show these ideas as a list")

    assert frame["y"] == pytest.approx(header["y"] + header["height"], abs=1)
    assert frame["x"] == 0 and frame["width"] == PHONE["width"]
    assert frame["y"] + frame["height"] == pytest.approx(PHONE["height"], abs=1)
    page.wait_for_function("document.querySelectorAll('.leaflet-marker-icon').length > 0")
    assert page.get_by_role("heading", level=1, name="Map of ideas").count() == 1
    assert toggle.is_visible() and not to_list.is_visible()
    assert "filters on" not in toggle.inner_text()

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert to_list.is_visible()
    assert page.get_by_role("button", name="Show").is_visible() or \
        page.get_by_text("Filter ideas").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not to_list.is_visible()

    toggle.focus()
    page.keyboard.press("Enter")
    assert to_list.is_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    assert not to_list.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('sheet-toggle')")


def test_on_a_phone_the_sheets_button_says_when_filters_narrow_the_map(page, moderator):
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/ideas/map?lang=en&q=benches")

    assert page.get_by_role("button", name="Filters and list filters on").is_visible()


def test_on_a_desktop_the_map_page_shows_its_filters_and_list_link_beside_the_map(page, moderator):
    page.set_viewport_size(DESKTOP)
    page.goto(page.base_url + "/ideas/map?lang=en")

    assert not page.locator(".sheet-toggle").is_visible()
    assert page.get_by_role("link", name="Show these ideas as a list").is_visible()
    assert page.get_by_role("button", name="Show", exact=True).is_visible()  # filters open
    frame = page.locator("[data-ideas-map]").bounding_box()
    title = page.get_by_role("heading", level=1).bounding_box()
    assert frame["y"] > title["y"] and frame["height"] >= 320


def test_the_moderation_queue_checkboxes_are_big_enough_to_tap(page, sign_in, moderator):
    sign_in(moderator)
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/moderation/")

    boxes = page.locator("input[type=checkbox]")
    assert boxes.count() >= 4  # three ideas and "choose all"
    for index in range(boxes.count()):
        box = boxes.nth(index).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, box

