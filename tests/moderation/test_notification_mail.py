"""Notification mails: never about one's own steps, in words with a way forward, one digest
per person per unit of work, undoing told like doing, each person's choice of what to hear,
and a one-click unsubscribe link (RFC 8058) that account mails ignore."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from myalmaty.auth.tokens import make_unsubscribe_token
from myalmaty.domain.decisions import ACTION_LABELS, is_author_visible
from myalmaty.domain.ideas import IdeaStage, IdeaStatus, RejectionReason
from myalmaty.extensions import db
from myalmaty.ideas import services as idea_services
from myalmaty.ideas.services import IdeaDetails
from myalmaty.moderation import services
from myalmaty.moderation.notifications import compose_mail
from myalmaty.moderation.services import BulkAction, BulkParams
from tests.factories import make_category, make_event, make_idea, make_user

CODE = re.compile(r"\b[a-z]+\.[a-z_]+\b")
URL = re.compile(r"https?://\S+")
PLACEHOLDER = re.compile(r"%\(|%s|\{\{|\{%")


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"PUBLIC_BASE_URL": "https://ideas.example.kz"}


def test_submitting_ones_own_idea_mails_nobody_but_a_decision_does(app, moderator, outbox):
    author = make_user(locale="en")
    idea = idea_services.submit_idea(
        author,
        IdeaDetails(title="Benches along the Esentai river", category_id=make_category().id,
                    description="Benches every two hundred metres for walkers to rest.",
                    first_step="Count the walkers on a weekend.", lat=43.238, lon=76.945),
        locale="en",
    )
    db.session.commit()
    assert outbox == []
    idea_services.edit_idea(
        author, idea,
        IdeaDetails(title="Benches along the Esentai", category_id=idea.category_id,
                    description=idea.description, first_step=idea.first_step,
                    lat=idea.lat, lon=idea.lon),
        version=idea.version,
    )
    db.session.commit()
    assert outbox == []  # once told as "corrected by a moderator"
    idea_services.withdraw_idea(author, idea, version=idea.version)
    db.session.commit()
    idea_services.resubmit_idea(author, idea, version=idea.version)
    db.session.commit()
    assert outbox == []

    services.publish_idea(moderator, idea, version=idea.version)
    db.session.commit()
    [mail] = outbox
    assert mail.to == author.email
    assert "Published" in mail.subject


def test_a_published_idea_is_told_with_a_link_to_share(app, moderator, outbox):
    idea = make_idea(status=IdeaStatus.PENDING, author=make_user(locale="en"),
                     title="Shade trees at the bus stop")
    services.publish_idea(moderator, idea, version=idea.version)
    db.session.commit()
    [mail] = outbox
    assert "Your idea was published." in mail.body
    assert f"See it and share it: https://ideas.example.kz/ideas/{idea.id}" in mail.body


def test_a_rejected_idea_says_why_and_how_to_try_again(app, moderator, outbox):
    idea = make_idea(status=IdeaStatus.PENDING, author=make_user(locale="en"))
    services.reject_idea(moderator, idea, version=idea.version,
                         reason=RejectionReason.OUTSIDE_ALMATY, note="")
    db.session.commit()
    [mail] = outbox
    assert "Reason:" in mail.body
    assert ("You can edit your idea and submit it again: "
            f"https://ideas.example.kz/ideas/{idea.id}/edit") in mail.body


def test_a_duplicate_names_its_original_and_undoing_it_is_told_too(app, moderator, outbox):
    author = make_user(locale="en")
    original = make_idea(title="Drinking fountains in Gorky park")
    idea = make_idea(author=author)
    services.mark_duplicate(moderator, idea, original, version=idea.version)
    db.session.commit()
    [marked] = outbox
    assert "“Drinking fountains in Gorky park”" in marked.body
    assert "Support the original idea" in marked.body
    assert f"https://ideas.example.kz/ideas/{original.id}" in marked.body

    services.undo_duplicate(moderator, idea, version=idea.version)
    db.session.commit()
    assert len(outbox) == 2
    assert "No longer marked as a duplicate" in outbox[1].subject
    assert f"https://ideas.example.kz/ideas/{idea.id}" in outbox[1].body


def test_restoring_a_hidden_idea_is_told_like_hiding_it(app, moderator, outbox):
    idea = make_idea(author=make_user(locale="en"))
    services.hide_idea(moderator, idea, version=idea.version, reason="Insults a neighbour.")
    db.session.commit()
    services.restore_idea(moderator, idea, version=idea.version)
    db.session.commit()
    assert [m.subject.split(": ")[-1] for m in outbox] == ["Hidden", "Restored"]
    assert "shown on the public pages again" in outbox[1].body


def test_a_bulk_decision_on_one_persons_ideas_is_one_mail(app, moderator, outbox):
    author, other = make_user(locale="en"), make_user(locale="ru")
    mine = [make_idea(status=IdeaStatus.PENDING, author=author, title=f"Bike lane {n}")
            for n in range(3)]
    theirs = make_idea(status=IdeaStatus.PENDING, author=other)
    db.session.commit()
    services.apply_bulk(moderator, BulkAction.PUBLISH,
                        [(i.id, i.version) for i in [*mine, theirs]], BulkParams())
    db.session.commit()
    assert sorted(m.to for m in outbox) == sorted([author.email, other.email])
    [digest] = [m for m in outbox if m.to == author.email]
    assert digest.subject == "News about your ideas on #MyAlmaty"
    for idea in mine:
        assert f"Your idea “{idea.title}”:" in digest.body
        assert f"https://ideas.example.kz/ideas/{idea.id}" in digest.body


def author_visible_actions() -> list[str]:
    return sorted(a for a in ACTION_LABELS if is_author_visible(a))


@pytest.mark.parametrize("locale", ["ru", "kk", "en"])
def test_every_decision_reads_as_words_in_every_language(app, moderator, locale):
    author = make_user(locale=locale, display_name="Aru")
    original = make_idea(title="Original fountains")
    idea = make_idea(author=author, title="Fountains", duplicate_of=original,
                     status=IdeaStatus.DUPLICATE)
    values = {"stage": IdeaStage.IN_PROGRESS.value,
              "rejection_reason": RejectionReason.OFF_TOPIC.value,
              "public_answer": "Started", "group_title": "Parks", "title": "Fountains",
              "recommendation": {"ru": "Парки", "kk": "Саябақтар", "en": "Parks"},
              "duplicate_of_id": original.id}
    for action in author_visible_actions():
        event = make_event(action, actor=moderator, idea=idea, after=values, before=values,
                           note="Note")
        mail = compose_mail(author, [(idea, [event])])
        assert mail is not None, action
        for text in (mail.subject, URL.sub("", mail.body)):
            assert not CODE.search(text), (action, text)
            assert not PLACEHOLDER.search(text), (action, text)
        if locale != "en":
            with force_locale("en"):
                english = str(ACTION_LABELS[action])
            assert english not in mail.subject, (action, mail.subject)  # translated


def test_the_choice_decides_what_is_told(app, moderator, outbox):
    author = make_user(locale="en", notify="decisions")
    idea = make_idea(author=author)
    services.answer_idea(moderator, idea, version=idea.version, stage=IdeaStage.IN_PROGRESS,
                         answer="The akimat has started.")
    db.session.commit()
    assert outbox == []  # a stage and an answer are not decisions
    services.hide_idea(moderator, idea, version=idea.version, reason="Spam.")
    db.session.commit()
    assert len(outbox) == 1

    author.notify = "none"
    services.restore_idea(moderator, idea, version=idea.version)
    db.session.commit()
    assert len(outbox) == 1


def test_every_mail_carries_a_one_click_unsubscribe_link(app, client, moderator, outbox):
    author = make_user(locale="en")
    idea = make_idea(status=IdeaStatus.PENDING, author=author)
    services.publish_idea(moderator, idea, version=idea.version)
    db.session.commit()
    [mail] = outbox
    headers = dict(mail.headers)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = headers["List-Unsubscribe"].strip("<>")
    assert link in mail.body
    path = link.removeprefix("https://ideas.example.kz")

    page = client.get(path)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200
    assert db.session.get(type(author), author.id).notify == "all"
    # The mail client's one-click request carries no CSRF token; the signed token suffices.
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(type(author), author.id).notify == "none"


def test_a_forged_unsubscribe_link_is_not_found(app, client):
    author = make_user()
    db.session.commit()
    token = make_unsubscribe_token(author.id)
    assert client.get(f"/unsubscribe/{token}x").status_code == 404
    assert client.post(f"/unsubscribe/{token[:-2]}").status_code == 404
    assert client.get(f"/unsubscribe/{token}").status_code == 200


def test_account_mails_are_sent_to_those_who_chose_nothing(app, client, outbox):
    make_user(email="aidos@example.kz", notify="none")
    db.session.commit()
    client.post("/account/reset", data={"email": "aidos@example.kz"}, follow_redirects=True)
    assert [mail.to for mail in outbox] == ["aidos@example.kz"]


def test_the_choice_is_made_on_the_profile_page(app, client, auth):
    person = make_user(email="dana@example.kz", display_name="Dana", locale="en")
    db.session.commit()
    auth.login("dana@example.kz")
    page = client.get("/account/profile").get_data(as_text=True)
    assert 'name="notify"' in page
    response = client.post("/account/profile", data={
        "display_name": "Dana", "locale": "en", "notify": "decisions"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(person), person.id).notify == "decisions"
    refused = client.post("/account/profile", data={
        "display_name": "Dana", "locale": "en", "notify": "weekly"})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(type(person), person.id).notify == "decisions"
