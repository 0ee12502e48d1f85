"""What residents do on a published idea: support, comment, report (ideas and comments)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded

from myalmaty.core.errors import render_error
from myalmaty.core.permissions import login_required
from myalmaty.domain.ideas import ReportReason
from myalmaty.extensions import db, limiter
from myalmaty.ideas import bp, engagement, queries
from myalmaty.ideas.engagement import AlreadyReported
from myalmaty.core.errors import FieldError
from myalmaty.ideas.forms import CommentForm, ReportForm, SupportForm
from myalmaty.ideas.routes import _visible_idea_or_404, render_detail
from myalmaty.ideas.submit_routes import render_after_limit
from myalmaty.ideas.web import acting_user, limit_from, resident_key


@bp.post("/<int:idea_id>/support")
@login_required
def support(idea_id: int):  # noqa: ANN201
    idea = _visible_idea_or_404(idea_id)
    form = SupportForm()
    if not form.validate_on_submit():
        abort(400)
    supported = engagement.set_support(acting_user(), idea, form.action.data == "support")
    db.session.commit()
    flash(_("Thank you for your support!") if supported else _("Your support is withdrawn."),
          "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor="support"))


@bp.post("/<int:idea_id>/comments")
@login_required
@limiter.limit(limit_from("RATELIMIT_COMMENT"), key_func=resident_key)
def comment(idea_id: int):  # noqa: ANN201
    idea = _visible_idea_or_404(idea_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            added = engagement.add_comment(acting_user(), idea, form.body.data or "")
        except FieldError as error:
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("Your comment is published."), "success")
            return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor=f"comment-{added.id}"))
    return render_detail(idea, comment_form=form, status=400)


def _report_page(form: ReportForm, idea, comment=None, already: bool = False, status: int = 200):  # noqa: ANN001, ANN202
    return render_template("ideas/report.html", form=form, idea=idea, comment=comment,
                           already=already), status


@bp.route("/<int:idea_id>/report", methods=["GET", "POST"])
@login_required
@limiter.limit(limit_from("RATELIMIT_REPORT"), key_func=resident_key, methods=["POST"])
def report(idea_id: int):  # noqa: ANN201
    idea = _visible_idea_or_404(idea_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            engagement.report_idea(
                acting_user(), idea, ReportReason(form.reason.data), form.note.data or "",
                reports_to_hide=current_app.config["REPORTS_TO_HIDE"],
            )
        except FieldError as error:
            form.add_error(error)
            return _report_page(form, idea, status=error.status_code)
        except AlreadyReported as error:
            flash(str(error), "info")
            return redirect(url_for("ideas.detail", idea_id=idea.id))
        db.session.commit()
        flash(_("Thank you. Moderators will look at your report."), "success")
        return redirect(url_for("ideas.detail", idea_id=idea.id))
    already = queries.viewer_state(idea, acting_user(), []).reported_idea
    return _report_page(form, idea, already=already,
                        status=400 if form.is_submitted() else 200)


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@login_required
@limiter.limit(limit_from("RATELIMIT_REPORT"), key_func=resident_key, methods=["POST"])
def report_comment(comment_id: int):  # noqa: ANN201
    found = queries.comment_with_idea(comment_id)
    if found is None:
        abort(404)
    idea = _visible_idea_or_404(found.idea_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            engagement.report_comment(acting_user(), found, ReportReason(form.reason.data),
                                      form.note.data or "")
        except FieldError as error:
            form.add_error(error)
            return _report_page(form, idea, found, status=error.status_code)
        except AlreadyReported as error:
            flash(str(error), "info")
            return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor=f"comment-{found.id}"))
        db.session.commit()
        flash(_("Thank you. Moderators will look at your report."), "success")
        return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor=f"comment-{found.id}"))
    already = found.id in queries.viewer_state(idea, acting_user(), [found.id]).reported_comment_ids
    return _report_page(form, idea, found, already=already,
                        status=400 if form.is_submitted() else 200)


@bp.errorhandler(RateLimitExceeded)
def too_many(error: RateLimitExceeded):  # noqa: ANN201
    """Over a limit while writing: show the page again with the text kept, and say why."""
    message = _("You have sent a lot in a short time. Please wait a little and try again; "
                "what you wrote is kept below.")
    if request.endpoint == "ideas.comment":
        idea = _visible_idea_or_404(request.view_args["idea_id"])
        flash(message, "error")
        return render_detail(idea, comment_form=CommentForm(), status=429)
    if request.endpoint in ("ideas.new", "ideas.edit"):
        flash(message, "error")
        return render_after_limit()
    return render_error(429)
