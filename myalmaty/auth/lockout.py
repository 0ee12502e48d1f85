"""Pausing sign-in with one e-mail address after failed attempts, longer after each one.

On top of the per-client rate limit (`RATELIMIT_SIGN_IN`), which a guesser spreading over
many addresses gets round: after `LOCKOUT_AFTER_FAILURES` failures in a row with one address,
sign-in with it pauses for `LOCKOUT_SECONDS`; every further failure (once a pause is over)
doubles the pause, up to `LOCKOUT_MAX_SECONDS`. With the defaults: five failures, then 1, 2,
4, 8 and 15 minutes. A successful sign-in or a password reset ends the streak, and so does a
day without failures.

Counted per address, whether or not it has an account, so that neither the pause nor its
absence tells anyone which addresses are registered. The state is in the database
(`SignInFailures`), shared by every worker. Functions take `now` so tests can move time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from myalmaty.auth import queries
from myalmaty.domain.accounts import SignInFailures
from myalmaty.extensions import db

# Failures further apart than this do not add up (a typo today and another next month are no
# attack); a row goes this long after its last failure, once its pause is over.
STREAK_ENDS_AFTER = dt.timedelta(days=1)
# 2**20 pauses exceed any sensible maximum; the limit keeps timedelta from overflowing.
_MAX_DOUBLINGS = 20


@dataclass(frozen=True)
class LockoutPolicy:
    after_failures: int
    first_pause: dt.timedelta
    longest_pause: dt.timedelta

    @classmethod
    def from_config(cls) -> LockoutPolicy:
        config = current_app.config
        return cls(
            after_failures=max(1, int(config["LOCKOUT_AFTER_FAILURES"])),
            first_pause=dt.timedelta(seconds=int(config["LOCKOUT_SECONDS"])),
            longest_pause=dt.timedelta(seconds=int(config["LOCKOUT_MAX_SECONDS"])),
        )

    def pause_after(self, failures: int) -> dt.timedelta | None:
        """The pause that `failures` in a row earn: none below the threshold, then the first
        pause, doubled for each failure beyond it, capped."""
        if failures < self.after_failures:
            return None
        doublings = min(failures - self.after_failures, _MAX_DOUBLINGS)
        return min(self.first_pause * 2**doublings, self.longest_pause)


def address_key(address: str) -> str:
    """A digest of the (normalised) address, keyed with SECRET_KEY: the table shows nobody the
    addresses people typed, and cannot be matched against a list of addresses without the key."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def remaining_pause(address: str, now: dt.datetime) -> dt.timedelta | None:
    """How long sign-in with `address` stays paused, or None when it may be tried now.

    The address's row stays locked until commit: attempts with one address are decided one
    after another, so parallel guesses cannot all slip in before a pause begins.
    """
    row = queries.sign_in_failures(address_key(address), lock=True)
    if row is None or row.paused_until is None or row.paused_until <= now:
        return None
    return row.paused_until - now


def record_failure(address: str, now: dt.datetime) -> dt.timedelta | None:
    """Count a failed sign-in with `address`; the pause it starts, if it starts one.

    The caller commits even though the sign-in is refused, or the failure would not count.
    """
    _forget_ended_streaks(now)  # this address's too, so an old streak starts again from one
    key = address_key(address)
    row = queries.sign_in_failures(key, lock=True)
    if row is None:
        row = _first_failure(key, now)
    else:
        row.failures += 1
        row.last_failed_at = now
    pause = LockoutPolicy.from_config().pause_after(row.failures)
    row.paused_until = now + pause if pause else None
    db.session.flush()
    return pause


def _first_failure(key: str, now: dt.datetime) -> SignInFailures:
    """A new streak; when a parallel attempt has just started it, that one's row counts on."""
    try:
        with db.session.begin_nested():
            row = SignInFailures(address_key=key, failures=1, last_failed_at=now)
            db.session.add(row)
        return row
    except sa.exc.IntegrityError:
        existing = queries.sign_in_failures(key, lock=True)
        if existing is None:  # pragma: no cover - the other attempt's row vanished meanwhile
            raise
        existing.failures += 1
        existing.last_failed_at = now
        return existing


def end_streak(address: str) -> None:
    """A successful sign-in or password reset: the failures before it no longer count."""
    db.session.execute(
        sa.delete(SignInFailures).where(SignInFailures.address_key == address_key(address))
    )


def _forget_ended_streaks(now: dt.datetime) -> None:
    """Rows of streaks that have ended: no pause running, no failure for a day. Failures are
    rate-limited per client, so the table stays small and this delete cheap. Rows another
    attempt holds are left for later (SKIP LOCKED on PostgreSQL): two attempts clearing
    each other's rows must not deadlock."""
    ended = (
        sa.select(SignInFailures.address_key)
        .where(
            SignInFailures.last_failed_at < now - STREAK_ENDS_AFTER,
            sa.or_(SignInFailures.paused_until.is_(None), SignInFailures.paused_until <= now),
        )
        .with_for_update(skip_locked=True)
    )
    db.session.execute(sa.delete(SignInFailures).where(SignInFailures.address_key.in_(ended)))
