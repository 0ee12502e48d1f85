from myalmaty.core.permissions import Role
from myalmaty.extensions import db
from tests.factories import make_user


def test_organisers_reach_the_exports_from_their_pages(client, auth):
    organiser = make_user(role=Role.ORGANISER)
    db.session.commit()
    auth.as_user(organiser)
    dashboard = client.get("/organise/").get_data(as_text=True)
    assert 'href="/organise/exports"' in dashboard
    exports = client.get("/organise/exports").get_data(as_text=True)
    assert 'href="/organise/exports" aria-current="page"' in exports
