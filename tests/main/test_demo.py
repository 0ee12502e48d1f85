"""`flask seed-demo`: what it loads, that it loads it once, and where it refuses to run."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from myalmaty import domain
from myalmaty.auth.passwords import password_matches
from myalmaty.core.geo import is_in_almaty, parse_boundary
from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role
from myalmaty.domain import counts
from myalmaty.domain.accounts import User
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.ideas import (
    Comment,
    CommentStatus,
    Idea,
    IdeaStage,
    IdeaStatus,
    Report,
    ReportStatus,
    Support,
)
from myalmaty.domain.reference import Category, Forum, Quarter
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.extensions import db
from myalmaty.ideas.text import search_text
from tests.factories import TEST_PASSWORD, make_user

ACCOUNT_LINE = re.compile(r"^\s+(resident|moderator|organiser)\s+(\S+@\S+)\s+(\S+)\s*$")


def seed(runner, *args: str, **kwargs):
    result = runner.invoke(args=["seed-demo", *args], **kwargs)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result


def printed_passwords(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        match = ACCOUNT_LINE.match(line)
        if match:
            found[match.group(2)] = match.group(3)
    return found


def all_rows(model: type) -> list:
    return list(db.session.scalars(sa.select(model)))


def ideas_with(status: IdeaStatus) -> list[Idea]:
    return list(db.session.scalars(sa.select(Idea).where(Idea.status == status)))


def table_counts() -> dict[str, int]:
    return {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(getattr(domain, name)))
        for name in domain.__all__
    }


def test_loads_the_2018_forum_with_its_four_recommendations_in_three_languages(runner):
    seed(runner)
    forum = db.session.scalar(sa.select(Forum).where(Forum.held_on == dt.date(2018, 7, 21)))
    assert forum.title_en == "V Forum #MyAlmaty: Creating the urban environment (Placemaking)"
    assert [rec.position for rec in forum.recommendations] == [1, 2, 3, 4]
    for rec in forum.recommendations:
        for lang in ("ru", "kk", "en"):
            assert getattr(rec, f"title_{lang}").strip()
            assert getattr(rec, f"text_{lang}").strip()
    first, second, third, conclusion = forum.recommendations
    assert "рискованные идеи" in first.text_ru and "начинающих предпринимателей" in first.text_ru
    assert "1000" in second.text_ru and "1000" in second.text_kk and "1000" in second.text_en
    assert "сообществе" in third.text_ru and "хотели бы там жить" in third.text_ru
    assert "непрерывного диалога" in conclusion.text_ru


def test_at_least_sixty_published_ideas_all_inside_almaty_in_every_language(runner):
    seed(runner)
    published = ideas_with(IdeaStatus.PUBLISHED)
    assert len(published) >= 60
    assert all(is_in_almaty(idea.lat, idea.lon) for idea in all_rows(Idea))
    assert {idea.locale for idea in published} == {"ru", "kk", "en"}
    by_locale = {lang: sum(i.locale == lang for i in published) for lang in ("ru", "kk", "en")}
    assert by_locale["ru"] > by_locale["kk"] > by_locale["en"] > 0


def test_every_quarter_has_published_ideas_and_some_ideas_lie_in_none(runner):
    seed(runner)
    quarters = all_rows(Quarter)
    assert 6 <= len(quarters) <= 8
    published = ideas_with(IdeaStatus.PUBLISHED)
    for quarter in quarters:
        assert sum(idea.quarter_id == quarter.id for idea in published) >= 5, quarter.slug
    assert sum(idea.quarter_id is None for idea in published) >= 8


def test_quarter_boundaries_are_valid_polygons_inside_the_city_that_do_not_overlap(runner):
    seed(runner)
    quarters = all_rows(Quarter)
    shapes = {q.slug: parse_boundary(q.boundary_geojson) for q in quarters}
    for quarter in quarters:
        assert quarter.min_lon <= quarter.centre_lon <= quarter.max_lon
        assert quarter.min_lat <= quarter.centre_lat <= quarter.max_lat
        assert "приблизительн" in quarter.description_ru
        assert "шамамен" in quarter.description_kk
        assert "approximate" in quarter.description_en
    slugs = sorted(shapes)
    for i, a in enumerate(slugs):
        for b in slugs[i + 1:]:
            assert not shapes[a].intersects(shapes[b]), (a, b)


def test_ideas_have_search_text_and_categories_and_dates_within_ten_weeks(runner):
    seed(runner)
    now = utcnow()
    assert 8 <= len(all_rows(Category)) <= 12
    for idea in all_rows(Idea):
        assert idea.search_text == search_text(idea.title, idea.description, idea.first_step)
        assert idea.created_at < now
        if idea.published_at is not None:
            assert idea.created_at < idea.published_at < now
    published_at = [idea.published_at for idea in ideas_with(IdeaStatus.PUBLISHED)]
    assert now - min(published_at) <= dt.timedelta(weeks=10)
    assert max(published_at) - min(published_at) >= dt.timedelta(weeks=8)


def test_counters_match_the_supports_and_visible_comments(runner):
    seed(runner)
    supports = all_rows(Support)
    comments = all_rows(Comment)
    assert len(supports) > 200
    assert any(c.status is CommentStatus.HIDDEN for c in comments)
    for idea in all_rows(Idea):
        assert idea.support_count == sum(s.idea_id == idea.id for s in supports), idea.title
        assert idea.comment_count == sum(
            c.idea_id == idea.id and c.status is CommentStatus.VISIBLE for c in comments
        ), idea.title
        assert all(s.user_id != idea.author_id for s in supports if s.idea_id == idea.id)
    residents = {u.id for u in all_rows(User) if u.role is Role.RESIDENT}
    assert {s.user_id for s in supports} <= residents
    assert counts.drifts() == []  # the originals of duplicates count each person once


def test_most_supported_and_most_discussed_are_different_ideas(runner):
    seed(runner)
    published = ideas_with(IdeaStatus.PUBLISHED)
    most_supported = max(published, key=lambda idea: idea.support_count)
    most_discussed = max(published, key=lambda idea: idea.comment_count)
    assert most_supported.id != most_discussed.id


def test_every_state_is_represented_and_consistent(runner):
    seed(runner)
    assert len(ideas_with(IdeaStatus.PENDING)) >= 8
    rejected = ideas_with(IdeaStatus.REJECTED)
    assert len(rejected) >= 4
    assert all(idea.rejection_reason and idea.rejection_note for idea in rejected)
    assert len(ideas_with(IdeaStatus.HIDDEN)) >= 2
    assert len(ideas_with(IdeaStatus.WITHDRAWN)) == 1
    [duplicate] = ideas_with(IdeaStatus.DUPLICATE)
    assert duplicate.duplicate_of.status is IdeaStatus.PUBLISHED

    published = ideas_with(IdeaStatus.PUBLISHED)
    stages = {idea.stage for idea in published}
    assert stages == set(IdeaStage)
    assert sum(idea.stage is IdeaStage.NEW for idea in published) > len(published) / 2
    for idea in published:
        assert bool(idea.public_answer) == (idea.stage is not IdeaStage.NEW), idea.title
        assert (idea.answered_at is not None) == (idea.stage is not IdeaStage.NEW)


def test_themes_links_and_reports(runner):
    seed(runner)
    groups = all_rows(IdeaGroup)
    assert 3 <= len(groups) <= 4
    for group in groups:
        assert group.summary
        assert len(group.ideas) >= 2
        assert all(idea.status is IdeaStatus.PUBLISHED for idea in group.ideas)
    links = all_rows(RecommendationLink)
    assert any(link.group_id for link in links) and any(link.idea_id for link in links)
    assert all(link.rationale for link in links)
    assert len({link.recommendation_id for link in links}) == 4
    reports = all_rows(Report)
    assert any(report.status is ReportStatus.OPEN for report in reports)
    for report in reports:
        assert (report.status is ReportStatus.OPEN) == (report.resolved_at is None)


def test_each_simulated_decision_is_in_the_audit_log_by_the_demo_moderator(runner):
    seed(runner)
    moderator = db.session.scalar(sa.select(User).where(User.role == Role.MODERATOR))
    events = all_rows(ModerationEvent)
    assert {event.actor_id for event in events} == {moderator.id}
    actions_on = {}
    for event in events:
        if event.idea_id:
            actions_on.setdefault(event.idea_id, set()).add(event.action)
    expected = {
        IdeaStatus.PUBLISHED: "idea.publish",
        IdeaStatus.REJECTED: "idea.reject",
        IdeaStatus.HIDDEN: "idea.hide",
        IdeaStatus.DUPLICATE: "idea.duplicate",
    }
    for idea in all_rows(Idea):
        actions = actions_on.get(idea.id, set())
        if idea.status in expected:
            assert expected[idea.status] in actions, idea.title
        else:  # pending or withdrawn: no moderator has decided anything yet
            assert not actions, idea.title
        if idea.stage is not IdeaStage.NEW:
            assert "idea.stage" in actions
        if idea.group_id:
            assert "idea.group_add" in actions
        if idea.recommendation_links:
            assert "idea.link" in actions
    for event in events:
        if event.idea is not None:
            assert event.created_at >= event.idea.created_at
    actions = {event.action for event in events}
    assert {"group.create", "group.link", "comment.hide"} <= actions


def test_running_twice_changes_nothing(runner, count_queries):
    first = seed(runner)
    before = table_counts()
    titles = sorted(db.session.scalars(sa.select(Idea.title)))
    with count_queries() as statements:
        second = seed(runner)
    writes = [
        sql for sql in statements.statements
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert table_counts() == before
    assert sorted(db.session.scalars(sa.select(Idea.title))) == titles
    assert "nothing changed" in second.output
    assert printed_passwords(second.output) == {}
    for email, password in printed_passwords(first.output).items():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        assert password_matches(user.password_hash, password)


def test_one_account_per_role_and_the_printed_passwords_work(runner):
    result = seed(runner)
    passwords = printed_passwords(result.output)
    users = {user.email: user for user in all_rows(User)}
    assert set(passwords) == set(users)
    assert len(users) >= 18
    for role in Role:
        assert users[f"{role.value}@demo.myalmaty.kz"].role is role
    for email, password in passwords.items():
        assert password_matches(users[email].password_hash, password)
    assert len(set(passwords.values())) == len(passwords)


def test_an_existing_account_keeps_its_password_unless_reset(runner):
    make_user(email="resident@demo.myalmaty.kz", display_name="Already here")
    db.session.commit()
    result = seed(runner)
    resident = db.session.scalar(sa.select(User).where(User.email == "resident@demo.myalmaty.kz"))
    assert "resident@demo.myalmaty.kz" not in printed_passwords(result.output)
    assert "unchanged" in result.output
    assert password_matches(resident.password_hash, TEST_PASSWORD)
    assert resident.display_name == "Already here"

    reset = seed(runner, "--reset-passwords")
    new_passwords = printed_passwords(reset.output)
    assert len(new_passwords) == len(all_rows(User))
    db.session.refresh(resident)
    assert not password_matches(resident.password_hash, TEST_PASSWORD)
    assert password_matches(resident.password_hash, new_passwords["resident@demo.myalmaty.kz"])


@pytest.mark.parametrize("setting", ["env", "config"])
def test_refuses_in_production_unless_forced(runner, app, setting):
    if setting == "config":
        app.config["ENV_NAME"] = "production"
        env = {}
    else:
        env = {"MYALMATY_ENV": "production"}
    refused = runner.invoke(args=["seed-demo"], env=env)
    assert refused.exit_code != 0
    assert "production" in refused.output
    assert table_counts()["Idea"] == 0
    assert table_counts()["User"] == 0

    seed(runner, "--force", env=env)
    assert len(ideas_with(IdeaStatus.PUBLISHED)) >= 60


def test_the_forum_agenda_holds_every_theme_and_the_selected_ideas(runner):
    from myalmaty.domain.reference import AgendaItem

    seed(runner)
    items = all_rows(AgendaItem)
    themes = {group.id for group in all_rows(IdeaGroup) if group.dissolved_at is None}
    assert {item.group_id for item in items if item.group_id} == themes
    for item in items:
        if item.idea_id:
            assert item.idea.stage is IdeaStage.SELECTED_FOR_FORUM
            assert item.idea.status is IdeaStatus.PUBLISHED
    assert sorted(item.position for item in items) == list(range(1, len(items) + 1))
