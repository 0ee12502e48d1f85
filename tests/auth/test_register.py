import pytest
import sqlalchemy as sa

from myalmaty.auth.passwords import password_matches
from myalmaty.core.permissions import Role
from myalmaty.domain.accounts import User
from myalmaty.extensions import db
from tests.auth.conftest import registration
from tests.factories import make_user


def all_users() -> list[User]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(User)))


def test_register_page_asks_for_everything_and_hides_the_honeypot(english):
    page = english.get("/account/register").get_data(as_text=True)
    for name in ("email", "display_name", "password", "confirm", "locale", "consent"):
        assert f'name="{name}"' in page
    assert 'class="honeypot" aria-hidden="true"' in page
    assert 'name="website"' in page and 'tabindex="-1"' in page
    # The language defaults to the one the page is shown in.
    assert '<option selected value="en">' in page


def test_registering_creates_a_resident_and_signs_them_in(english):
    response = english.post("/account/register", data=registration())
    assert response.status_code == 302

    [user] = all_users()
    assert user.email == "aigerim@example.kz"  # lower-cased
    assert user.display_name == "Aigerim"
    assert user.role is Role.RESIDENT
    assert user.locale == "en"
    assert user.consented_at is not None
    assert user.is_active
    # Never stored as typed.
    assert user.password_hash != "steppe apples 2018"
    assert "steppe apples" not in user.password_hash
    assert password_matches(user.password_hash, "steppe apples 2018")

    home = english.get("/").get_data(as_text=True)
    assert "Aigerim" in home and "Sign out" in home


def test_the_chosen_language_is_used_after_registering(client):
    client.post("/account/register", data=registration(locale="kk"))
    assert '<html lang="kk">' in client.get("/").get_data(as_text=True)


def test_a_taken_email_is_said_clearly_and_the_form_keeps_what_was_typed(english):
    make_user(email="aigerim@example.kz")
    db.session.commit()

    response = english.post("/account/register", data=registration(display_name="Second Aigerim"))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "An account with this e-mail address already exists." in page
    assert 'value="Aigerim@Example.kz"' in page
    assert 'value="Second Aigerim"' in page
    assert len(all_users()) == 1


def test_mismatched_passwords_keep_email_and_name_but_not_passwords(english):
    response = english.post("/account/register", data=registration(confirm="something else 99"))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The two passwords do not match." in page
    assert 'value="Aigerim@Example.kz"' in page
    assert 'value="Aigerim"' in page
    assert "steppe apples 2018" not in page and "something else 99" not in page
    assert all_users() == []


def test_consent_is_required(english):
    response = english.post("/account/register", data=registration(consent=None))
    assert response.status_code == 422
    assert "Your consent to the processing of personal data is needed" in response.get_data(as_text=True)
    assert all_users() == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-address"}, "Please enter a valid e-mail address."),
        ({"password": "short1", "confirm": "short1"}, "at least 10 characters"),
        ({"password": "aigerim@example.kz", "confirm": "aigerim@example.kz"},
         "must not be your e-mail address"),
        ({"display_name": "   "}, "This field is required."),
        ({"locale": "de"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_message(english, overrides, message):
    response = english.post("/account/register", data=registration(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert all_users() == []


def test_bad_input_is_translated(client):
    response = client.post("/account/register?lang=kk", data=registration(confirm="different 123"))
    assert "Екі құпиясөз сәйкес келмейді." in response.get_data(as_text=True)


def test_a_filled_honeypot_is_refused_silently(english):
    response = english.post("/account/register", data=registration(website="http://spam.example"))

    assert response.status_code == 302
    assert all_users() == []
    assert "Sign out" not in english.get("/").get_data(as_text=True)


def test_a_safe_next_is_followed_after_registering(english):
    response = english.post("/account/register?next=/ideas/new", data=registration())
    assert response.location == "/ideas/new"


def test_signed_in_people_are_sent_to_their_profile(client, auth):
    auth.as_user(make_user())
    db.session.commit()
    response = client.get("/account/register")
    assert response.status_code == 302
    assert response.location == "/account/profile"
