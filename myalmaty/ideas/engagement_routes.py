"""What residents do on a published idea: support, comment, report (ideas and comments)."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded

from myalmaty.core.errors import render_error, wants_json
from myalmaty.core.permissions import login_required
from myalmaty.core.ratelimits import rate_limited
from myalmaty.core.web import (
    Rendered,
    current_account,
    or_404,
    run_decision,
    run_decision_json,
)
from myalmaty.domain.accounts import User
from myalmaty.domain.ideas import Comment, Idea, Report, ReportReason
from myalmaty.ideas import bp, engagement, policy, queries
from myalmaty.ideas.engagement import ALREADY_REPORTED, AlreadyReported
from myalmaty.ideas.forms import CommentForm, ReportForm, SupportForm
from myalmaty.ideas.routes import render_detail
from myalmaty.ideas.submit_routes import render_after_limit


@bp.post("/<int:idea_id>/support")
@login_required
def support(idea_id: int) -> ResponseReturnValue:
    resident = current_account()
    idea = or_404(queries.visible_idea(idea_id, resident))
    form = SupportForm()

    def thanks(supported: bool) -> str:
        return _("Thank you for your support!") if supported else _("Your support is withdrawn.")

    if wants_json():  # "support this instead" beside a draft idea: the draft stays on its page
        return run_decision_json(
            form,
            lambda: engagement.set_support(resident, idea, form.action.data == "support"),
            answer=lambda supported: {
                "supported": supported, "message": thanks(supported),
                "supporters": idea.support_count,
                "supporters_text": engagement.supporters_text(idea.support_count),
            },
        )
    return run_decision(
        form,
        lambda: engagement.set_support(resident, idea, form.action.data == "support"),
        success=thanks,
        done=url_for("ideas.detail", idea_id=idea_id, _anchor="support"),
        rerender=lambda status: render_detail(idea, status=status),
    )


@bp.post("/<int:idea_id>/comments")
@login_required
@rate_limited("RATELIMIT_COMMENT", per="account")
def comment(idea_id: int) -> ResponseReturnValue:
    author = current_account()
    idea = or_404(queries.visible_idea(idea_id, author))
    form = CommentForm()
    return run_decision(
        form,
        lambda: engagement.add_comment(author, idea, form.body.data or ""),
        success=_("Your comment is published."),
        done=lambda added: url_for("ideas.detail", idea_id=idea_id, _anchor=f"comment-{added.id}"),
        rerender=lambda status: render_detail(idea, comment_form=form, status=status),
    )


def _reported_once(report: Callable[[], Report]) -> Report | None:
    """A second report of the same thing changes nothing, and is no mistake of the resident's:
    the first one stands (None), and the page says so instead of refusing."""
    try:
        return report()
    except AlreadyReported:
        return None


def _thanks_for_report(report: Report | None) -> str:
    if report is None:
        return str(ALREADY_REPORTED)
    if report.idea is not None and not report.idea.is_public:
        return _("Thank you. Several residents reported this idea, so it is hidden until a "
                 "moderator reviews it.")
    return _("Thank you. Moderators will look at your report.")


def _after_idea_report(idea: Idea, reporter: User) -> str:
    """Back to the idea, unless this report hid it from the reporter (the list instead: the
    idea's own page would now be a 404)."""
    if policy.can_view(reporter, idea):
        return url_for("ideas.detail", idea_id=idea.id)
    return url_for("ideas.index")


def _report_page(form: ReportForm, idea: Idea, comment: Comment | None = None,
                 already: bool = False, status: int = 200) -> Rendered:
    return render_template("ideas/report.html", form=form, idea=idea, comment=comment,
                           already=already), status


@bp.route("/<int:idea_id>/report", methods=["GET", "POST"])
@login_required
@rate_limited("RATELIMIT_REPORT", per="account")
def report(idea_id: int) -> ResponseReturnValue:
    reporter = current_account()
    idea = or_404(queries.visible_idea(idea_id, reporter))
    form = ReportForm()

    def page(status: int) -> Rendered:
        already = queries.viewer_state(idea, reporter, []).reported_idea
        return _report_page(form, idea, already=already, status=status)

    if not form.is_submitted():
        return page(200)
    return run_decision(
        form,
        lambda: _reported_once(lambda: engagement.report_idea(
            reporter, idea, ReportReason(form.reason.data), form.note.data or "",
            reports_to_hide=current_app.config["REPORTS_TO_HIDE"],
        )),
        success=_thanks_for_report,
        done=lambda _report: _after_idea_report(idea, reporter),
        rerender=page,
    )


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@login_required
@rate_limited("RATELIMIT_REPORT", per="account")
def report_comment(comment_id: int) -> ResponseReturnValue:
    reporter = current_account()
    reported = or_404(queries.comment_with_idea(comment_id))
    idea = or_404(queries.visible_idea(reported.idea_id, reporter))
    form = ReportForm()

    def page(status: int) -> Rendered:
        state = queries.viewer_state(idea, reporter, [reported.id])
        return _report_page(form, idea, reported, already=reported.id in state.reported_comment_ids,
                            status=status)

    if not form.is_submitted():
        return page(200)
    return run_decision(
        form,
        lambda: _reported_once(lambda: engagement.report_comment(
            reporter, reported, ReportReason(form.reason.data), form.note.data or "",
        )),
        success=_thanks_for_report,
        done=url_for("ideas.detail", idea_id=idea.id, _anchor=f"comment-{comment_id}"),
        rerender=page,
    )


@bp.errorhandler(RateLimitExceeded)
def too_many(error: RateLimitExceeded) -> ResponseReturnValue:
    """Over a limit while writing: show the page again with the text kept, and say why."""
    message = _("You have sent a lot in a short time. Please wait a little and try again; "
                "what you wrote is kept below.")
    if request.endpoint == "ideas.comment":
        idea_id = int((request.view_args or {})["idea_id"])
        idea = or_404(queries.visible_idea(idea_id, current_account()))
        flash(message, "error")
        return render_detail(idea, comment_form=CommentForm(), status=429)
    if request.endpoint in ("ideas.new", "ideas.edit"):
        flash(message, "error")
        return render_after_limit()
    return render_error(429)
