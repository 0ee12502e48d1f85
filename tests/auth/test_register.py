import datetime as dt
import re

import pytest
import sqlalchemy as sa

from myalmaty.auth import registration as registrations
from myalmaty.auth.passwords import password_matches
from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role
from myalmaty.domain.accounts import PendingRegistration, User
from myalmaty.extensions import db
from tests.auth.conftest import (
    NEW_PASSWORD,
    REGISTRATION_PASSWORD,
    finish_link,
    register_and_finish,
    registration,
)
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


def pending() -> list[PendingRegistration]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PendingRegistration)))


def signed_in(client) -> bool:
    return "Sign out" in client.get("/?lang=en").get_data(as_text=True)


def test_registering_makes_no_account_yet_and_mails_a_link(english, outbox):
    response = english.post("/account/register", data=registration())

    assert response.status_code == 302
    assert response.location == "/account/register/sent"
    page = english.get(response.location).get_data(as_text=True)
    assert "We have sent a message to Aigerim@Example.kz." in page
    assert "Check your e-mail" in page and "The link works for 2 days." in page
    assert all_users() == []
    assert not signed_in(english)

    [mail] = outbox
    assert mail.to == "aigerim@example.kz"
    assert mail.subject == "Finish registering on #MyAlmaty Ideas"
    assert "Hello, Aigerim!" in mail.body and "2 days" in mail.body
    assert "steppe apples" not in mail.body
    [waiting] = pending()
    assert waiting.email == "aigerim@example.kz" and waiting.consented_at is not None
    assert "steppe apples" not in waiting.password_hash


def test_the_link_and_the_chosen_password_make_the_account_and_sign_in(english, outbox):
    english.post("/account/register", data=registration())
    link = finish_link(outbox[0])

    page = english.get(link).get_data(as_text=True)
    assert "Finish registering" in page and 'value="aigerim@example.kz"' in page
    response = english.post(link, data={"password": REGISTRATION_PASSWORD})

    assert response.status_code == 302
    assert response.location == "/"
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
    assert pending() == []

    home = english.get("/").get_data(as_text=True)
    assert "Welcome, Aigerim! Your account is ready." in home
    assert "Aigerim" in home and "Sign out" in home


