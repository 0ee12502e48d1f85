"""Downloads are GET requests that change nothing: they work with CSRF protection switched on."""

import pytest

from myalmaty.core.permissions import Role
from myalmaty.extensions import db
from tests.factories import make_user


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_download_needs_no_csrf_token_but_still_a_signed_in_organiser(world, client, auth):
    assert client.get("/organise/exports/download?format=csv").status_code == 302
    organiser = make_user(role=Role.ORGANISER)
    db.session.commit()
    auth.as_user(organiser)
    response = client.get("/organise/exports/download?format=csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    # The export form carries no token: nothing in it is a state change.
    page = client.get("/organise/exports").get_data(as_text=True)
    export_form = page.split('class="stack card export-form"', 1)[1].split("</form>", 1)[0]
    assert 'method="get"' in page and 'name="csrf_token"' not in export_form
