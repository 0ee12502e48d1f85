"""A moderator's decisions in a real browser, on a phone and on a desktop, and the mails they
send: publish, reject with a reason, mark a duplicate and undo it. Each author hears in their
own language, in words (no codes), what happened and what they can do next."""

from __future__ import annotations

import re

import pytest

from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests.factories import make_idea, make_user

CODE = re.compile(r"\b[a-z]+\.[a-z_]+\b")  # idea.submit, user.role, quarter.boundary …
FIELD = re.compile(r"\b(?:user_id|idea_id|bbox|duplicate_of_id|rejection_reason|None)\b|→")
PLACEHOLDER = re.compile(r"%\(|%s|\{\{|\{%|\{count\}")
URL = re.compile(r"https?://\S+")


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"PUBLIC_BASE_URL": "https://ideas.example.kz"}


@pytest.fixture
def cast(app):
    """A moderator who reads English, and three authors who read Russian, Kazakh and English."""
    people = {
        "moderator": make_user(role=Role.MODERATOR, locale="en", display_name="Moderator Dana"),
        "ru": make_user(locale="ru", display_name="Айдар"),
        "kk": make_user(locale="kk", display_name="Әсел"),
        "en": make_user(locale="en", display_name="Sam"),
    }
    ideas = {
        "to_publish": make_idea(status=IdeaStatus.PENDING, author=people["ru"],
                                title="Скамейки вдоль Весновки"),
        "to_reject": make_idea(status=IdeaStatus.PENDING, author=people["kk"],
                               title="Астанадағы саябақ"),
        "original": make_idea(title="Drinking fountains in Gorky park"),
        "copy": make_idea(author=people["en"], title="Water fountains, Gorky park"),
    }
    db.session.commit()
    return people, ideas


def _review(page, idea) -> None:
    page.goto(page.base_url + f"/moderation/ideas/{idea.id}?lang=en")


def _form(page, heading: str):
    return page.locator("form").filter(has=page.get_by_role("heading", name=heading, exact=True))


def _in_words(mail) -> None:
    for text in (mail.subject, URL.sub("", mail.body)):
        assert not CODE.search(text), text
        assert not FIELD.search(text), text
        assert not PLACEHOLDER.search(text), text


@pytest.mark.parametrize("width", [360, 1280])
def test_a_moderators_decisions_reach_each_author_as_one_mail_in_words(page, sign_in, cast,
                                                                       outbox, width):
    people, ideas = cast
    sign_in(people["moderator"])
    page.set_viewport_size({"width": width, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    _review(page, ideas["to_publish"])
    _form(page, "Publish").get_by_role("button", name="Publish").click()
    page.get_by_text("The idea is published.").wait_for()

    _review(page, ideas["to_reject"])
    reject = _form(page, "Reject")
    reject.get_by_label("Reason").select_option("outside_almaty")
    reject.get_by_label("A note for the author").fill("Бұл саябақ Астанада, Алматыда емес.")
    reject.get_by_role("button", name="Reject").click()
    page.get_by_text("The idea is rejected; its author is told why.").wait_for()

    _review(page, ideas["copy"])
    duplicate = _form(page, "Mark as a duplicate")
    duplicate.get_by_label("Number of the original idea").fill(str(ideas["original"].id))
    duplicate.get_by_role("button", name="Mark as a duplicate").click()
    page.get_by_text("Marked as a duplicate; its supporters now count on the original.").wait_for()
    _form(page, "Undo the duplicate mark").get_by_role("button", name="Undo").click()
    page.get_by_text("The idea is no longer a duplicate").wait_for()

    for idea in ideas.values():
        db.session.refresh(idea)
    assert ideas["to_publish"].status is IdeaStatus.PUBLISHED
    assert ideas["to_reject"].status is IdeaStatus.REJECTED
    assert ideas["copy"].status is IdeaStatus.PUBLISHED and ideas["copy"].duplicate_of is None
    assert errors == []

    by_person = {language: [m for m in outbox if m.to == people[language].email]
                 for language in ("ru", "kk", "en")}
    assert all(m.to != people["moderator"].email for m in outbox)  # nobody hears of their own steps
    [published] = by_person["ru"]
    [rejected] = by_person["kk"]
    marked, undone = by_person["en"]  # the undo is told like the mark was
    for mail in (published, rejected, marked, undone):
        _in_words(mail)
        assert "https://ideas.example.kz/" in mail.body  # the way forward is a link

    # Russian: published, with the idea's own page to share.
    assert "Скамейки вдоль Весновки" in published.body
    assert f"https://ideas.example.kz/ideas/{ideas['to_publish'].id}" in published.body
    assert re.search(r"[а-яё]{4}", published.subject) and "Published" not in published.subject
    # Kazakh: the reason in Kazakh, the note as written, and how to try again.
    assert "Бұл саябақ Астанада, Алматыда емес." in rejected.body
    assert "Себебі: Алматыдан тыс." in rejected.body  # "Reason: Outside Almaty"
    assert "Outside Almaty" not in rejected.body and "Reason" not in rejected.body
    assert f"https://ideas.example.kz/ideas/{ideas['to_reject'].id}/edit" in rejected.body
    # English: the original is named, then the mark is taken back.
    assert "“Drinking fountains in Gorky park”" in marked.body
    assert f"https://ideas.example.kz/ideas/{ideas['original'].id}" in marked.body
    assert "No longer marked as a duplicate" in undone.subject
