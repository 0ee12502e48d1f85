"""Suggested themes: computed in the background over published ideas in no theme, shown to
moderators with when they were computed; made a theme, added to one, or dismissed for good."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from bench.similarity import insert_labelled, labelled
from myalmaty.core.permissions import PermissionDenied
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.domain.themes import RecommendationLink, ThemeSuggestion, ThemeSuggestionRun
from myalmaty.extensions import db
from myalmaty.moderation import suggested_themes
from myalmaty.moderation import suggestion_queries as queries
from myalmaty.moderation.services import suggestions
from tests.factories import make_group, make_idea, make_user

# Wheelchair ramps at the Green Bazaar in Russian, English and Kazakh, and ideas about other
# things at the same place (the labelled evaluation's query q003).
RAMPS = ("ru-014", "en-005", "kk-065", "ru-174")


@pytest.fixture
def labelled_ideas(app) -> dict[str, object]:
    """Every labelled idea, published (their words weigh as among real ideas)."""
    items, _queries = labelled()
    keys = insert_labelled(items)
    return {key: db.session.get(Idea, idea_id) for idea_id, key in keys.items()}


def compute(moderator) -> ThemeSuggestionRun:
    run = suggestions.request_run(moderator)
    db.session.commit()
    suggested_themes.start(run)  # without Redis the job runs at once
    db.session.expire_all()
    return db.session.get(ThemeSuggestionRun, run.id)


def shown_sets(ideas) -> list[set[str]]:
    key_of = {idea.id: key for key, idea in ideas.items()}
    return [{key_of[i.id] for i in row.ideas} for row in queries.suggestions_page(per_page=1000).rows]


def ramps_row(ideas):
    ramp_ids = {ideas[k].id for k in RAMPS}
    [row] = [r for r in queries.suggestions_page(per_page=1000).rows
             if ramp_ids & {i.id for i in r.ideas}]
    return row


def test_one_topic_at_one_place_is_suggested_as_one_theme(labelled_ideas, moderator):
    run = compute(moderator)
    assert run.status == "done"
    assert run.ideas_considered == len(labelled_ideas)
    assert run.finished_at is not None and run.seconds is not None
    sets = shown_sets(labelled_ideas)
    assert set(RAMPS) in sets
    row = ramps_row(labelled_ideas)
    assert row.representative.id == row.suggestion.representative_id
    assert "пандусов" in row.suggestion.key_words
    # Key words are words as written, not folded keys.
    assert all(re.search(r"[а-яәіңғүұқөһ]", w) or w.isascii() for w in row.suggestion.key_words)


def test_ideas_in_a_theme_or_hidden_are_never_suggested(labelled_ideas, moderator):
    themed, hidden = labelled_ideas["ru-014"], labelled_ideas["en-005"]
    themed.group = make_group()
    hidden.status = IdeaStatus.HIDDEN
    pending = make_idea(status=IdeaStatus.PENDING, title=labelled_ideas["ru-174"].title,
                        description=labelled_ideas["ru-174"].description,
                        lat=labelled_ideas["ru-174"].lat, lon=labelled_ideas["ru-174"].lon)
    db.session.commit()
    compute(moderator)
    everything = {i.id for row in queries.suggestions_page(per_page=1000).rows for i in row.ideas}
    assert everything
    assert not everything & {themed.id, hidden.id, pending.id}
    assert {"kk-065", "ru-174"} in shown_sets(labelled_ideas)


def test_a_dismissed_group_does_not_come_back_on_recompute(labelled_ideas, moderator):
    compute(moderator)
    row = ramps_row(labelled_ideas)
    event = suggestions.dismiss(moderator, row.suggestion, note="Already on the forum agenda")
    db.session.commit()
    assert (event.action, event.note) == ("suggestion.dismiss", "Already on the forum agenda")
    assert set(RAMPS) not in shown_sets(labelled_ideas)
    count_before = len(queries.suggestions_page(per_page=1000).rows)
    compute(moderator)
    assert set(RAMPS) not in shown_sets(labelled_ideas)
    assert len(queries.suggestions_page(per_page=1000).rows) == count_before
    # The dismissal outlives the run it came from.
    assert db.session.get(ThemeSuggestion, row.suggestion.id).status == "dismissed"


def test_the_same_group_is_judged_by_the_ideas_it_shares():
    assert suggestions.same_ideas([1, 2, 3, 4], [1, 2, 3, 4])
    assert suggestions.same_ideas([1, 2, 3], [1, 2, 3, 4])  # an idea more: the same
    assert suggestions.same_ideas([1, 2, 3, 4], [1, 2, 3, 5, 6])  # 3 of 6
    assert not suggestions.same_ideas([1, 2], [1, 2, 3, 4, 5])  # grown past double
    assert not suggestions.same_ideas([1, 2], [3, 4])


def test_a_new_run_replaces_the_open_suggestions_of_the_last(labelled_ideas, moderator):
    first = compute(moderator).id
    second = compute(moderator).id
    assert queries.suggestions_page(per_page=1000).shown_run.id == second
    assert db.session.query(ThemeSuggestion).filter_by(run_id=first).count() == 0
    # The earlier run, left with nothing, is gone too.
    assert db.session.get(ThemeSuggestionRun, first) is None


def test_the_page_shows_the_last_result_while_a_new_one_runs(labelled_ideas, moderator,
                                                             as_moderator):
    done = compute(moderator)
    db.session.add(ThemeSuggestionRun(status="running", requested_by=moderator))
    db.session.commit()
    page = as_moderator.get("/moderation/groups/suggestions").get_data(as_text=True)
    assert "New suggestions are being computed" in page
    assert "Computed at" in page and labelled_ideas["ru-174"].title in page
    assert queries.suggestions_page(per_page=1000).shown_run.id == done.id
    # And a second computation is refused meanwhile.
    response = as_moderator.post("/moderation/groups/suggestions", data={})
    assert response.status_code == 400
    assert "being computed already" in response.get_data(as_text=True)


def test_recompute_from_the_page(labelled_ideas, as_moderator):
    response = as_moderator.post("/moderation/groups/suggestions", data={})
    assert response.status_code == 302
    page = as_moderator.get(response.location).get_data(as_text=True)
    assert "Suggested themes are being computed" in page
    assert labelled_ideas["kk-065"].title in page


def test_a_failed_run_is_marked_and_the_last_result_stays(labelled_ideas, moderator,
                                                          monkeypatch):
    done = compute(moderator)

    def broken(*_args):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(suggested_themes, "alike_groups", broken)
    failed = compute(moderator)
    assert failed.status == "failed"
    assert queries.suggestions_page(per_page=1000).shown_run.id == done.id


def test_creating_a_theme_from_a_suggestion(labelled_ideas, moderator, recommendation,
                                            as_moderator):
    compute(moderator)
    row = ramps_row(labelled_ideas)
    sid = row.suggestion.id
    page = as_moderator.get("/moderation/groups/suggestions").get_data(as_text=True)
    prefilled = re.search(rf'id="s{sid}-create-title"[^>]*value="([^"]*)"', page)
    assert prefilled and prefilled.group(1).lower().startswith(row.suggestion.key_words[0])
    response = as_moderator.post(f"/moderation/groups/suggestions/{sid}/create", data={
        f"s{sid}-create-title": "Ramps at the Green Bazaar",
        f"s{sid}-create-summary": "",
        f"s{sid}-create-recommendation": recommendation.id,
        f"s{sid}-create-rationale": "Access for everyone",
    })
    assert response.status_code == 302
    db.session.expire_all()
    suggestion = db.session.get(ThemeSuggestion, sid)
    group = suggestion.group
    assert (suggestion.status, group.title) == ("created", "Ramps at the Green Bazaar")
    assert response.location.endswith(f"/moderation/groups/{group.id}")
    assert {i.id for i in group.ideas} == {labelled_ideas[k].id for k in RAMPS}
    link = db.session.query(RecommendationLink).filter_by(group_id=group.id).one()
    assert (link.recommendation_id, link.rationale) == (recommendation.id, "Access for everyone")
    actions = [e.action for e in db.session.query(ModerationEvent).order_by(ModerationEvent.id)]
    assert actions == ["group.create", *["idea.group_add"] * 4, "group.link"]
    created = db.session.query(ModerationEvent).filter_by(action="group.create").one()
    assert created.after["key_words"] == ", ".join(suggestion.key_words)
    assert set(RAMPS) not in shown_sets(labelled_ideas)
    log = as_moderator.get("/moderation/log").get_data(as_text=True)
    assert "Key words of the suggested theme" in log


def test_a_theme_needs_a_title_and_the_form_comes_back_as_typed(labelled_ideas, moderator,
                                                                 as_moderator):
    compute(moderator)
    sid = ramps_row(labelled_ideas).suggestion.id
    response = as_moderator.post(f"/moderation/groups/suggestions/{sid}/create", data={
        f"s{sid}-create-title": "", f"s{sid}-create-summary": "Kept as typed"})
    assert response.status_code == 400
    assert "Kept as typed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ThemeSuggestion, sid).status == "open"


def test_adding_a_suggestions_ideas_to_an_existing_theme(labelled_ideas, moderator,
                                                         as_moderator):
    group = make_group(title="Accessible city")
    db.session.commit()
    compute(moderator)
    sid = ramps_row(labelled_ideas).suggestion.id
    response = as_moderator.post(f"/moderation/groups/suggestions/{sid}/add",
                                 data={f"s{sid}-add-group": group.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert {i.id for i in group.ideas} == {labelled_ideas[k].id for k in RAMPS}
    assert db.session.get(ThemeSuggestion, sid).status == "added"
    page = as_moderator.get(response.location).get_data(as_text=True)
    assert "4 ideas are added to the theme." in page


def test_only_ideas_still_free_are_added(labelled_ideas, moderator):
    compute(moderator)
    row = ramps_row(labelled_ideas)
    elsewhere = make_group(title="Elsewhere")
    labelled_ideas["ru-014"].group = elsewhere
    target = make_group(title="Ramps")
    added = suggestions.add_to_theme(moderator, row.suggestion, target)
    assert labelled_ideas["ru-014"] not in added and len(added) == 3
    assert labelled_ideas["ru-014"].group == elsewhere


def test_dismissing_from_the_page_is_logged_in_words(labelled_ideas, moderator, as_moderator):
    compute(moderator)
    sid = ramps_row(labelled_ideas).suggestion.id
    response = as_moderator.post(f"/moderation/groups/suggestions/{sid}/dismiss",
                                 data={f"s{sid}-dismiss-note": "Not a theme"})
    assert response.status_code == 302
    log = as_moderator.get("/moderation/log").get_data(as_text=True)
    assert "Suggested theme dismissed" in log
    assert labelled_ideas["ru-014"].title[:40] in log


def test_a_suggestion_acted_on_cannot_be_acted_on_again(labelled_ideas, moderator,
                                                        as_moderator):
    compute(moderator)
    sid = ramps_row(labelled_ideas).suggestion.id
    assert as_moderator.post(f"/moderation/groups/suggestions/{sid}/dismiss",
                             data={}).status_code == 302
    response = as_moderator.post(f"/moderation/groups/suggestions/{sid}/create",
                                 data={f"s{sid}-create-title": "Again"})
    assert response.status_code == 400
    assert "has been acted on already" in response.get_data(as_text=True)


def test_residents_cannot_act_even_through_the_service(labelled_ideas, moderator):
    compute(moderator)
    row = ramps_row(labelled_ideas)
    resident = make_user()
    with pytest.raises(PermissionDenied):
        suggestions.dismiss(resident, row.suggestion)
    with pytest.raises(PermissionDenied):
        suggestions.request_run(resident)


def test_suggestions_come_a_page_at_a_time_the_largest_first(labelled_ideas, moderator,
                                                            as_moderator):
    compute(moderator)
    every = queries.suggestions_page(per_page=1000).rows
    assert len(every) > queries.SUGGESTIONS_PER_PAGE
    sizes = [len(row.suggestion.idea_ids) for row in every]
    assert sizes == sorted(sizes, reverse=True)
    first = as_moderator.get("/moderation/groups/suggestions").get_data(as_text=True)
    assert first.count('<section class="card stack"') == queries.SUGGESTIONS_PER_PAGE
    assert f"{len(every)} suggested themes." in first
    assert 'href="/moderation/groups/suggestions?page=2"' in first
    second = as_moderator.get("/moderation/groups/suggestions?page=2").get_data(as_text=True)
    assert every[queries.SUGGESTIONS_PER_PAGE].representative.title in second
    assert as_moderator.get("/moderation/groups/suggestions?page=x").status_code == 400


def test_the_page_reads_a_constant_number_of_queries(labelled_ideas, moderator, as_moderator,
                                                     count_queries):
    compute(moderator)
    rows = queries.suggestions_page(per_page=1000).rows
    assert len(rows) > 10
    with count_queries() as many:
        assert as_moderator.get("/moderation/groups/suggestions").status_code == 200
    for row in rows[1:]:
        suggestions.dismiss(moderator, row.suggestion)
    db.session.commit()
    assert len(queries.suggestions_page(per_page=1000).rows) == 1
    with count_queries() as one:
        assert as_moderator.get("/moderation/groups/suggestions").status_code == 200
    assert one.count == many.count


def test_two_moderators_acting_on_one_suggestion_at_once(labelled_ideas, moderator):
    from myalmaty.core.errors import Conflict

    compute(moderator)
    suggestion = ramps_row(labelled_ideas).suggestion
    # Someone else dismissed it after this moderator loaded it.
    db.session.execute(sa.update(ThemeSuggestion).where(ThemeSuggestion.id == suggestion.id)
                       .values(status="dismissed", version=ThemeSuggestion.version + 1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(Conflict):
        suggestions.dismiss(moderator, suggestion)


def test_with_redis_the_page_only_queues_the_run_and_the_worker_computes_it(app, moderator,
                                                                           as_moderator):
    import uuid

    from myalmaty.core import jobs
    from tests.conftest import requires_redis

    app.config.update(REDIS_URL=requires_redis(), JOB_QUEUE=f"test-{uuid.uuid4().hex}")
    queue = jobs.job_queue(app.config)
    try:
        for text in ("Летний кинотеатр во дворе", "Кинотеатр во дворе летом",
                     "Летний кинотеатр во дворе дома"):
            make_idea(title=text, description="Показывать кино по вечерам во дворе.")
        db.session.commit()
        response = as_moderator.post("/moderation/groups/suggestions", data={})
        assert response.status_code == 302
        assert queue.count == 1
        page = as_moderator.get("/moderation/groups/suggestions").get_data(as_text=True)
        assert "New suggestions are being computed" in page
        result = app.test_cli_runner().invoke(args=["worker", "--burst"])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        [row] = queries.suggestions_page().rows
        assert len(row.ideas) == 3 and "кинотеатр" in row.suggestion.key_words
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)
