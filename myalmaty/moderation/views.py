"""What only moderation's pages need: the choices for the selects of their forms."""

from __future__ import annotations

from flask_babel import gettext as _

from myalmaty.domain.lookups import active_categories, active_quarters
from myalmaty.moderation import queries
from myalmaty.moderation.forms import FilterForm, with_blank


def fill_filter_choices(form: FilterForm, *, with_groups: bool) -> None:
    form.quarter.choices = with_blank(
        _("All quarters"), [(q.id, q.name) for q in active_quarters()]
    )
    form.category.choices = with_blank(
        _("All categories"), [(c.id, c.name) for c in active_categories()]
    )
    form.group.choices = with_blank(
        _("All themes"), [(g.id, g.title) for g in queries.active_groups()] if with_groups else []
    )


def group_choices() -> list[tuple[int, str]]:
    return [(g.id, g.title) for g in queries.active_groups()]


def recommendation_choices() -> list[tuple[int, str]]:
    return [
        (r.id, f"{r.forum.title} · {r.position}. {r.title}")
        for r in queries.recommendations_for_choice()
    ]
