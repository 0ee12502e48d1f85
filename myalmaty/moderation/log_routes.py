"""The audit log, browsable and filterable by moderators."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from myalmaty.core.pagination import page_from
from myalmaty.core.permissions import moderator_required
from myalmaty.domain.audit_text import log_entry
from myalmaty.moderation import bp, forms, queries
from myalmaty.moderation.forms import with_blank


def _day_start(day: dt.date | None) -> dt.datetime | None:
    """Midnight of a day in the platform's time zone (dates people type are local)."""
    if day is None:
        return None
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone).astimezone(dt.UTC)


@bp.get("/log")
@moderator_required
def log() -> ResponseReturnValue:
    form = forms.LogFilterForm(formdata=request.args)
    form.actor.choices = with_blank(_l("Everyone"), [(u.id, u.display_name) for u in queries.staff()])
    filters = queries.LogFilters()
    status = 200
    if request.args and not form.validate():
        status = 400
    elif request.args:
        until = form.until.data + dt.timedelta(days=1) if form.until.data else None
        filters = queries.LogFilters(
            action=form.action.data or "",
            actor_id=form.actor.data,
            person=form.person.data or "",
            idea_id=form.idea.data,
            since=_day_start(form.since.data),
            until=_day_start(until),
        )
    pagination = queries.audit_log(filters, page_from(request.args))
    names = queries.log_names(pagination.items)
    return render_template(
        "moderation/log.html",
        form=form,
        pagination=pagination,
        entries=[log_entry(event, names) for event in pagination.items],
    ), status
