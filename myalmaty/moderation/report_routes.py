"""Moderators' page of residents' reports: hide, dismiss, restore."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from myalmaty.core.permissions import moderator_required
from myalmaty.core.web import Rendered, current_account, or_404, run_decision
from myalmaty.domain.ideas import Comment, Idea
from myalmaty.moderation import bp, forms, queries, services


def render_reports(
    submitted: dict[tuple[str, int], Any] | None = None, status: int = 200
) -> Rendered:
    """`submitted` keeps a refused form as typed, keyed by (kind, target id)."""
    return render_template(
        "moderation/reports.html",
        things=queries.open_reports(),
        submitted=submitted or {},
        comment_hide_form=forms.CommentHideForm,
    ), status


@bp.get("/reports")
@moderator_required
def reports() -> ResponseReturnValue:
    return render_reports()


def _dismiss(*, idea: Idea | None = None, comment: Comment | None = None) -> ResponseReturnValue:
    """Dismiss the open reports on the idea or on the comment."""
    form = forms.DismissForm()
    return run_decision(
        form,
        lambda: services.dismiss_reports(current_account(), idea=idea, comment=comment,
                                         note=form.note.data or ""),
        success=_("The reports are dismissed."),
        done=url_for(".reports"),
        rerender=lambda status: render_reports(status=status),
    )


@bp.post("/reports/ideas/<int:idea_id>/dismiss")
@moderator_required
def dismiss_idea_reports(idea_id: int) -> ResponseReturnValue:
    return _dismiss(idea=or_404(queries.idea_by_id(idea_id)))


@bp.post("/reports/comments/<int:comment_id>/dismiss")
@moderator_required
def dismiss_comment_reports(comment_id: int) -> ResponseReturnValue:
    return _dismiss(comment=or_404(queries.comment_by_id(comment_id)))


@bp.post("/reports/comments/<int:comment_id>/hide")
@moderator_required
def hide_comment(comment_id: int) -> ResponseReturnValue:
    comment = or_404(queries.comment_by_id(comment_id))
    form = forms.CommentHideForm(prefix=f"comment{comment_id}")
    return run_decision(
        form,
        lambda: services.hide_comment(current_account(), comment, reason=form.reason.data),
        success=_("The comment is hidden; its reports are closed."),
        done=url_for(".reports"),
        rerender=lambda status: render_reports({("comment", comment_id): form}, status),
    )


@bp.post("/reports/comments/<int:comment_id>/restore")
@moderator_required
def restore_comment(comment_id: int) -> ResponseReturnValue:
    comment = or_404(queries.comment_by_id(comment_id))
    form = forms.PlainForm()
    return run_decision(
        form, lambda: services.restore_comment(current_account(), comment),
        success=_("The comment is shown again."),
        done=url_for("ideas.detail", idea_id=comment.idea_id),
        rerender=lambda status: render_reports(status=status),
    )
