import pytest

from myalmaty.core.models import utcnow
from myalmaty.domain.accounts import User
from myalmaty.extensions import db
from tests.factories import TEST_PASSWORD, make_user

GENERIC_ERROR = "The e-mail address or the password is not right."


def signed_in_name(client) -> str | None:
    page = client.get("/?lang=en").get_data(as_text=True)
    return "signed in" if "Sign out" in page else None


def test_signing_in_with_the_right_password(client, auth):
    user = make_user(email="aidos@example.kz", display_name="Aidos")
    db.session.commit()

    response = auth.login("aidos@example.kz")

    assert response.status_code == 302
    assert response.location == "/"
    assert signed_in_name(client)
    db.session.refresh(user)
    assert user.last_seen_at is not None


def test_the_email_is_matched_whatever_its_case(client, auth):
    make_user(email="aidos@example.kz")
    db.session.commit()
    assert auth.login("  Aidos@Example.KZ ").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_answer(english, auth):
    make_user(email="aidos@example.kz")
    db.session.commit()

    unknown = auth.login("nobody@example.kz")
    wrong = auth.login("aidos@example.kz", "not the password")

    assert unknown.status_code == wrong.status_code == 422
    unknown_page, wrong_page = unknown.get_data(as_text=True), wrong.get_data(as_text=True)
    assert GENERIC_ERROR in unknown_page and GENERIC_ERROR in wrong_page
    # What was typed stays; the password does not come back.
    assert 'value="nobody@example.kz"' in unknown_page
    assert "not the password" not in wrong_page
    assert not signed_in_name(english)


def deactivated(email: str) -> User:
    return make_user(email=email, active=False)


def deleted(email: str) -> User:
    user = make_user(email=email)
    user.active, user.password_hash, user.deleted_at = False, None, utcnow()
    return user


@pytest.mark.parametrize("make_account", [deactivated, deleted])
def test_a_deactivated_or_deleted_account_is_refused_with_the_same_answer(english, auth,
                                                                          make_account):
    make_account("gone@example.kz")
    db.session.commit()

    response = auth.login("gone@example.kz")

    assert response.status_code == 422
    assert GENERIC_ERROR in response.get_data(as_text=True)
    assert not signed_in_name(english)


def test_an_empty_form_is_refused_without_an_error_page(english):
    response = english.post("/account/login", data={})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This field is required." in page
    assert page.count("Please correct the highlighted fields.") == 1  # said once, not twice


def test_a_refused_sign_in_says_why_once_above_the_form(english, auth):
    make_user(email="aidos@example.kz")
    db.session.commit()
    page = auth.login("aidos@example.kz", "not the password").get_data(as_text=True)
    assert page.count(GENERIC_ERROR) == 1
    assert page.index(GENERIC_ERROR) < page.index("<form")


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/ideas/new", "/ideas/new"),
        ("/ideas/?q=park&page=2", "/ideas/?q=park&page=2"),
        ("http://localhost/account/profile", "/account/profile"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_only_a_next_address_on_this_site_is_followed(client, auth, next_url, expected):
    make_user(email="aidos@example.kz")
    db.session.commit()

    response = client.post(
        "/account/login", query_string={"next": next_url},
        data={"email": "aidos@example.kz", "password": TEST_PASSWORD},
    )

    assert response.status_code == 302
    assert response.location == expected


def test_a_page_that_needs_an_account_sends_back_there_after_signing_in(client):
    make_user(email="aidos@example.kz")
    db.session.commit()

    to_login = client.get("/account/profile")
    assert to_login.status_code == 302
    assert to_login.location.startswith("/account/login?next=")

    response = client.post(to_login.location,
                           data={"email": "aidos@example.kz", "password": TEST_PASSWORD})
    assert response.location == "/account/profile"


def test_remember_me_sets_a_lasting_cookie_only_when_asked(client):
    make_user(email="aidos@example.kz")
    db.session.commit()

    client.post("/account/login", data={"email": "aidos@example.kz", "password": TEST_PASSWORD})
    assert client.get_cookie("remember_token") is None
    client.post("/account/logout")

    client.post("/account/login",
                data={"email": "aidos@example.kz", "password": TEST_PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None


def test_signing_out_needs_a_post(client, auth):
    make_user(email="aidos@example.kz")
    db.session.commit()
    auth.login("aidos@example.kz")

    assert client.get("/account/logout").status_code == 405
    assert signed_in_name(client)

    response = auth.logout()
    assert response.status_code == 302
    assert not signed_in_name(client)


def test_the_navigation_offers_what_fits(english, auth):
    page = english.get("/").get_data(as_text=True)
    assert 'href="/account/login' in page and 'href="/account/register"' in page

    user = make_user(display_name="Aidos <b>", locale="en")
    db.session.commit()
    auth.as_user(user)
    page = english.get("/").get_data(as_text=True)
    assert 'href="/account/profile"' in page
    assert "Aidos &lt;b&gt;" in page  # residents' text is escaped
    assert 'action="/account/logout"' in page and 'name="csrf_token"' in page
    assert 'href="/account/register"' not in page
