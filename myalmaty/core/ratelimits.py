"""Rate limits: one decorator for every limited route, its limit read from the settings.

Limits are read per request, so configuration (and tests) can change them. Counting is per
client address, or per signed-in account where people share a connection (a forum venue's
Wi-Fi must not make one person's comments use up everyone's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from myalmaty.extensions import limiter


def account_or_address() -> str:
    """Signed-in people count on their own; visitors per address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def rate_limited(
    setting: str,
    *,
    per: Literal["address", "account"] = "address",
    deduct_when: Callable[[Any], bool] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Limit a route's POSTs to `app.config[setting]` (flask-limiter notation, "10 per hour")."""
    return limiter.limit(
        lambda: current_app.config[setting],
        key_func=account_or_address if per == "account" else get_remote_address,
        methods=["POST"],
        deduct_when=deduct_when,
    )
