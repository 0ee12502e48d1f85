from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from myalmaty.ideas.similarity import distance_m, similar_ideas, stems, text_likeness
from tests.factories import CENTRE, make_idea


def test_stems_ignore_case_and_endings():
    assert stems("Летний КИНОТЕАТР во дворе") == stems("летнего кинотеатра во дворах")
    assert stems("Летний КИНОТЕАТР во дворе") == {"летн", "кино", "двор"}


def test_likeness_is_shared_stems_over_the_smaller_set():
    assert text_likeness({"a", "b"}, {"a", "b", "c", "d"}) == 1.0
    assert text_likeness({"a", "b"}, {"c"}) == 0.0
    assert text_likeness(set(), {"c"}) == 0.0


def test_distance_in_metres():
    # One hundredth of a degree of latitude is about 1.1 km anywhere.
    assert 1100 < distance_m(43.25, 76.95, 43.26, 76.95) < 1125


def test_finds_alike_ideas_close_by_and_not_far_or_unrelated(app):
    near = make_idea(title="Летний кинотеатр во дворе", lat=CENTRE[0] + 0.002, lon=CENTRE[1])
    make_idea(title="Летний кинотеатр во дворе", lat=CENTRE[0] + 0.1, lon=CENTRE[1])  # 11 km
    # The factory's description is about a courtyard cinema: an unrelated idea says otherwise.
    make_idea(title="Велодорожка по Абая", description="Разметка и парковки для велосипедов",
              lat=CENTRE[0], lon=CENTRE[1])
    make_idea(title="Летний кинотеатр во дворе", status=IdeaStatus.PENDING,
              lat=CENTRE[0], lon=CENTRE[1])
    db.session.commit()
    found = similar_ideas("Кинотеатр под открытым небом во дворе", *CENTRE)
    assert [s.idea.id for s in found] == [near.id]


def test_without_a_point_searches_by_text(app):
    idea = make_idea(title="Courtyard cinema for summer evenings")
    db.session.commit()
    assert [s.idea.id for s in similar_ideas("summer courtyard cinema", None, None)] == [idea.id]
