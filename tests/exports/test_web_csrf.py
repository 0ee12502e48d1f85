"""Direct downloads are GET requests that change nothing: they work with CSRF protection
switched on. Asking for an export on the page records a job: a POST with a CSRF token."""

import re

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



def test_asking_for_an_export_on_the_page_needs_the_csrf_token(world, client, auth):
    organiser = make_user(role=Role.ORGANISER)
    db.session.commit()
    auth.as_user(organiser)
    page = client.get("/organise/exports").get_data(as_text=True)
    export_form = page.split('class="stack card export-form"', 1)[1].split("</form>", 1)[0]
    assert 'method="post"' in export_form
    token = re.search(r'name="csrf_token" value="([^"]+)"', export_form).group(1)

    assert client.post("/organise/exports/jobs", data={"format": "csv"}).status_code == 400
    response = client.post("/organise/exports/jobs", data={"format": "csv", "csrf_token": token})
    assert response.status_code == 302
