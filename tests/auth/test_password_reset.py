import re

import pytest

from myalmaty.auth.passwords import password_matches
from myalmaty.extensions import db
from tests.auth.conftest import NEW_PASSWORD
from tests.factories import TEST_PASSWORD, make_user

SAME_ANSWER = "If an account uses this address, we have sent it a link"


def reset_link(mail) -> str:
    match = re.search(r"http://127\.0\.0\.1:5000(/account/reset/\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


@pytest.fixture
def aidos(app):
    user = make_user(email="aidos@example.kz", display_name="Aidos", locale="en")
    db.session.commit()
    return user


def ask_for_reset(client, email: str):
    return client.post("/account/reset", data={"email": email}, follow_redirects=True)


def test_the_answer_is_the_same_with_or_without_an_account(english, outbox, aidos):
    known = ask_for_reset(english, "aidos@example.kz")
    unknown = ask_for_reset(english, "nobody@example.kz")
    assert SAME_ANSWER in known.get_data(as_text=True)
    assert SAME_ANSWER in unknown.get_data(as_text=True)
    assert [mail.to for mail in outbox] == ["aidos@example.kz"]


def test_reset_end_to_end(english, outbox, aidos, auth):
    ask_for_reset(english, "Aidos@Example.kz")
    [mail] = outbox
    assert mail.subject == "Reset your password on #MyAlmaty Ideas"
    assert "Hello, Aidos!" in mail.body
    assert "2 hours" in mail.body
    link = reset_link(mail)

    assert english.get(link).status_code == 200
    response = english.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.location == "/account/login"

    db.session.refresh(aidos)
    assert password_matches(aidos.password_hash, NEW_PASSWORD)
    assert auth.login("aidos@example.kz", TEST_PASSWORD).status_code == 422
    assert auth.login("aidos@example.kz", NEW_PASSWORD).status_code == 302


def test_the_mail_is_in_the_persons_language(client, outbox):
    make_user(email="asel@example.kz", display_name="Асель", locale="kk")
    db.session.commit()

    ask_for_reset(client, "asel@example.kz")  # the page itself is in Russian

    [mail] = outbox
    assert mail.subject == "#МыАлматы идеялары: құпиясөзді қалпына келтіру"
    assert "Сәлеметсіз бе, Асель!" in mail.body
    assert "2 сағат" in mail.body


def test_a_link_works_only_once(english, outbox, aidos):
    ask_for_reset(english, "aidos@example.kz")
    link = reset_link(outbox[0])
    english.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    again = english.post(link, data={"password": "yet another one 42", "confirm": "yet another one 42"},
                         follow_redirects=True)

    assert again.status_code == 200
    assert "This password-reset link is not valid" in again.get_data(as_text=True)
    db.session.refresh(aidos)
    assert password_matches(aidos.password_hash, NEW_PASSWORD)


def test_a_link_stops_working_when_the_password_is_changed_otherwise(english, outbox, aidos, auth):
    ask_for_reset(english, "aidos@example.kz")
    link = reset_link(outbox[0])
    auth.as_user(aidos)
    english.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    })
    auth.logout()

    response = english.get(link)
    assert response.status_code == 302
    assert response.location == "/account/reset"


def test_an_expired_link_is_refused(app, english, outbox, aidos):
    ask_for_reset(english, "aidos@example.kz")
    link = reset_link(outbox[0])
    app.config["PASSWORD_RESET_MAX_AGE"] = -1  # every link is already too old

    response = english.get(link, follow_redirects=True)

    assert response.status_code == 200
    assert response.request.path == "/account/reset"
    assert "This password-reset link is not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxfQ.AAAA.BBBB", "a" * 500])
def test_a_forged_link_is_refused_without_an_error_page(english, aidos, token):
    response = english.post(f"/account/reset/{token}",
                            data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    db.session.refresh(aidos)
    assert password_matches(aidos.password_hash, TEST_PASSWORD)


def test_no_mail_for_a_deactivated_account(english, outbox):
    make_user(email="off@example.kz", active=False)
    db.session.commit()
    ask_for_reset(english, "off@example.kz")
    assert outbox == []


def test_the_new_password_must_be_strong_and_typed_twice(english, outbox, aidos):
    ask_for_reset(english, "aidos@example.kz")
    link = reset_link(outbox[0])
    short = english.post(link, data={"password": "short", "confirm": "short"})
    differ = english.post(link, data={"password": NEW_PASSWORD, "confirm": "other words 12"})
    assert short.status_code == differ.status_code == 422
    assert "at least 10 characters" in short.get_data(as_text=True)
    assert "The two passwords do not match." in differ.get_data(as_text=True)
