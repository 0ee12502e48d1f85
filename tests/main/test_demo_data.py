"""The demo data files themselves: references resolve, places match quarters, texts are in the
language they claim, and the simulated history happens in a possible order."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from myalmaty.core.geo import is_in_almaty, parse_boundary, point_in_boundary
from myalmaty.main.seed import data

KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
CYRILLIC = re.compile("[а-яёА-ЯЁ]")
SENTENCE_END = re.compile(r"[.!?…](?:\s|$)")
PUBLIC_STATUSES = {"published", "hidden", "duplicate"}

IDEAS = data.ideas()
BY_KEY = {idea["key"]: idea for idea in IDEAS}
PEOPLE = {person["key"]: person for person in data.accounts()}
RESIDENTS = [key for key, person in PEOPLE.items() if person["role"] == "resident"]
MODERATION = data.moderation()


def status(idea: dict) -> str:
    return idea.get("status", "published")


def text_of(idea: dict) -> str:
    return " ".join([idea["title"], idea["description"], idea["first_step"]])


def test_keys_are_unique_and_references_resolve():
    assert len(BY_KEY) == len(IDEAS)
    assert len({(idea["author"], idea["title"]) for idea in IDEAS}) == len(IDEAS)
    slugs = {category["slug"] for category in data.categories()}
    for idea in IDEAS:
        assert idea["author"] in RESIDENTS, idea["key"]
        assert idea["category"] in slugs, idea["key"]
        for comment in idea.get("comments", []):
            assert comment["author"] in RESIDENTS
        if "duplicate_of" in idea:
            assert status(BY_KEY[idea["duplicate_of"]]) == "published"


def test_each_idea_lies_in_the_quarter_its_text_is_about():
    boundaries = {
        f["properties"]["slug"]: json.dumps(f["geometry"]) for f in data.quarters()
    }
    for idea in IDEAS:
        assert is_in_almaty(idea["lat"], idea["lon"]), idea["key"]
        inside = [
            slug for slug, boundary in boundaries.items()
            if point_in_boundary(boundary, idea["lat"], idea["lon"])
        ]
        expected = [idea["expected_quarter"]] if idea["expected_quarter"] else []
        assert inside == expected, idea["key"]


def test_quarter_files_boundaries_are_accepted_like_an_organisers_upload():
    for feature in data.quarters():
        parse_boundary(json.dumps(feature["geometry"]))


@pytest.mark.parametrize("locale", ["ru", "kk", "en"])
def test_texts_are_written_in_the_language_they_claim(locale):
    ideas = [idea for idea in IDEAS if idea["locale"] == locale]
    assert ideas
    for idea in ideas:
        text = text_of(idea)
        if locale == "kk":
            assert KAZAKH_LETTERS.search(text), idea["key"]
        elif locale == "ru":
            assert CYRILLIC.search(text) and not KAZAKH_LETTERS.search(text), idea["key"]
        else:
            assert not CYRILLIC.search(text), idea["key"]


def test_reference_data_is_complete_in_three_languages():
    forum = data.forum()
    for rec in forum["recommendations"]:
        for field in ("title", "text"):
            assert rec[f"{field}_ru"] and rec[f"{field}_en"]
            assert KAZAKH_LETTERS.search(rec[f"{field}_kk"])
    for category in data.categories():
        assert all(category[f"name_{lang}"] for lang in ("ru", "kk", "en"))


def test_published_ideas_are_written_out_with_a_first_step():
    for idea in IDEAS:
        if status(idea) == "published":
            assert 2 <= len(SENTENCE_END.findall(idea["description"])) <= 4, idea["key"]
            assert len(idea["first_step"]) > 20, idea["key"]


def test_only_public_ideas_have_supports_comments_stages_and_themes():
    grouped = Counter(key for group in MODERATION["groups"] for key in group["ideas"])
    assert max(grouped.values()) == 1  # an idea sits in at most one theme
    for idea in IDEAS:
        if status(idea) != "published":
            assert not idea.get("supports") and not idea.get("comments"), idea["key"]
            assert idea.get("stage", "new") == "new", idea["key"]
            assert idea["key"] not in grouped
        assert idea.get("supports", 0) <= len(RESIDENTS) - 1


def test_moderators_act_on_ideas_only_after_they_were_published():
    for group in MODERATION["groups"]:
        for key in group["ideas"]:
            assert BY_KEY[key]["days_ago"] > group["days_ago"], (group["title"], key)
    for link in MODERATION["idea_links"]:
        assert BY_KEY[link["idea"]]["days_ago"] > link["days_ago"], link["idea"]
    for idea in IDEAS:
        if status(idea) == "hidden":
            assert idea["hidden_after_days"] < idea["days_ago"]


def test_reports_point_at_one_target_each():
    for report in MODERATION["reports"]:
        assert report["reporter"] in RESIDENTS
        if "idea" in report:
            assert status(BY_KEY[report["idea"]]) in PUBLIC_STATUSES
            target_hidden = status(BY_KEY[report["idea"]]) == "hidden"
        else:
            about = report["comment"]
            comments = BY_KEY[about["idea"]]["comments"]
            thread = [c for c in comments if c["author"] == about["author"]]
            assert len(thread) == 1, about
            target_hidden = "hidden_reason" in thread[0]
        # A report that was acted on is one whose target was hidden.
        assert (report.get("resolution") == "actioned") == target_hidden
