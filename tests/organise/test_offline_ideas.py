"""Ideas collected on paper at a forum: the template, the printable form, and the import of a
filled template into the moderation queue (checked row by row, never twice)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from myalmaty.core.permissions import Role
from myalmaty.domain.ideas import Idea, IdeaStatus
from myalmaty.extensions import db
from tests.factories import make_category, make_forum, make_idea, make_quarter, make_user

IMPORT = "/organise/offline"
GOOD_ROWS = [
    ["Скамейки у арыка", "Поставить скамейки в тени вдоль арыка на Панфилова.",
     "Посчитать, сколько скамеек нужно", "Благоустройство", "", "43.258", "76.954"],
    ["Книжный шкаф во дворе", "Открытый шкаф для обмена книгами во дворе у школы.",
     "Найти старый шкаф", "Культура", "Панфилова", "", ""],
]


@pytest.fixture
def venue(app):
    forum = make_forum(title_en="Forum at the Arbat")
    make_category(slug="improvement", name_ru="Благоустройство", name_en="Improvement")
    make_category(slug="culture", name_ru="Культура", name_en="Culture")
    quarter = make_quarter(slug="panfilov", name_ru="Панфилова", name_en="Panfilov")
    organiser = make_user(role=Role.ORGANISER, locale="en")
    db.session.commit()
    return forum, quarter, organiser


def filled(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Title", "What is the idea?", "The first small step", "Category",
                  "Creative quarter", "Latitude", "Longitude"])
    for row in rows:
        sheet.append(row)
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


def upload(client, forum, data: bytes, skip_errors: bool = False):
    form = {"forum": str(forum.id), "file": (io.BytesIO(data), "filled.xlsx")}
    if skip_errors:
        form["skip_errors"] = "y"
    return client.post(IMPORT, data=form, content_type="multipart/form-data")


def imported() -> list[Idea]:
    return list(db.session.scalars(
        sa.select(Idea).where(Idea.collected_at_forum_id.is_not(None)).order_by(Idea.id)))


def test_the_template_offers_lists_of_categories_and_quarters(client, auth, venue):
    auth.as_user(venue[2])
    response = client.get("/organise/offline/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    ideas = workbook.worksheets[0]
    assert [c.value for c in ideas[1]][:4] == ["Title", "What is the idea?", "The first small step", "Category"]
    lists = {str(dv.sqref).split(":")[0]: dv for dv in ideas.data_validations.dataValidation}
    assert lists["D2"].type == "list" and lists["E2"].type == "list"
    categories = [c.value for c in workbook.worksheets[1]["A"][1:] if c.value]
    assert categories == ["Improvement", "Culture"]
    quarters = [c.value for c in workbook.worksheets[1]["B"][1:] if c.value]
    assert "Panfilov" in quarters


def test_the_printable_form_has_a_qr_code_to_the_online_form(client, auth, venue):
    auth.as_user(venue[2])
    page = client.get(f"/organise/offline/form/{venue[1].id}").get_data(as_text=True)
    assert "Your idea for Panfilov" in page
    assert "<svg" in page and "/ideas/new" in page
    assert client.get("/organise/offline/form/999999").status_code == 404


def test_a_correct_file_enters_the_moderation_queue_marked_with_its_forum(client, auth, venue):
    forum, quarter, organiser = venue
    auth.as_user(organiser)
    response = upload(client, forum, filled(GOOD_ROWS))
    assert response.status_code == 200
    assert "Ideas imported into the moderation queue: 2." in response.get_data(as_text=True)
    ideas = imported()
    assert [i.title for i in ideas] == ["Скамейки у арыка", "Книжный шкаф во дворе"]
    assert all(i.status is IdeaStatus.PENDING and i.collected_at_forum_id == forum.id for i in ideas)
    # No point given: the chosen quarter's centre, as the online form does.
    assert ideas[1].quarter_id == quarter.id
    assert (ideas[1].lat, ideas[1].lon) == (round(quarter.centre_lat, 6), round(quarter.centre_lon, 6))


def test_importing_the_same_file_again_adds_nothing(client, auth, venue):
    forum, _quarter, organiser = venue
    auth.as_user(organiser)
    upload(client, forum, filled(GOOD_ROWS))
    response = upload(client, forum, filled(GOOD_ROWS))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ideas imported into the moderation queue: 0." in page
    assert page.count("Already imported") == 2
    assert len(imported()) == 2


def test_a_file_with_errors_imports_nothing_and_reports_each_row(client, auth, venue):
    forum, _quarter, organiser = venue
    auth.as_user(organiser)
    rows = [*GOOD_ROWS,
            ["Ок", "Слишком коротко", "шаг", "Благоустройство", "", "43.25", "76.95"],
            ["Каток в Москве", "Залить каток на Красной площади зимой, для всех.", "Спросить",
             "Культура", "", "55.75", "37.62"],
            ["Без категории", "Идея без категории, но с нормальным описанием.", "Шаг первый",
             "Спорт", "", "43.25", "76.95"]]
    response = upload(client, forum, filled(rows))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was imported. Rows refused: 3." in page
    assert "Write between 5 and 140 characters." in page
    assert "Almaty" in page  # the point outside the city
    assert "Category: choose one from the list." in page
    assert imported() == []


def test_the_organiser_may_skip_the_refused_rows(client, auth, venue):
    forum, _quarter, organiser = venue
    auth.as_user(organiser)
    rows = [*GOOD_ROWS, ["Ок", "Слишком коротко", "шаг", "Благоустройство", "", "", ""]]
    response = upload(client, forum, filled(rows), skip_errors=True)
    assert response.status_code == 200
    assert "Refused, skipped" in response.get_data(as_text=True)
    assert len(imported()) == 2


def test_a_resembling_published_idea_is_named_in_the_report(client, auth, venue):
    forum, _quarter, organiser = venue
    published = make_idea(title="Скамейки у арыка на Панфилова",
                          description="Поставить скамейки в тени вдоль арыка.", lat=43.258, lon=76.954)
    db.session.commit()
    auth.as_user(organiser)
    page = upload(client, forum, filled(GOOD_ROWS[:1])).get_data(as_text=True)
    assert "Looks like published ideas:" in page
    assert f"/ideas/{published.id}" in page


def test_a_file_that_is_not_a_workbook_is_refused(client, auth, venue):
    forum, _quarter, organiser = venue
    auth.as_user(organiser)
    response = upload(client, forum, b"not a spreadsheet")
    assert response.status_code == 400
    assert "This is not a filled template" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), (Role.RESIDENT, 403), (Role.MODERATOR, 403), (Role.ORGANISER, 200)],
    ids=["anonymous", "resident", "moderator", "organiser"],
)
@pytest.mark.parametrize("url", [IMPORT, "/organise/offline/template.xlsx",
                                 "/organise/offline/form/{quarter}"])
def test_only_organisers_reach_the_paper_ideas(client, auth, venue, role, status, url):
    url = url.format(quarter=venue[1].id)
    if role is not None:
        user = make_user(role=role)
        db.session.commit()
        auth.as_user(user)
    assert client.get(url).status_code == status
    posted = upload(client, venue[0], filled(GOOD_ROWS))
    assert posted.status_code == (status if status != 200 else 200)
    if status != 200:
        assert imported() == []


def test_the_downloaded_template_filled_in_imports(client, auth, venue):
    forum, quarter, organiser = venue
    auth.as_user(organiser)
    workbook = load_workbook(io.BytesIO(client.get("/organise/offline/template.xlsx").data))
    sheet = workbook.worksheets[0]
    # As a table would type it: the list's English name, a decimal comma, a tab in the text.
    sheet.append(["Фонтанчик\tдля воды", "Питьевой фонтанчик у входа в парк для всех.",
                  "Узнать, где проходит водопровод", "Improvement", "Panfilov", "43,258", 76.954])
    target = io.BytesIO()
    workbook.save(target)
    response = upload(client, forum, target.getvalue())
    assert response.status_code == 200, response.get_data(as_text=True)
    (idea,) = imported()
    assert idea.title == "Фонтанчик для воды"  # cleaned as the online form cleans it
    assert (idea.lat, idea.lon, idea.quarter_id) == (43.258, 76.954, quarter.id)


def test_the_moderation_queue_shows_where_a_paper_idea_was_collected(client, auth, venue):
    forum, _quarter, organiser = venue
    auth.as_user(organiser)
    upload(client, forum, filled(GOOD_ROWS))
    moderator = make_user(role=Role.MODERATOR, locale="en")
    db.session.commit()
    auth.as_user(moderator)
    page = client.get("/moderation/").get_data(as_text=True)
    assert "Скамейки у арыка" in page
    assert page.count("Collected on paper at Forum at the Arbat") == 2


def test_a_published_paper_idea_is_not_shown_as_the_importing_organisers(client, auth, venue):
    forum, _quarter, organiser = venue
    organiser.display_name = "Aigerim the organiser"
    db.session.commit()
    auth.as_user(organiser)
    response = upload(client, forum, filled(GOOD_ROWS))
    assert response.status_code == 200, response.get_data(as_text=True)
    paper = imported()[0]
    paper.status = IdeaStatus.PUBLISHED
    db.session.commit()
    auth.logout()
    for url in (f"/ideas/{paper.id}?lang=en", "/ideas/?lang=en"):
        page = client.get(url).get_data(as_text=True)
        assert "Written on paper at a forum" in page
        assert "Aigerim the organiser" not in page
