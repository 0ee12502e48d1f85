"""A synthesis of a theme's or a recommendation's ideas: counts, supporters, quarters, key
words, the ideas closest to their centre in the similarity index and the most supported."""

from __future__ import annotations

import pytest

from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from myalmaty.ideas.similarity.synthesis import recommendation_synthesis, theme_synthesis
from tests.factories import (
    make_group,
    make_idea,
    make_link,
    make_quarter,
    make_recommendation,
    make_support,
    make_user,
)

BENCHES = [
    ("Скамейки во дворе", "Поставить скамейки во дворе дома, чтобы соседи сидели вечером."),
    ("Новые скамейки во двор", "Во дворе нет ни одной скамейки: поставить скамейки у детской площадки."),
    ("Скамейки и урны во дворе", "Поставить скамейки и урны во дворе, рядом с клумбами."),
]


@pytest.fixture
def theme(app):
    centre, north = make_quarter(name_en="Centre"), make_quarter(name_en="North")
    group = make_group(title="Дворы")
    benches = [make_idea(title=t, description=d, group=group, quarter=centre) for t, d in BENCHES]
    lane = make_idea(title="Велодорожка по Абая", description="Разметка для велосипедов на проспекте.",
                     group=group, quarter=north)
    loud = make_idea(title="Concert stage in the park", description="A wooden stage for concerts.",
                     group=group)
    hidden = make_idea(status=IdeaStatus.HIDDEN, title="Скамейки скамейки во дворе",
                       description="Скамейки во дворе.", group=group, quarter=make_quarter())
    pending = make_idea(status=IdeaStatus.PENDING, title="Скамейки во дворе", group=group)
    both = make_user()
    make_support(benches[0], both)
    make_support(benches[1], both)  # one person supporting two ideas is one supporter
    for _ in range(3):
        make_support(lane)
    for _ in range(9):
        make_support(hidden)
    db.session.commit()
    return group, benches, lane, loud, hidden, pending


def test_the_ideas_closest_to_the_centre_are_the_representative_ones(theme):
    group, benches, lane, loud, _hidden, _pending = theme
    synthesis = theme_synthesis(group.id)
    assert {i.id for i in synthesis.representative} == {b.id for b in benches}
    assert synthesis.most_supported.id == lane.id


def test_counts_supporters_and_quarters_leave_hidden_and_pending_ideas_out(theme, app):
    group, *_ = theme
    with app.test_request_context("/?lang=en"):
        synthesis = theme_synthesis(group.id)
    assert synthesis.idea_count == 5
    assert synthesis.supporters == 4
    assert synthesis.quarters == ("Centre", "North")
    assert synthesis.outside_quarters == 1


def test_key_words_are_the_ideas_own_words_as_written(theme):
    group, *_ = theme
    key_words = theme_synthesis(group.id).key_words
    assert key_words[:2] == ("скамейки", "дворе") or key_words[:2] == ("дворе", "скамейки")
    # One form of a word: "скамейки" stands for "скамейку" and "скамеек" too.
    assert not {"скамейка", "скамейку", "скамейкой"} & set(key_words)
    # Shown as written, not as the index's folded Latin keys.
    assert "skameiki" not in key_words and "dvore" not in key_words


def test_a_hidden_idea_is_never_representative_nor_most_supported(theme):
    group, _benches, _lane, _loud, hidden, pending = theme
    synthesis = theme_synthesis(group.id)
    named = {i.id for i in synthesis.representative} | {synthesis.most_supported.id}
    assert hidden.id not in named and pending.id not in named


def test_a_recommendation_reads_its_ideas_directly_and_through_its_themes(theme):
    group, benches, lane, _loud, hidden, _pending = theme
    recommendation = make_recommendation()
    make_link(recommendation, group=group)
    make_link(recommendation, idea=benches[0])  # also in the theme: counted once
    extra = make_idea(title="Скамейки у подъезда", description="Скамейки для пожилых соседей.")
    make_link(recommendation, idea=extra)
    make_link(recommendation, idea=hidden)
    db.session.commit()
    synthesis = recommendation_synthesis(recommendation.id)
    assert synthesis.idea_count == 6
    assert synthesis.most_supported.id == lane.id


def test_an_empty_theme_has_an_empty_synthesis(app):
    group = make_group()
    make_idea(status=IdeaStatus.PENDING, group=group)
    db.session.commit()
    synthesis = theme_synthesis(group.id)
    assert synthesis.is_empty
    assert synthesis.representative == () and synthesis.most_supported is None
    assert recommendation_synthesis(make_recommendation().id).is_empty


def test_an_idea_hidden_later_leaves_the_synthesis_at_once(theme):
    from myalmaty.core.permissions import Role
    from myalmaty.moderation import services

    group, benches, lane, *_ = theme
    assert theme_synthesis(group.id).most_supported.id == lane.id  # the index is built
    services.hide_idea(make_user(Role.MODERATOR), lane, version=lane.version, reason="Spam.")
    db.session.commit()
    synthesis = theme_synthesis(group.id)
    assert synthesis.idea_count == 4
    assert synthesis.most_supported.id == benches[0].id  # one supporter, the oldest of two
    assert "велодорожка" not in synthesis.key_words
