from myalmaty.extensions import db
from tests import factories


def test_pages_render(as_organiser, organiser):
    forum = factories.make_forum()
    rec = factories.make_recommendation(forum)
    q = factories.make_quarter()
    cat = factories.make_category()
    idea = factories.make_idea(quarter=q, category=cat)
    group = factories.make_group()
    factories.make_link(rec, idea=idea)
    factories.make_agenda_item(forum, idea=idea)
    db.session.commit()
    for url in ["/organise/", "/organise/forums", f"/organise/forums/{forum.id}", "/organise/forums/new",
                f"/organise/forums/{forum.id}/edit", f"/organise/recommendations/{rec.id}/edit",
                f"/organise/forums/{forum.id}/recommendations/new",
                "/organise/quarters", "/organise/quarters/new", f"/organise/quarters/{q.id}/edit",
                "/organise/categories", "/organise/categories/new", f"/organise/categories/{cat.id}/edit",
                "/organise/users", f"/organise/users/{organiser.id}"]:
        r = as_organiser.get(url)
        assert r.status_code == 200, (url, r.data[:3000])
