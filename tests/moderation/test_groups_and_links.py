"""Themes: membership rules, moves logged, dissolve and its undo; links to recommendations."""

from __future__ import annotations

import pytest

from myalmaty.core.errors import DomainError
from myalmaty.domain.ideas import IdeaStage, IdeaStatus
from myalmaty.domain.themes import IdeaGroup, RecommendationLink
from myalmaty.extensions import db
from myalmaty.moderation import services
from tests.factories import make_group, make_idea


def test_creating_and_editing_a_theme_is_logged(app, moderator):
    group = services.create_group(moderator, title=" Courtyards ", summary="Ideas for yards")
    event = services.update_group(moderator, group, version=group.version,
                                  title="Courtyards of the centre", summary="Ideas for yards")
    db.session.commit()
    assert (group.title, group.created_by) == ("Courtyards of the centre", moderator)
    assert event.before == {"title": "Courtyards"}
    assert event.after == {"title": "Courtyards of the centre"}


def test_only_published_ideas_go_into_a_theme(app, moderator):
    group = make_group()
    pending = make_idea(status=IdeaStatus.PENDING)
    with pytest.raises(DomainError, match="Only published ideas go into themes"):
        services.add_idea_to_group(moderator, group, pending, version=pending.version)
    assert pending.group is None


def test_adding_an_idea_records_the_theme(app, moderator):
    group, idea = make_group(), make_idea()
    event = services.add_idea_to_group(moderator, group, idea, version=idea.version)
    assert idea.group == group
    assert (event.action, event.group, event.before["group_id"]) == ("idea.group_add", group, None)
    assert services.add_idea_to_group(moderator, group, idea, version=idea.version) is None


def test_moving_between_themes_must_be_explicit_and_is_logged(app, moderator):
    first, second, idea = make_group(), make_group(), make_idea()
    services.add_idea_to_group(moderator, first, idea, version=idea.version)
    with pytest.raises(DomainError, match="is already in the theme"):
        services.add_idea_to_group(moderator, second, idea, version=idea.version)
    assert idea.group == first
    event = services.add_idea_to_group(moderator, second, idea, version=idea.version, move=True)
    assert idea.group == second
    assert event.action == "idea.group_move"
    assert (event.before["group_id"], event.after["group_id"]) == (first.id, second.id)


def test_removing_an_idea_from_its_theme(app, moderator):
    group, idea = make_group(), make_idea()
    services.add_idea_to_group(moderator, group, idea, version=idea.version)
    event = services.remove_idea_from_group(moderator, group, idea, version=idea.version)
    assert idea.group is None and event.action == "idea.group_remove"
    with pytest.raises(DomainError, match="is not in the theme"):
        services.remove_idea_from_group(moderator, group, idea, version=idea.version)


def test_dissolving_keeps_the_ideas_and_undo_brings_them_back(app, moderator):
    group = make_group()
    ideas = [make_idea(group=group) for _ in range(3)]
    db.session.commit()
    dissolved = services.dissolve_group(moderator, group, version=group.version)
    db.session.commit()
    assert group.dissolved_at is not None
    assert all(idea.group is None and idea.status is IdeaStatus.PUBLISHED for idea in ideas)
    assert dissolved.before["idea_ids"] == [idea.id for idea in ideas]

    # One idea moved on meanwhile: the undo leaves it where it is and says so.
    elsewhere = make_group()
    services.add_idea_to_group(moderator, elsewhere, ideas[0], version=ideas[0].version)
    result = services.restore_group(moderator, group, version=group.version)
    db.session.commit()
    assert group.is_active
    assert result.restored == [ideas[1].id, ideas[2].id]
    assert result.skipped == [ideas[0].id]
    assert ideas[0].group == elsewhere and ideas[1].group == group
    assert result.event.after["skipped_idea_ids"] == [ideas[0].id]


