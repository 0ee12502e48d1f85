"""The audit log and the review history in words: names for ids, translated actions and fields,
the author's own steps labelled as theirs, filters by action, person and date."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.decisions import ACTION_LABELS
from myalmaty.domain.ideas import IdeaStage, IdeaStatus, RejectionReason
from myalmaty.extensions import db
from myalmaty.ideas import services as idea_services
from myalmaty.ideas.services import IdeaDetails
from myalmaty.moderation import services
from myalmaty.organise import user_services
from tests.factories import (
    make_category,
    make_comment,
    make_event,
    make_group,
    make_idea,
    make_quarter,
    make_user,
)

ROOT = Path(__file__).resolve().parents[2]
LONG_TEXT = "A shaded courtyard with benches and a small stage for neighbours' evenings. " * 12


def _entries(page: str) -> str:
    """The log's entries, without the filter form (whose options carry the action codes)."""
    assert '<ol class="audit-log">' in page
    return page.split('<ol class="audit-log">', 1)[1]


def _history(page: str) -> str:
    return page.split('id="history-title"', 1)[1]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def _samples(ids: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each action with the snapshots its service writes (see the record_event calls)."""
    idea, other, group, category, quarter, user = (
        ids["idea"], ids["other"], ids["group"], ids["category"], ids["quarter"], ids["user"])
    status = {"before": {"status": "pending"}, "after": {"status": "published"}}
    return {
        "idea.submit": {"after": {"title": "Yard cinema", "description": LONG_TEXT,
                                  "first_step": "Ask the neighbours", "category_id": category,
                                  "lat": 43.25, "lon": 76.95, "quarter_id": quarter,
                                  "photo_key": None, "status": "pending"}},
        "idea.withdraw": {"before": {"status": "pending"}, "after": {"status": "withdrawn"}},
        "idea.resubmit": {"before": {"status": "withdrawn"}, "after": {"status": "pending"}},
        "idea.publish": status,
        "idea.reject": {"before": {"status": "pending"},
                        "after": {"status": "rejected", "rejection_reason": "offensive"}},
        "idea.edit": {"before": {"title": "Tpyo", "category_id": None, "lat": 43.2, "lon": 76.9},
                      "after": {"title": "Typo", "category_id": category, "lat": 43.3,
                                "lon": 76.8}},
        "idea.duplicate": {"before": {"status": "published", "duplicate_of_id": None},
                           "after": {"status": "duplicate", "duplicate_of_id": other,
                                     "published_at": "2026-03-01T10:00:00+00:00",
                                     "original_support_count": 4}},
        "idea.unduplicate": {"before": {"status": "duplicate", "duplicate_of_id": other},
                             "after": {"status": "published", "duplicate_of_id": None,
                                       "original_support_count": 4}},
        "idea.stage": {"before": {"stage": "new"}, "after": {"stage": "in_progress"}},
        "idea.answer": {"before": {"public_answer": ""}, "after": {"public_answer": LONG_TEXT}},
        "idea.group_add": {"before": {"group_id": None},
                           "after": {"group_id": group, "group_title": "Courtyards"}},
        "idea.group_move": {"before": {"group_id": group, "group_title": "Courtyards"},
                            "after": {"group_id": group, "group_title": "Parks"}},
        "idea.group_remove": {"before": {"group_id": group, "group_title": "Courtyards"},
                              "after": {"group_id": None}},
        "idea.link": {"after": {"link_id": 7, "recommendation": {"en": "More shade"},
                                "rationale": "Trees"}},
        "idea.unlink": {"before": {"link_id": 7, "recommendation": {"en": "More shade"},
                                   "rationale": "Trees"}},
        "idea.hide": {"before": {"status": "published"},
                      "after": {"status": "hidden", "reports_closed": [3, 4]}},
        "idea.restore": {"before": {"status": "hidden"},
                         "after": {"status": "published", "reports_closed": []}},
        "idea.auto_hide": {"before": {"status": "published"},
                           "after": {"status": "hidden", "open_reports": 3}},
        "comment.hide": {"before": {"status": "visible"},
                         "after": {"status": "hidden", "reports_closed": [5]}},
        "comment.restore": {"before": {"status": "hidden", "hidden_reason": "Insults"},
                            "after": {"status": "visible"}},
        "report.dismiss": {"after": {"reports_closed": [5, 6]}},
        "group.create": {"after": {"title": "Courtyards", "summary": "Shade and benches",
                                   "key_words": "shade, benches"}},
        "group.update": {"before": {"title": "Courtyards"}, "after": {"title": "Yards"}},
        "group.stage": {"before": {"stage": "new"}, "after": {"stage": "done"}},
        "group.answer": {"before": {"public_answer": ""}, "after": {"public_answer": "Yes"}},
        "group.link": {"after": {"link_id": 7, "recommendation": {"en": "More shade"},
                                 "rationale": "Trees"}},
        "group.unlink": {"before": {"link_id": 7, "recommendation": {"en": "More shade"},
                                    "rationale": "Trees"}},
        "group.dissolve": {"before": {"idea_ids": [idea], "dissolved_at": None},
                           "after": {"idea_ids": [], "dissolved_at": "2026-03-02T10:00:00+00:00"}},
        "group.restore": {"before": {"dissolved_at": "2026-03-02T10:00:00+00:00", "idea_ids": []},
                          "after": {"dissolved_at": None, "idea_ids": [idea],
                                    "skipped_idea_ids": [other]}},
        "suggestion.dismiss": {"after": {"idea_ids": [idea, other],
                                         "key_words": "cinema, courtyard"}},
        "user.role": {"before": {"user_id": user, "role": "resident"},
                      "after": {"user_id": user, "role": "moderator"}},
        "user.active": {"before": {"user_id": user, "active": True},
                        "after": {"user_id": user, "active": False}},
        "quarter.boundary": {"before": {"quarter_id": quarter, "bbox": [76.9, 43.2, 77.0, 43.3]},
                             "after": {"quarter_id": quarter, "bbox": [76.8, 43.2, 77.0, 43.3],
                                       "joined": 2, "left": 0}},
    }


def test_every_action_written_in_the_code_has_words():
    """Actions are named as literals at each record_event call; each must have a label (and
    record_event refuses any other, see tests/ideas/test_own_ideas.py)."""
    written = set()
    for path in (ROOT / "myalmaty").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'record_event\(\s*\w+,\s*"([a-z_]+\.[a-z_]+)"', source))
        written |= set(re.findall(r'"((?:idea|group)\.group_(?:add|move))"', source))
    assert written and written <= set(ACTION_LABELS)


def test_every_action_renders_in_words_with_names_never_codes_or_ids(app, as_moderator, moderator):
    author = make_user(display_name="Resident Asel")
    target = make_user(display_name="Aidar Seitkali")
    category = make_category(name_en="Courtyards and parks")
    quarter = make_quarter(name_en="Samal-2")
    idea = make_idea(author=author, title="Yard cinema", category=category)
    other = make_idea(title="Open-air cinema")
    group = make_group(title="Courtyard life")
    comment = make_comment(idea)
    db.session.flush()
    ids = {"idea": idea.id, "other": other.id, "group": group.id, "category": category.id,
           "quarter": quarter.id, "user": target.id}
    samples = _samples(ids)
    assert set(samples) == set(ACTION_LABELS), "every action needs a sample here"
    for action, snapshots in samples.items():
        targets: dict[str, Any] = {}
        if action.startswith(("idea.", "comment.", "report.")):
            targets["idea"] = idea
        if action.startswith("group."):
            targets["group"] = group
        if action.startswith("comment."):
            targets["comment"] = comment
        actor = author if action in ("idea.submit", "idea.withdraw") else moderator
        make_event(action, actor=actor, **targets, **snapshots)
    db.session.commit()

    for action in samples:
        page = as_moderator.get(f"/moderation/log?action={action}")
        assert page.status_code == 200
        entries = _entries(page.get_data(as_text=True))
        words = _text(entries)
        assert action not in entries, action
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", words), (action, words)  # user_id, group_title …
        assert "bbox" not in words and "Other detail" not in words, action
        for value in re.findall(r"<dd>(.*?)</dd>", entries, re.S):
            # No value is a bare id: "→ 17" is what this page must never say.
            assert not re.fullmatch(r"[\s\d→,.\-]*", _text(value)) or "—" in _text(value), (
                action, _text(value))

    text = _text(_entries(as_moderator.get("/moderation/log").get_data(as_text=True)))
    for name in ("Aidar Seitkali", "Courtyards and parks", "Samal-2", "Open-air cinema",
                 "Courtyard life", "Resident Asel", "More shade", "Moderator", "Resident",
                 "boundary changed", "moved", "2 reports", "3 reports", "2 ideas",
                 "Account deactivated", "Role changed", "Suggested theme dismissed",
                 "Key words of the suggested theme", "cinema, courtyard"):
        assert name in text, name
    assert RejectionReason.OFFENSIVE.label in text and "offensive" not in text
    assert "photo removed" not in text  # a new idea without a photo lost none
    assert "…" in text and LONG_TEXT not in text  # long values are shortened
    assert "76.8" not in text and "43.3" not in text  # neither coordinates nor a boundary box


def test_a_role_change_names_both_people_and_both_roles(app, as_moderator, moderator):
    organiser = make_user(role=Role.ORGANISER, display_name="Dana Organiser")
    aidar = make_user(display_name="Aidar Seitkali")
    user_services.change_role(organiser, aidar, Role.MODERATOR)
    db.session.commit()
    page = as_moderator.get("/moderation/log?action=user.role&lang=en").get_data(as_text=True)
    words = " ".join(_text(_entries(page)).split())
    assert "Dana Organiser" in words and "Role changed" in words and "Aidar Seitkali" in words
    assert "Role Resident → Moderator" in words.replace("was ", "").replace("now ", "")
    assert "user.role" not in words and "user_id" not in words


def test_the_log_speaks_russian_and_kazakh(app, as_moderator, moderator):
    aidar = make_user(display_name="Aidar Seitkali")
    make_event("user.role", actor=moderator, before={"user_id": aidar.id, "role": "resident"},
               after={"user_id": aidar.id, "role": "moderator"})
    db.session.commit()
    ru = _entries(as_moderator.get("/moderation/log?lang=ru").get_data(as_text=True))
    kk = _entries(as_moderator.get("/moderation/log?lang=kk").get_data(as_text=True))
    assert "Роль изменена" in ru and "Модератор" in ru
    assert "Рөлі өзгертілді" in kk
    assert "Role changed" not in ru + kk


def test_the_authors_own_edit_is_labelled_as_theirs(app, client, auth, moderator):
    author = make_user(display_name="Resident Asel", locale="en")
    category = make_category()
    idea = make_idea(status=IdeaStatus.PENDING, author=author, title="A yard cinema",
                     category=category)
    db.session.commit()
    details = IdeaDetails(title="A yard cinema for everyone", description=idea.description,
                          first_step=idea.first_step, category_id=category.id, lat=idea.lat,
                          lon=idea.lon)
    idea_services.edit_idea(author, idea, details, version=idea.version)
    db.session.commit()
    services.edit_idea(moderator, idea, version=idea.version, title="A yard cinema for all",
                       description=idea.description, first_step=idea.first_step,
                       category=category, quarter=idea.quarter)
    db.session.commit()

    auth.as_user(moderator)
    history = _text(_history(client.get(f"/moderation/ideas/{idea.id}").get_data(as_text=True)))
    assert history.count("The author edited the idea") == 1
    assert history.count("Corrected by a moderator") == 1
    log = _text(_entries(client.get(f"/moderation/log?idea={idea.id}").get_data(as_text=True)))
    assert "The author edited the idea" in log and "The author submitted the idea" not in log
    auth.as_user(author)
    mine = client.get("/ideas/mine?lang=en").get_data(as_text=True)
    assert "You edited the idea" in mine
    assert mine.count("corrected") == 1  # only the moderator's correction


def test_the_review_history_names_changed_fields_and_values(app, as_moderator, moderator):
    old, new = make_category(name_en="Lighting"), make_category(name_en="Greenery")
    idea = make_idea(category=old)
    make_event("idea.edit", actor=moderator, idea=idea, before={"category_id": old.id},
               after={"category_id": new.id})
    make_event("idea.stage", actor=moderator, idea=idea, before={"stage": IdeaStage.NEW.value},
               after={"stage": IdeaStage.DONE.value})
    db.session.commit()
    history = _text(_history(as_moderator.get(f"/moderation/ideas/{idea.id}").get_data(as_text=True)))
    assert "Category" in history and "Lighting" in history and "Greenery" in history
    assert IdeaStage.DONE.label in history and "category_id" not in history


def test_the_log_filters_by_a_persons_name_in_any_case(app, as_moderator, moderator):
    dana = make_user(role=Role.MODERATOR, display_name="Дана Ахметова")
    first, second = make_idea(title="First idea"), make_idea(title="Second idea")
    make_event("idea.stage", actor=dana, idea=first)
    make_event("idea.stage", actor=moderator, idea=second)
    db.session.commit()
    for typed in ("дана", "Ахмет", "ДАНА"):
        page = as_moderator.get("/moderation/log", query_string={"person": typed})
        text = page.get_data(as_text=True)
        assert "First idea" in text and "Second idea" not in text, typed
    assert "Second idea" not in as_moderator.get("/moderation/log?person=100%25").get_data(as_text=True)


def test_the_action_filter_offers_translated_names(app, as_moderator):
    page = as_moderator.get("/moderation/log?lang=en").get_data(as_text=True)
    assert '<option value="user.role">Role changed</option>' in page
    assert '<option value="idea.submit">Idea submitted</option>' in page


def test_bad_dates_are_a_400_with_a_message_and_the_form_keeps_what_was_typed(app, as_moderator):
    response = as_moderator.get("/moderation/log?lang=en&since=31.02.2026&person=Dana")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a date as year-month-day" in page
    assert 'value="31.02.2026"' in page and 'value="Dana"' in page

    response = as_moderator.get("/moderation/log?lang=en&since=2026-03-10&until=2026-03-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "The end date comes before the start date." in page
    assert 'value="2026-03-10"' in page and 'value="2026-03-01"' in page

    response = as_moderator.get("/moderation/log?lang=kk&since=1200-01-01")
    assert response.status_code == 400


def test_pages_of_the_log_keep_the_filters(app, as_moderator, moderator):
    for _n in range(55):
        make_event("idea.stage", actor=moderator, idea=make_idea())
    make_event("group.create", actor=moderator, group=make_group())
    db.session.commit()
    page = as_moderator.get("/moderation/log?action=idea.stage&person=Aigerim").get_data(as_text=True)
    assert "55 entries" in page
    links = re.findall(r'href="([^"]*page=2[^"]*)"', page)
    assert links and all("action=idea.stage" in link and "person=Aigerim" in link for link in links)


def test_names_cost_the_same_few_queries_whatever_the_page_holds(app, as_moderator, moderator,
                                                                 count_queries):
    def one_of_each() -> None:
        person, category, quarter = make_user(), make_category(), make_quarter()
        idea, other, group = make_idea(), make_idea(), make_group()
        make_event("user.role", actor=moderator, before={"user_id": person.id, "role": "resident"},
                   after={"user_id": person.id, "role": "moderator"})
        make_event("idea.edit", actor=moderator, idea=idea,
                   before={"category_id": None, "quarter_id": None},
                   after={"category_id": category.id, "quarter_id": quarter.id})
        make_event("idea.duplicate", actor=moderator, idea=idea,
                   after={"duplicate_of_id": other.id})
        make_event("group.restore", actor=moderator, group=group,
                   after={"idea_ids": [idea.id, other.id]})
        make_event("idea.group_add", actor=moderator, idea=idea, group=group,
                   after={"group_id": group.id})

    one_of_each()
    db.session.commit()
    as_moderator.get("/moderation/log")
    with count_queries() as few:
        as_moderator.get("/moderation/log")
    for _n in range(8):
        one_of_each()
    db.session.commit()
    with count_queries() as many:
        page = as_moderator.get("/moderation/log").get_data(as_text=True)
    assert "45 entries" in page
    assert many.count == few.count


def test_the_log_is_a_list_of_entries_that_wraps_between_words(app, as_moderator, moderator):
    make_event("idea.publish", actor=moderator, idea=make_idea(),
               created_at=utcnow() - dt.timedelta(days=1))
    db.session.commit()
    page = as_moderator.get("/moderation/log").get_data(as_text=True)
    entry = _entries(page)
    assert "<table" not in page.split("</form>", 1)[1]
    assert re.search(r'<article class="audit-entry">\s*<time class="audit-when" datetime="[^".]+"',
                     entry)
    css = (ROOT / "static/css/moderation.css").read_text(encoding="utf-8")
    assert "break-all" not in css and "word-break" not in css
    assert ".audit-entry" in css and "@media (min-width: 48rem)" in css


def test_the_reason_and_status_of_a_rejection_read_as_words(app, as_moderator, moderator):
    idea = make_idea(status=IdeaStatus.PENDING)
    services.reject_idea(moderator, idea, version=idea.version,
                         reason=RejectionReason.NOT_PUBLIC_SPACE, note="")
    db.session.commit()
    event = db.session.query(ModerationEvent).filter_by(action="idea.reject").one()
    text = _text(_entries(as_moderator.get("/moderation/log").get_data(as_text=True)))
    assert RejectionReason.NOT_PUBLIC_SPACE.label in text and IdeaStatus.REJECTED.label in text
    assert event.after["rejection_reason"] not in text


def test_the_author_reads_which_idea_theirs_duplicates_by_its_title(app, client, auth, moderator):
    author = make_user(locale="en")
    original = make_idea(title="Open-air cinema in the park")
    idea = make_idea(author=author, title="Cinema under the stars")
    db.session.commit()
    services.mark_duplicate(moderator, idea, original, version=idea.version)
    db.session.commit()
    auth.as_user(author)
    mine = _text(client.get("/ideas/mine?lang=en").get_data(as_text=True))
    assert f"duplicate of the idea “Open-air cinema in the park” ({original.reference})" in mine
    assert f"idea number {original.id}" not in mine
