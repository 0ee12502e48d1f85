from myalmaty.domain.ideas import IdeaStatus
from myalmaty.extensions import db
from tests.factories import make_forum, make_idea, make_recommendation


def test_home_page_shows_the_forums_recommendations(client):
    forum = make_forum(title_en="V Forum #MyAlmaty", title_ru="V Форум #МыАлматы")
    make_recommendation(forum=forum, position=1, title_en="A thousand small steps",
                        title_ru="Тысяча маленьких шагов")
    db.session.commit()
    assert "Тысяча маленьких шагов" in client.get("/").get_data(as_text=True)
    assert "A thousand small steps" in client.get("/?lang=en").get_data(as_text=True)


def test_home_page_shows_the_newest_published_ideas_only(client):
    make_idea(title="Shown courtyard cinema")
    make_idea(title="Still waiting", status=IdeaStatus.PENDING)
    make_idea(title="Hidden one", status=IdeaStatus.HIDDEN)
    make_idea(title="<script>alert(1)</script>")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Shown courtyard cinema" in page
    assert "Still waiting" not in page and "Hidden one" not in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_home_page_queries_do_not_grow_with_ideas(client, count_queries):
    forum = make_forum()
    make_recommendation(forum=forum)
    make_idea()
    db.session.commit()
    with count_queries() as few:
        client.get("/")
    for _ in range(8):
        make_idea()
    db.session.commit()
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count
