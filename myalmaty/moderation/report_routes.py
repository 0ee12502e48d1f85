"""Moderators' page of residents' reports: hide, dismiss, restore."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from myalmaty.core.permissions import moderator_required
from myalmaty.core.web import run_decision
from myalmaty.moderation import bp, forms, queries, services


def render_reports(submitted: dict[tuple[str, int], Any] | None = None, status: int = 200):  # noqa: ANN201
    """`submitted` keeps a refused form as typed, keyed by (kind, target id)."""
    return render_template(
        "moderation/reports.html",
        things=queries.open_reports(),
        submitted=submitted or {},
        comment_hide_form=forms.CommentHideForm,
    ), status


@bp.get("/reports")
@moderator_required
def reports():  # noqa: ANN201
    return render_reports()


def _found(target):  # noqa: ANN001, ANN202
    if target is None:
        abort(404)
    return target


def _dismiss(**target):  # noqa: ANN003, ANN202 - idea= or comment=
    form = forms.DismissForm()
    return run_decision(
        form,
        lambda: services.dismiss_reports(current_user, note=form.note.data or "", **target),
        success=_("The reports are dismissed."),
        done=url_for(".reports"),
        rerender=lambda status: render_reports(status=status),
    )


@bp.post("/reports/ideas/<int:idea_id>/dismiss")
@moderator_required
def dismiss_idea_reports(idea_id: int):  # noqa: ANN201
    return _dismiss(idea=_found(queries.idea_by_id(idea_id)))


@bp.post("/reports/comments/<int:comment_id>/dismiss")
@moderator_required
def dismiss_comment_reports(comment_id: int):  # noqa: ANN201
    return _dismiss(comment=_found(queries.comment_by_id(comment_id)))


@bp.post("/reports/comments/<int:comment_id>/hide")
@moderator_required
def hide_comment(comment_id: int):  # noqa: ANN201
    comment = _found(queries.comment_by_id(comment_id))
    form = forms.CommentHideForm(prefix=f"comment{comment_id}")
    return run_decision(
        form, lambda: services.hide_comment(current_user, comment, reason=form.reason.data),
        success=_("The comment is hidden; its reports are closed."),
        done=url_for(".reports"),
        rerender=lambda status: render_reports({("comment", comment_id): form}, status),
    )


@bp.post("/reports/comments/<int:comment_id>/restore")
@moderator_required
def restore_comment(comment_id: int):  # noqa: ANN201
    comment = _found(queries.comment_by_id(comment_id))
    form = forms.PlainForm()
    return run_decision(
        form, lambda: services.restore_comment(current_user, comment),
        success=_("The comment is shown again."),
        done=url_for("ideas.detail", idea_id=comment.idea_id),
        rerender=lambda status: render_reports(status=status),
    )