def test_finishing_needs_the_password_chosen_when_registering(english, outbox):
    """Whoever reads the mail but did not register (the address's owner, when a stranger
    registered with it) cannot finish: no stranger's account appears in their name."""
    english.post("/account/register", data=registration())
    link = finish_link(outbox[0])

    response = english.post(link, data={"password": "a guess at it 123"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This is not the password you chose when registering." in page
    assert "a guess at it 123" not in page
    assert all_users() == [] and len(pending()) == 1
    assert not signed_in(english)


def test_a_link_finishes_once(english, outbox):
    register_and_finish(english, outbox)
    english.post("/account/logout")

    again = english.get(finish_link(outbox[0]), follow_redirects=True)

    assert again.request.path == "/account/register"
    assert "This link to finish registering is not valid" in again.get_data(as_text=True)
    assert len(all_users()) == 1


def test_registering_twice_the_finished_one_counts_and_the_other_link_stops(english, outbox):
    english.post("/account/register", data=registration(display_name="First try"))
    english.post("/account/register", data=registration(display_name="Aigerim",
                                                        password="second password 22",
                                                        confirm="second password 22"))
    first, second = (finish_link(mail) for mail in outbox)

    assert english.post(second, data={"password": "second password 22"}).status_code == 302
    english.post("/account/logout")

    assert english.get(first).status_code == 302
    [user] = all_users()
    assert user.display_name == "Aigerim" and pending() == []


def test_an_expired_link_is_refused(app, english, outbox):
    english.post("/account/register", data=registration())
    app.config["REGISTRATION_CONFIRM_MAX_AGE"] = -1  # every link is already too old

    response = english.get(finish_link(outbox[0]), follow_redirects=True)

    assert "This link to finish registering is not valid" in response.get_data(as_text=True)
    assert all_users() == []


@pytest.mark.parametrize("token", ["nonsense", "eyJyIjoxfQ.AAAA.BBBB", "a" * 500])
def test_a_forged_link_is_refused_without_an_error_page(english, token):
    response = english.post(f"/account/register/finish/{token}",
                            data={"password": REGISTRATION_PASSWORD})
    assert response.status_code == 302
    assert response.location == "/account/register"
    assert all_users() == []


def test_registrations_nobody_finished_are_forgotten_when_their_link_expires(app, outbox):
    day = dt.timedelta(days=1)
    registration_fields = {key: value for key, value in registration().items()
                           if key in ("email", "display_name", "password", "locale")}
    registrations.register_user(**registration_fields, consented=True, now=utcnow() - 2.5 * day)
    registrations.register_user(**registration_fields, consented=True, now=utcnow() - day)
    db.session.commit()
    assert len(pending()) == 2

    registrations.register_user(**{**registration_fields, "email": "someone@example.kz"},
                                consented=True)
    db.session.commit()

    assert sorted(p.email for p in pending()) == ["aigerim@example.kz", "someone@example.kz"]


def test_the_chosen_language_is_used_after_registering(client, outbox):
    client.post("/account/register", data=registration(locale="kk"))
    [mail] = outbox
    assert mail.subject == "#МыАлматы идеялары: тіркелуді аяқтаңыз"
    assert "Сәлеметсіз бе, Aigerim!" in mail.body

    client.post(finish_link(mail), data={"password": REGISTRATION_PASSWORD})
    assert '<html lang="kk">' in client.get("/").get_data(as_text=True)


def test_a_safe_next_travels_with_the_link_and_is_followed_after_finishing(english, outbox):
    response = english.post("/account/register?next=/ideas/new", data=registration())
    assert response.location == "/account/register/sent"  # nobody is signed in yet
    assert "?next=/ideas/new" in outbox[0].body

    finished = english.post(finish_link(outbox[0]), data={"password": REGISTRATION_PASSWORD})
    assert finished.location == "/ideas/new"


# --- an address that already has an account ------------------------------------------------


def answer(client, email: str) -> tuple[int, str, set[str], str]:
    """Everything a registrant sees: status, where it leads, the cookies it sets (by name), and
    the next page with the typed address taken out."""
    client.get("/?lang=en")
    response = client.post("/account/register", data=registration(email=email))
    cookies = {header.split("=")[0] for header in response.headers.getlist("Set-Cookie")}
    page = client.get(response.location).get_data(as_text=True).replace(email, "EMAIL")
    return response.status_code, response.location, cookies, page


def test_an_address_with_an_account_gets_the_same_answer_as_a_new_one(app, outbox):
    owner = make_user(email="aigerim@example.kz", display_name="Aigerim", locale="en")
    db.session.commit()
    hash_before = owner.password_hash

    taken = answer(app.test_client(), "Aigerim@Example.kz")
    new = answer(app.test_client(), "Dana@Example.kz")

    assert taken == new
    assert taken[:2] == (302, "/account/register/sent")
    assert "We have sent a message to EMAIL." in taken[3]
    assert "Sign out" not in taken[3]
    # Nothing was made or changed for the address that has an account.
    assert [p.email for p in pending()] == ["dana@example.kz"]
    db.session.expire_all()
    assert db.session.get(User, owner.id).password_hash == hash_before
    assert db.session.get(User, owner.id).display_name == "Aigerim"
    assert [mail.to for mail in outbox] == ["aigerim@example.kz", "dana@example.kz"]


def test_the_owner_hears_of_it_with_a_sign_in_and_a_reset_link(english, outbox, auth):
    make_user(email="aigerim@example.kz", display_name="Aigerim", locale="en")
    db.session.commit()

    english.post("/account/register", data=registration())

    [mail] = outbox
    assert mail.to == "aigerim@example.kz"
    assert mail.subject == "Someone tried to register with your e-mail address"
    assert "Hello, Aigerim!" in mail.body
    assert "no new account was made and nothing in yours has changed" in mail.body
    assert "http://127.0.0.1:5000/account/login\n" in mail.body
    assert "/account/register/finish/" not in mail.body
    # The reset link works at once, like one asked for on the reset page.
    reset = re.search(r"http://127\.0\.0\.1:5000(/account/reset/\S+)", mail.body).group(1)
    english.post(reset, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert auth.login("aigerim@example.kz", NEW_PASSWORD).status_code == 302


def test_the_notice_is_in_the_owners_saved_language(client, outbox):
    make_user(email="aigerim@example.kz", display_name="Айгерим", locale="kk")
    db.session.commit()

    client.post("/account/register?lang=en", data=registration(locale="en"))

    [mail] = outbox
    assert mail.subject == "Біреу сіздің электрондық поштаңызбен тіркелмек болды"
    assert "Сәлеметсіз бе, Айгерим!" in mail.body


def test_a_deactivated_account_gets_no_mail_and_the_registrant_the_same_answer(app, outbox):
    make_user(email="aigerim@example.kz", active=False)
    db.session.commit()

    assert answer(app.test_client(), "aigerim@example.kz")[:2] == (302, "/account/register/sent")
    assert outbox == [] and pending() == []


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


def test_a_filled_honeypot_is_refused_silently(english, outbox):
    response = english.post("/account/register", data=registration(website="http://spam.example"))

    assert response.status_code == 302
    assert response.location == "/account/register/sent"  # where a person would land
    assert outbox == [] and pending() == [] and all_users() == []


def test_signed_in_people_are_sent_to_their_profile(client, auth):
    auth.as_user(make_user())
    db.session.commit()
    response = client.get("/account/register")
    assert response.status_code == 302
    assert response.location == "/account/profile"
