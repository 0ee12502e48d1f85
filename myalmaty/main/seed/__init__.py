"""Loading the demo data: reference data, accounts, ideas and moderation, in that order.

Rows are matched by natural keys (forum by date, recommendation by forum and position,
category and quarter by slug, account by e-mail, idea by author and title, theme by title,
link and report by their subjects), and whatever exists is left as it is, so loading twice
changes nothing. Nothing is committed here: the caller commits once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from myalmaty.extensions import db
from myalmaty.main.seed.accounts import AccountLine, ensure_accounts
from myalmaty.main.seed.agenda import ensure_agenda
from myalmaty.main.seed.ideas import ensure_ideas
from myalmaty.main.seed.moderation import ensure_moderation
from myalmaty.main.seed.reference import (
    ensure_categories,
    ensure_forum,
    ensure_quarters,
)

__all__ = ["AccountLine", "SeedResult", "seed_demo"]


@dataclass
class SeedResult:
    created: Counter = field(default_factory=Counter)
    accounts: list[AccountLine] = field(default_factory=list)


def seed_demo(now: dt.datetime, reset_passwords: bool = False) -> SeedResult:
    result = SeedResult()
    forum, recommendations = ensure_forum(result.created)
    categories = ensure_categories(result.created)
    ensure_quarters(result.created)
    users, result.accounts = ensure_accounts(now, reset_passwords, result.created)
    ideas = ensure_ideas(now, users, categories, result.created)
    ensure_moderation(now, recommendations, users, ideas, result.created)
    db.session.flush()
    ensure_agenda(forum, result.created)
    db.session.flush()
    return result
