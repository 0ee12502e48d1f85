"""Sign-in with one address pauses after failures in a row, longer after each further one.

The pause looks the same for an address with an account and one without, and while it runs
the answer is the same whatever password is typed. Time is moved by hand: the services take
`now`, and the routes read the clock through `services.utcnow`.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from myalmaty.auth import lockout, services
from myalmaty.auth.lockout import LockoutPolicy
from myalmaty.core.models import utcnow
from myalmaty.domain.accounts import SignInFailures, User
from myalmaty.extensions import db
from tests.auth.conftest import NEW_PASSWORD
from tests.factories import TEST_PASSWORD, make_user

MINUTE = dt.timedelta(minutes=1)
WRONG = "The e-mail address or the password is not right."
PAUSED = "Too many failed attempts to sign in with this e-mail address."


@pytest.fixture
def app_config() -> dict:
    # Room for many attempts from the test's one address: the per-client limit is tested apart.
    return {"RATELIMIT_SIGN_IN": "1000 per minute", "LOCKOUT_AFTER_FAILURES": 5,
            "LOCKOUT_SECONDS": 60, "LOCKOUT_MAX_SECONDS": 15 * 60}


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> dt.datetime:
        return self.now

    def move(self, delta: dt.timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(services, "utcnow", clock)
    return clock


def attempt(email: str, password: str, now: dt.datetime) -> str | dt.timedelta:
    """What one sign-in gets: "ok", "wrong", or the pause it was told to wait (committed, as the
    route does, so the failure counts)."""
    try:
        services.authenticate(email, password, now=now)
    except services.SignInPaused as paused:
        db.session.commit()
        return dt.timedelta(seconds=paused.retry_after)
    except services.SignInRefused:
        db.session.commit()
        return "wrong"
    db.session.commit()
    return "ok"


# --- the rule ------------------------------------------------------------------------------


def test_the_pause_doubles_after_each_further_failure_up_to_the_longest():
    policy = LockoutPolicy(after_failures=5, first_pause=MINUTE, longest_pause=15 * MINUTE)
    pauses = [policy.pause_after(failures) for failures in range(1, 12)]
    assert pauses == [None, None, None, None,
                      MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 15 * MINUTE, 15 * MINUTE,
                      15 * MINUTE]
    assert policy.pause_after(10**6) == 15 * MINUTE  # no overflow however long it goes on


# --- the service, with time moved by hand --------------------------------------------------


@pytest.fixture
def aidos(app) -> User:
    user = make_user(email="aidos@example.kz", display_name="Aidos", locale="en")
    db.session.commit()
    return user


def test_five_failures_pause_sign_in_and_each_later_one_doubles_the_pause(aidos):
    now = utcnow()
    assert [attempt("aidos@example.kz", "wrong guess", now) for _ in range(4)] == ["wrong"] * 4
    assert attempt("aidos@example.kz", "wrong guess", now) == MINUTE

    # During the pause even the right password is refused, in the same words.
    assert attempt("aidos@example.kz", TEST_PASSWORD, now + 30 * dt.timedelta(seconds=1)) == (
        dt.timedelta(seconds=30))

    growth = []
    for _ in range(5):
        now += growth[-1] if growth else MINUTE
        growth.append(attempt("aidos@example.kz", "wrong guess", now))
    assert growth == [2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 15 * MINUTE, 15 * MINUTE]


def test_a_right_password_after_the_pause_signs_in_and_ends_the_streak(aidos):
    now = utcnow()
    for _ in range(5):
        attempt("aidos@example.kz", "wrong guess", now)

    assert attempt("aidos@example.kz", TEST_PASSWORD, now + MINUTE) == "ok"
    db.session.refresh(aidos)
    assert aidos.last_seen_at == now + MINUTE
    # Counting starts again from nothing.
    later = now + 2 * MINUTE
    assert [attempt("aidos@example.kz", "wrong guess", later) for _ in range(5)] == (
        ["wrong"] * 4 + [MINUTE])


def test_an_address_without_an_account_gets_exactly_the_same_answers(aidos):
    def story(email: str) -> list[str | dt.timedelta]:
        now, answers = utcnow(), []
        for step in range(8):
            answers.append(attempt(email, "wrong guess", now))
            if step >= 4:
                now += answers[-1] if isinstance(answers[-1], dt.timedelta) else dt.timedelta()
        answers.append(attempt(email, TEST_PASSWORD, now - dt.timedelta(seconds=1)))
        return answers

    assert story("aidos@example.kz") == story("nobody@example.kz")


def test_a_day_without_failures_ends_the_streak(aidos):
    now = utcnow()
    for _ in range(4):
        attempt("aidos@example.kz", "wrong guess", now)
    tomorrow = now + dt.timedelta(days=1, minutes=1)
    assert [attempt("aidos@example.kz", "wrong guess", tomorrow) for _ in range(4)] == ["wrong"] * 4


def test_the_table_keeps_no_address_and_forgets_old_streaks(aidos):
    now = utcnow()
    attempt("nobody@example.kz", "wrong guess", now)
    attempt("aidos@example.kz", "wrong guess", now + dt.timedelta(days=2))

    rows = list(db.session.scalars(sa.select(SignInFailures)))
    assert [row.address_key for row in rows] == [lockout.address_key("aidos@example.kz")]
    assert "aidos" not in rows[0].address_key


def test_the_address_is_matched_as_normalised(aidos):
    now = utcnow()
    for typed in ["AIDOS@example.kz", " aidos@EXAMPLE.kz", "Aidos@Example.KZ", "aidos@example.kz"]:
        attempt(typed, "wrong guess", now)
    assert attempt("aidos@example.kz", "wrong guess", now) == MINUTE


def test_a_password_reset_lifts_the_pause(aidos, outbox):
    now = utcnow()
    for _ in range(5):
        attempt("aidos@example.kz", "wrong guess", now)

    services.request_password_reset("aidos@example.kz")
    token = re.search(r"/account/reset/(\S+)", outbox[0].body).group(1)
    services.reset_password(token, NEW_PASSWORD)
    db.session.commit()

    assert attempt("aidos@example.kz", NEW_PASSWORD, now + dt.timedelta(seconds=1)) == "ok"


# --- through the sign-in page ---------------------------------------------------------------


def sign_in(client, email: str, password: str):
    return client.post("/account/login", data={"email": email, "password": password})


def test_the_page_says_when_to_try_again_with_429_and_retry_after(english, aidos, clock):
    statuses = [sign_in(english, "aidos@example.kz", "wrong guess").status_code for _ in range(4)]
    assert statuses == [422] * 4

    paused = sign_in(english, "aidos@example.kz", "wrong guess")

    assert paused.status_code == 429
    # The rate limiter keeps the later of its own wait (under a minute here) and the pause, and
    # counts whole seconds on the real clock: a second may be lost.
    assert int(paused.headers["Retry-After"]) in (59, 60)
    page = paused.get_data(as_text=True)
    assert PAUSED in page and "Please try again in 1 minute" in page and WRONG not in page
    assert 'value="aidos@example.kz"' in page  # the form is shown again, as typed


def test_during_the_pause_the_right_password_gets_the_same_page_as_a_wrong_one(english, aidos,
                                                                               clock):
    for _ in range(5):
        sign_in(english, "aidos@example.kz", "wrong guess")
    clock.move(dt.timedelta(seconds=20))

    right = sign_in(english, "aidos@example.kz", TEST_PASSWORD)
    wrong = sign_in(english, "aidos@example.kz", "another guess")

    assert right.status_code == wrong.status_code == 429
    assert right.get_data(as_text=True) == wrong.get_data(as_text=True)
    assert "Please try again in 40 seconds" in right.get_data(as_text=True)
    assert "Sign out" not in english.get("/").get_data(as_text=True)


def test_retry_after_gives_a_pause_longer_than_the_rate_limits_wait(english, aidos, clock):
    for _ in range(5):
        sign_in(english, "aidos@example.kz", "wrong guess")
    clock.move(MINUTE)

    paused = sign_in(english, "aidos@example.kz", "wrong guess")

    assert int(paused.headers["Retry-After"]) in (119, 120)
    assert "Please try again in 2 minutes" in paused.get_data(as_text=True)


def test_an_unknown_address_gets_the_same_pages(app, aidos, clock):
    def pages(email: str) -> list[tuple[int, str]]:
        client = app.test_client()
        client.get("/?lang=en")
        answers = []
        for _ in range(6):
            response = sign_in(client, email, "wrong guess")
            page = response.get_data(as_text=True).replace(email, "EMAIL")
            answers.append((response.status_code, re.sub(r'nonce="[^"]+"', "", page)))
        return answers

    assert pages("aidos@example.kz") == pages("nobody@example.kz")


def test_after_the_pause_the_right_password_signs_in(english, aidos, clock):
    for _ in range(5):
        sign_in(english, "aidos@example.kz", "wrong guess")
    clock.move(MINUTE)

    assert sign_in(english, "aidos@example.kz", TEST_PASSWORD).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInFailures)) == 0


def test_a_reset_through_the_mail_lifts_the_pause(english, aidos, outbox, clock):
    for _ in range(5):
        sign_in(english, "aidos@example.kz", "wrong guess")

    english.post("/account/reset", data={"email": "aidos@example.kz"})
    link = re.search(r"http://127\.0\.0\.1:5000(/account/reset/\S+)", outbox[0].body).group(1)
    english.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert sign_in(english, "aidos@example.kz", NEW_PASSWORD).status_code == 302


def test_the_pause_is_translated(client, aidos, clock):
    for _ in range(5):
        response = client.post("/account/login?lang=kk",
                               data={"email": "aidos@example.kz", "password": "wrong guess"})
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "1 минут" in page
