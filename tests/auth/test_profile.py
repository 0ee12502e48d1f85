import sqlalchemy as sa
from flask_babel import force_locale

from myalmaty.auth.passwords import password_matches
from myalmaty.core.presenters import author_name
from myalmaty.domain.accounts import User
from myalmaty.domain.ideas import Comment, Idea
from myalmaty.extensions import db
from tests.auth.conftest import NEW_PASSWORD
from tests.factories import TEST_PASSWORD, make_comment, make_idea, make_user


def signed_in(client, auth, **fields):
    fields.setdefault("locale", "en")
    user = make_user(**fields)
    db.session.commit()
    auth.as_user(user)
    return user


def test_the_profile_shows_the_account_and_links_to_my_ideas(client, auth):
    signed_in(client, auth, email="aidos@example.kz", display_name="Aidos")
    page = client.get("/account/profile").get_data(as_text=True)
    assert "aidos@example.kz" in page
    assert 'value="Aidos"' in page
    assert 'href="/ideas/mine"' in page
    assert "Delete my account" in page


def test_changing_name_and_language_switches_the_page_language(client, auth):
    user = signed_in(client, auth, display_name="Aidos")

    response = client.post("/account/profile", data={"display_name": "Айдос", "locale": "kk"})

    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.locale) == ("Айдос", "kk")
    page = client.get(response.location).get_data(as_text=True)
    assert '<html lang="kk">' in page
    assert "Профиліңіз сақталды." in page  # the confirmation already in the new language


def test_an_empty_name_is_refused_and_nothing_changes(client, auth):
    user = signed_in(client, auth, display_name="Aidos")
    response = client.post("/account/profile", data={"display_name": "  ", "locale": "kk"})
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.display_name, user.locale) == ("Aidos", "en")


def test_changing_the_password_needs_the_current_one(client, auth):
    user = signed_in(client, auth)
    old_hash = user.password_hash

    refused = client.post("/account/password", data={
        "current_password": "not my password", "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    })
    assert refused.status_code == 422
    assert "The current password is not right." in refused.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == old_hash

    accepted = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    })
    assert accepted.status_code == 302
    db.session.refresh(user)
    assert NEW_PASSWORD not in user.password_hash
    assert password_matches(user.password_hash, NEW_PASSWORD)
    assert not password_matches(user.password_hash, TEST_PASSWORD)


def test_a_too_short_new_password_is_refused(client, auth):
    signed_in(client, auth)
    response = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "short", "confirm_password": "short",
    })
    assert response.status_code == 422
    assert "at least 10 characters" in response.get_data(as_text=True)


def test_deleting_needs_the_password(client, auth):
    user = signed_in(client, auth)
    response = client.post("/account/delete", data={"password": "not my password"})
    assert response.status_code == 422
    assert "The current password is not right." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert not user.is_deleted


def test_deleting_anonymises_the_account_and_keeps_the_ideas(client, auth):
    user = signed_in(client, auth, email="aidos@example.kz", display_name="Aidos")
    idea = make_idea(author=user, title="A courtyard cinema")
    make_comment(make_idea(), author=user, body="I would come")
    consented_at = user.consented_at
    db.session.commit()
    user_id, idea_id = user.id, idea.id

    response = client.post("/account/delete", data={"password": TEST_PASSWORD})

    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user.email == f"deleted-{user_id}@deleted.invalid"
    assert user.display_name == ""
    assert user.password_hash is None
    assert user.active is False and user.deleted_at is not None
    assert user.consented_at == consented_at
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) >= 1
    # Nothing the person wrote is lost; it is shown without a name.
    idea = db.session.get(Idea, idea_id)
    assert idea.title == "A courtyard cinema" and idea.author_id == user_id
    comment = db.session.scalar(sa.select(Comment).where(Comment.author_id == user_id))
    assert comment.body == "I would come"
    with force_locale("en"):
        assert author_name(idea.author) == "Former resident"
    # Signed out, and the old address no longer opens anything.
    assert client.get("/account/profile").status_code == 302
    assert auth.login("aidos@example.kz").status_code == 422


def test_the_email_of_a_deleted_account_can_register_again(client, auth):
    signed_in(client, auth, email="aidos@example.kz")
    client.post("/account/delete", data={"password": TEST_PASSWORD})
    from tests.auth.conftest import registration

    response = client.post("/account/register", data=registration(email="aidos@example.kz"))
    assert response.status_code == 302


def test_a_password_change_signs_out_the_other_devices(app, client):
    user = make_user(email="aidos@example.kz", locale="en")
    db.session.commit()
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        device.post("/account/login", data={"email": "aidos@example.kz", "password": TEST_PASSWORD})

    phone.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    })

    assert phone.get("/account/profile").status_code == 200
    assert laptop.get("/account/profile").status_code == 302
    db.session.refresh(user)
    assert password_matches(user.password_hash, NEW_PASSWORD)