def test_a_dissolved_theme_takes_no_ideas_and_no_second_dissolve(app, moderator):
    group, idea = make_group(), make_idea()
    services.dissolve_group(moderator, group, version=group.version)
    with pytest.raises(DomainError, match="has been dissolved"):
        services.add_idea_to_group(moderator, group, idea, version=idea.version)
    with pytest.raises(DomainError, match="has been dissolved"):
        services.dissolve_group(moderator, group, version=group.version)


def test_theme_stage_and_answer(app, moderator):
    group = make_group()
    events = services.answer_group(moderator, group, version=group.version,
                                   stage=IdeaStage.IN_PROGRESS, answer="Work starts in June.")
    assert [e.action for e in events] == ["group.stage", "group.answer"]
    assert group.stage is IdeaStage.IN_PROGRESS and group.answered_at is not None


def test_linking_an_idea_and_a_theme_and_unlinking(app, moderator, recommendation):
    idea, group = make_idea(), make_group()
    event = services.link_idea(moderator, idea, recommendation, version=idea.version,
                               rationale="A small first step")
    group_event = services.link_group(moderator, group, recommendation, version=group.version,
                                      rationale="One courtyard")
    db.session.commit()
    assert (group_event.action, group_event.group) == ("group.link", group)
    assert group_event.after["rationale"] == "One courtyard"
    assert event.after["recommendation_id"] == recommendation.id
    assert event.after["recommendation"]["en"] == "Focus on a specific place"
    assert event.after["rationale"] == "A small first step"
    with pytest.raises(DomainError, match="is already linked"):
        services.link_idea(moderator, idea, recommendation, version=idea.version)

    link = db.session.scalar(db.select(RecommendationLink).filter_by(idea_id=idea.id))
    unlinked = services.unlink(moderator, link)
    db.session.commit()
    assert db.session.scalar(db.select(RecommendationLink).filter_by(idea_id=idea.id)) is None
    assert unlinked.action == "idea.unlink"
    assert unlinked.before["rationale"] == "A small first step"  # the log keeps the link


@pytest.mark.parametrize("status", [IdeaStatus.HIDDEN, IdeaStatus.PENDING, IdeaStatus.REJECTED])
def test_linking_an_idea_that_is_not_published_is_refused(app, moderator, recommendation, status):
    idea = make_idea(status=status)
    with pytest.raises(DomainError, match="Only published ideas can be linked"):
        services.link_idea(moderator, idea, recommendation, version=idea.version)


def test_group_pages_through_the_browser_forms(app, as_moderator):
    response = as_moderator.post("/moderation/groups", data={"create-title": "Street art",
                                                              "create-summary": "Murals"})
    assert response.status_code == 302
    group = db.session.scalar(db.select(IdeaGroup).filter_by(title="Street art"))
    idea = make_idea()
    db.session.commit()
    response = as_moderator.post(f"/moderation/groups/{group.id}/ideas", data={"add-idea": idea.id})
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.group_id == group.id
    page = as_moderator.get(f"/moderation/groups/{group.id}").get_data(as_text=True)
    assert idea.title in page


def test_creating_a_theme_leads_to_the_new_themes_page(app, as_moderator):
    response = as_moderator.post("/moderation/groups", data={"create-title": "Courtyards"})
    group = db.session.scalar(db.select(IdeaGroup).filter_by(title="Courtyards"))
    assert response.status_code == 302
    # Its page, at the form that adds ideas: ready for the first one.
    assert response.location == f"/moderation/groups/{group.id}#add-an-idea"
    page = as_moderator.get(response.location).get_data(as_text=True)
    assert "The theme is created." in page
    assert 'id="add-an-idea"' in page and "Add an idea" in page


def test_a_theme_without_a_title_keeps_the_typed_summary(app, as_moderator):
    response = as_moderator.post("/moderation/groups", data={"create-title": "",
                                                              "create-summary": "typed summary"})
    assert response.status_code == 400
    assert "typed summary" in response.get_data(as_text=True)
