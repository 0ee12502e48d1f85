import pytest
import sqlalchemy as sa

from myalmaty.auth.passwords import password_matches
from myalmaty.core.permissions import Role
from myalmaty.domain.accounts import User
from myalmaty.extensions import db
from tests.factories import make_user

PASSWORD = "organiser passphrase 7"


def users() -> list[User]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(User)))


@pytest.mark.parametrize("role", list(Role))
def test_creates_an_account_with_the_password_from_stdin(runner, role):
    result = runner.invoke(
        args=["create-user", "Org@Example.kz", "--role", role.value, "--name", "Dana"],
        input=PASSWORD + "\n",
    )

    assert result.exit_code == 0, result.output
    assert "org@example.kz" in result.output
    [user] = users()
    assert (user.email, user.role, user.display_name) == ("org@example.kz", role, "Dana")
    assert user.is_active
    assert PASSWORD not in user.password_hash
    assert password_matches(user.password_hash, PASSWORD)


def test_the_name_is_cleaned_as_the_registration_form_cleans_it(runner):
    # NUL and other controls dropped, NFC (и + combining breve is й), blanks collapsed.
    result = runner.invoke(
        args=["create-user", "org@example.kz", "--role", "organiser",
              "--name", "  Да\x00на\tМаи\u0306ра  "],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    [user] = users()
    assert user.display_name == "Дана Майра"


def test_without_a_name_the_role_is_the_name(runner):
    result = runner.invoke(args=["create-user", "mod@example.kz", "--role", "moderator"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    [user] = users()
    assert user.display_name == str(Role.MODERATOR.label)


def test_an_unknown_role_is_refused(runner):
    result = runner.invoke(args=["create-user", "x@example.kz", "--role", "admin"],
                           input=PASSWORD + "\n")
    assert result.exit_code != 0
    assert "admin" in result.output and "moderator" in result.output
    assert users() == []


def test_an_existing_email_is_refused(runner):
    make_user(email="dana@example.kz", display_name="Dana")
    db.session.commit()

    result = runner.invoke(args=["create-user", "DANA@example.kz", "--role", "organiser"],
                           input=PASSWORD + "\n")

    assert result.exit_code == 1
    assert "Error:" in result.output
    [user] = users()
    assert user.role is Role.RESIDENT


@pytest.mark.parametrize(
    ("email", "password"),
    [("x@example.kz", "short"), ("x@example.kz", ""), ("not an address", PASSWORD)],
)
def test_a_weak_password_or_bad_address_is_refused(runner, email, password):
    result = runner.invoke(args=["create-user", email, "--role", "resident"],
                           input=password + "\n")
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert users() == []
