"""Who may open which account page: anonymous visitors and each role."""

import pytest

from myalmaty.core.permissions import Role
from myalmaty.extensions import db
from tests.factories import make_user

ROLES = [None, Role.RESIDENT, Role.MODERATOR, Role.ORGANISER]
TO_LOGIN = "login"


# (method, path, answer for anonymous visitors, answer for anyone signed in)
ROUTES = [
    ("GET", "/account/login", 200, 302),
    ("GET", "/account/register", 200, 302),
    ("GET", "/account/register/sent", 200, 200),
    ("GET", "/account/register/finish/not-a-token", 302, 302),
    ("GET", "/account/profile", TO_LOGIN, 200),
    ("POST", "/account/profile", TO_LOGIN, 422),
    ("POST", "/account/password", TO_LOGIN, 422),
    ("POST", "/account/delete", TO_LOGIN, 422),
    ("GET", "/account/reset", 200, 200),
    ("GET", "/account/reset/not-a-token", 302, 302),
    ("POST", "/account/logout", 302, 302),
    ("GET", "/account/logout", 405, 405),
    ("GET", "/account/password", 405, 405),
    ("GET", "/account/delete", 405, 405),
]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
@pytest.mark.parametrize(("method", "path", "anonymous", "signed_in"), ROUTES)
def test_access(client, auth, role, method, path, anonymous, signed_in):
    if role is not None:
        auth.as_user(make_user(role=role))
        db.session.commit()
    expected = anonymous if role is None else signed_in

    response = client.open(path, method=method)

    if expected == TO_LOGIN:
        assert response.status_code == 302
        assert response.location.startswith("/account/login?next=")
    else:
        assert response.status_code == expected
