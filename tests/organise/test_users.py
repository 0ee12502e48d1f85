"""Accounts: search, roles, deactivation, and the organiser who must remain."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from myalmaty.core.errors import DomainError
from myalmaty.core.models import utcnow
from myalmaty.core.permissions import Role
from myalmaty.domain.accounts import User
from myalmaty.domain.audit import ModerationEvent
from myalmaty.extensions import db
from myalmaty.organise import user_services
from myalmaty.organise.queries import USERS_PER_PAGE
from tests import factories


def _deleted_account(**fields: Any) -> User:
    user = factories.make_user(**fields)
    user.active, user.deleted_at, user.password_hash = False, utcnow(), None
    db.session.flush()
    return user


def _reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get_one(User, user.id)


def test_organisers_find_people_by_name_or_e_mail(as_organiser):
    factories.make_user(display_name="Айгуль Сапарова", email="aigul@example.kz")
    factories.make_user(display_name="Daniyar", email="daniyar@mail.kz")
    db.session.commit()

    by_name = as_organiser.get("/organise/users?q=айгуль").get_data(as_text=True)
    by_mail = as_organiser.get("/organise/users?q=MAIL.KZ").get_data(as_text=True)

    assert "Айгуль Сапарова" in by_name and "Daniyar" not in by_name
    assert "aigul@example.kz" in by_name  # organisers see e-mails here; nobody else does
    assert "Daniyar" in by_mail and "Айгуль" not in by_mail


def test_search_text_is_not_a_pattern(as_organiser):
    factories.make_user(display_name="Anna")
    db.session.commit()

    page = as_organiser.get("/organise/users?q=%25").get_data(as_text=True)

    assert "0 accounts" in page


def test_organisers_filter_by_role(as_organiser):
    factories.make_user(display_name="Marat Moderator", role=Role.MODERATOR)
    factories.make_user(display_name="Rustem Resident")
    db.session.commit()

    page = as_organiser.get("/organise/users?role=moderator").get_data(as_text=True)

    assert "Marat Moderator" in page and "Rustem Resident" not in page


def test_an_unknown_role_filter_shows_everyone(as_organiser):
    factories.make_user(display_name="Rustem Resident")
    db.session.commit()

    response = as_organiser.get("/organise/users?role=admin")

    assert response.status_code == 200
    assert "Rustem Resident" in response.get_data(as_text=True)


def test_the_list_is_paginated(as_organiser):
    for n in range(USERS_PER_PAGE + 3):
        factories.make_user(display_name=f"Person {n:02d}")
    db.session.commit()

    first = as_organiser.get("/organise/users").get_data(as_text=True)
    second = as_organiser.get("/organise/users?page=2").get_data(as_text=True)

    assert "Person 00" in first and "Person 27" not in first
    assert "Person 27" in second and "Person 00" not in second
    assert 'href="/organise/users?page=2"' in first


def test_an_organiser_changes_a_role_and_it_is_logged(as_organiser, organiser):
    resident = factories.make_user()
    db.session.commit()

    response = as_organiser.post(f"/organise/users/{resident.id}/role", data={"role": "moderator"})

    assert response.status_code == 302
    assert _reload(resident).role is Role.MODERATOR
    event = db.session.scalar(sa.select(ModerationEvent).where(ModerationEvent.action == "user.role"))
    assert event.actor_id == organiser.id
    assert event.before == {"user_id": resident.id, "role": "resident"}
    assert event.after == {"user_id": resident.id, "role": "moderator"}


def test_an_organiser_deactivates_and_reactivates_an_account(as_organiser):
    resident = factories.make_user()
    db.session.commit()

    as_organiser.post(f"/organise/users/{resident.id}/active", data={"active": "no"})
    assert not _reload(resident).active

    as_organiser.post(f"/organise/users/{resident.id}/active", data={"active": "yes"})
    assert _reload(resident).active
    actions = db.session.scalars(sa.select(ModerationEvent.action)).all()
    assert actions == ["user.active", "user.active"]


def test_the_last_organiser_cannot_be_demoted(as_organiser, organiser):
    response = as_organiser.post(
        f"/organise/users/{organiser.id}/role", data={"role": "moderator", "confirm": "y"}
    )

    assert response.status_code == 400
    assert "Aigerim Organiser is the last active organiser." in response.get_data(as_text=True)
    assert _reload(organiser).role is Role.ORGANISER
    assert db.session.scalar(sa.select(ModerationEvent)) is None


def test_the_last_organiser_cannot_be_deactivated(as_organiser, organiser):
    response = as_organiser.post(f"/organise/users/{organiser.id}/active", data={"active": "no", "confirm": "y"})

    assert response.status_code == 400
    assert "is the last active organiser" in response.get_data(as_text=True)
    assert _reload(organiser).active


def test_a_deactivated_organiser_does_not_count_as_the_one_who_remains(app):
    acting = factories.make_user(role=Role.ORGANISER)
    factories.make_user(role=Role.ORGANISER, active=False)
    db.session.commit()

    with pytest.raises(DomainError):
        user_services.change_role(acting, acting, Role.RESIDENT, confirmed=True)


def test_another_organiser_can_be_demoted_while_one_remains(as_organiser):
    other = factories.make_user(role=Role.ORGANISER)
    db.session.commit()

    response = as_organiser.post(f"/organise/users/{other.id}/role", data={"role": "resident"})

    assert response.status_code == 302
    assert _reload(other).role is Role.RESIDENT


def test_an_organiser_must_confirm_before_giving_up_their_own_role(as_organiser, organiser):
    factories.make_user(role=Role.ORGANISER)
    db.session.commit()

    refused = as_organiser.post(f"/organise/users/{organiser.id}/role", data={"role": "moderator"})

    assert refused.status_code == 400
    assert "This is your own account" in refused.get_data(as_text=True)
    assert _reload(organiser).role is Role.ORGANISER

    confirmed = as_organiser.post(
        f"/organise/users/{organiser.id}/role", data={"role": "moderator", "confirm": "y"}
    )

    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == "/"
    assert _reload(organiser).role is Role.MODERATOR
    assert as_organiser.get("/organise/").status_code == 403


def test_an_organiser_must_confirm_before_deactivating_themselves(as_organiser, organiser):
    factories.make_user(role=Role.ORGANISER)
    db.session.commit()

    refused = as_organiser.post(f"/organise/users/{organiser.id}/active", data={"active": "no"})

    assert refused.status_code == 400
    assert _reload(organiser).active


def test_a_deleted_account_cannot_be_changed(as_organiser):
    gone = _deleted_account(display_name="Gone")
    db.session.commit()

    response = as_organiser.post(f"/organise/users/{gone.id}/active", data={"active": "yes"})

    assert response.status_code == 400
    assert "This account was deleted" in response.get_data(as_text=True)
    assert not _reload(gone).active


def test_a_deleted_accounts_e_mail_is_not_shown(as_organiser):
    _deleted_account(display_name="Gone", email="gone@example.kz")
    db.session.commit()

    page = as_organiser.get("/organise/users").get_data(as_text=True)

    assert "gone@example.kz" not in page
    assert "Former resident" in page


def test_services_check_the_role_themselves(app):
    moderator = factories.make_user(role=Role.MODERATOR)
    resident = factories.make_user()

    from myalmaty.core.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):
        user_services.change_role(moderator, resident, Role.ORGANISER)
    with pytest.raises(PermissionDenied):
        user_services.set_active(moderator, resident, False)
