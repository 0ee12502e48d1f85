"""A changed password ends every other sign-in, remembered ones included."""

from myalmaty.auth import services
from myalmaty.domain.accounts import User
from myalmaty.extensions import db
from tests.factories import TEST_PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


def remembered_client(app, cookie_value):
    client = app.test_client()
    client.set_cookie("remember_token", cookie_value)
    return client


def test_remember_me_keeps_a_person_signed_in(app, client):
    user = make_user()
    db.session.commit()
    client.post("/account/login",
                data={"email": user.email, "password": TEST_PASSWORD, "remember": "y"})
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    assert remembered_client(app, cookie.value).get("/account/profile").status_code == 200


def test_a_password_change_ends_remembered_sign_ins_elsewhere(app, client):
    user = make_user()
    db.session.commit()
    client.post("/account/login",
                data={"email": user.email, "password": TEST_PASSWORD, "remember": "y"})
    cookie = client.get_cookie("remember_token").value

    services.change_password(db.session.get(User, user.id), current_password=TEST_PASSWORD,
                             new_password=NEW_PASSWORD)
    db.session.commit()

    response = remembered_client(app, cookie).get("/account/profile")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]
    # The plain session of that browser is over too.
    assert client.get("/account/profile").status_code == 302


def test_the_session_that_changed_the_password_stays_signed_in(app, client):
    user = make_user()
    db.session.commit()
    client.post("/account/login", data={"email": user.email, "password": TEST_PASSWORD})
    response = client.post("/account/password", data={
        "current_password": TEST_PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert client.get("/account/profile").status_code == 200


def test_a_session_without_the_password_fingerprint_is_refused(app, client):
    user = make_user()
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # a forged or outdated session id
    assert client.get("/account/profile").status_code == 302


def test_the_last_organiser_cannot_delete_their_account(app, client, auth):
    from myalmaty.core.permissions import Role

    organiser = make_user(role=Role.ORGANISER)
    db.session.commit()
    auth.as_user(organiser)
    response = client.post("/account/delete", data={"password": TEST_PASSWORD})
    assert response.status_code == 422
    assert "последний активный организатор" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, organiser.id).deleted_at is None
