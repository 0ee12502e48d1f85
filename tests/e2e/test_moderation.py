"""Moderation in a real browser: select-all for bulk decisions, and the theme map whose popups
show residents' text as text."""

from __future__ import annotations

from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests.factories import CENTRE, make_group, make_idea, make_user


def sign_in(app, page, user) -> None:
    """Put a signed session cookie in the browser (the sign-in form belongs to another feature)."""
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": user.get_id(), "_fresh": True}
    )
    page.context.add_cookies([{"name": "session", "value": value, "url": page.base_url}])


def only_tiles_from_outside(page) -> bool:
    return all(url.startswith("http://tiles.test/") for url in page.outside_requests)


def test_select_all_then_bulk_publish(app, page):
    moderator = make_user(role=Role.MODERATOR, locale="en")
    ideas = [make_idea(status=IdeaStatus.PENDING, title=f"Pending {n}") for n in range(3)]
    db.session.commit()
    sign_in(app, page, moderator)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page.base_url + "/moderation/")
    page.get_by_label("Choose all on this page").check()
    assert page.locator("input[name=ideas]:checked").count() == 3
    page.get_by_label("Decision", exact=True).select_option("publish")
    page.get_by_role("button", name="Apply to the chosen ideas").click()
    page.get_by_text("3 ideas changed.").wait_for()  # the next page, once it has loaded
    for idea in ideas:
        db.session.refresh(idea)
        assert idea.status is IdeaStatus.PUBLISHED
    assert errors == []
    assert only_tiles_from_outside(page)


def test_theme_map_popups_show_titles_as_text(app, page):
    group = make_group(title="Courtyards")
    make_idea(group=group, title="<img src=x onerror=alert(1)> Benches", lat=CENTRE[0],
              lon=CENTRE[1])
    make_idea(group=group, title="Shade trees", lat=CENTRE[0] + 0.003, lon=CENTRE[1] + 0.003)
    db.session.commit()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append("dialog: " + dialog.message))
    page.goto(page.base_url + f"/groups/{group.id}?lang=en")
    markers = page.locator(".leaflet-marker-icon")
    assert markers.count() == 2
    hostile = "<img src=x onerror=alert(1)> Benches"
    page.locator(f'.leaflet-marker-icon[title="{hostile}"]').click(force=True)
    popup = page.locator(".leaflet-popup-content a")
    popup.wait_for()
    assert popup.inner_text() == hostile
    assert page.locator(".leaflet-popup-content img").count() == 0
    assert errors == []
    assert only_tiles_from_outside(page)


def test_the_audit_log_reads_as_cards_on_a_phone_and_rows_on_a_desktop(app, page):
    from tests.factories import make_event

    moderator = make_user(role=Role.MODERATOR, locale="kk", display_name="Модератор Айгерім")
    for n in range(50):
        idea = make_idea(title=f"Ауладағы кинотеатр және көлеңкелі орындықтар {n}")
        make_event("idea.edit", actor=moderator, idea=idea,
                   before={"title": "Ескі атау", "description": "Ұзын сипаттама " * 30},
                   after={"title": idea.title, "description": "Жаңа сипаттама " * 30},
                   note="https://example.kz/" + "a" * 120)
    db.session.commit()
    sign_in(app, page, moderator)
    measured = {}
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 740})
        page.goto(page.base_url + "/moderation/log?lang=kk")
        entry = page.locator(".audit-entry").first
        measured[width] = page.evaluate("""() => ({
            scroll: document.documentElement.scrollWidth,
            height: document.documentElement.scrollHeight,
            display: getComputedStyle(document.querySelector('.audit-entry')).display,
        })""")
        assert measured[width]["scroll"] <= width, measured  # nothing cut off or scrolled sideways
        assert entry.locator("time").is_visible() and entry.locator("h2").is_visible()
    assert measured[360]["display"] == "block" and measured[1280]["display"] == "grid"
    # Fifty of the longest entries (two long texts and a long address each) as cards: about
    # 32,000 px, where the cut-off table they replace was 53,000 px.
    assert measured[360]["height"] < 40_000, measured
