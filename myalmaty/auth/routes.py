"""Accounts: register, sign in and out, profile, password reset, deleting the account.

Forms that do not validate are shown again with status 422 and everything typed except
passwords; the services' refusals appear beside the field they concern.
"""

from __future__ import annotations

import logging

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from myalmaty.auth import bp, forms, services
from myalmaty.auth.passwords import MIN_PASSWORD_LENGTH
from myalmaty.core.redirects import safe_local_url
from myalmaty.auth.sessions import keep_this_session
from myalmaty.core.errors import DomainError
from myalmaty.core.i18n import current_locale
from myalmaty.core.permissions import login_required
from myalmaty.domain.accounts import User
from myalmaty.extensions import db, limiter

log = logging.getLogger(__name__)

INVALID_FORM = 422


@bp.context_processor
def password_rules() -> dict:
    return {"min_password_length": MIN_PASSWORD_LENGTH}


def _limit(key: str):  # noqa: ANN202 - a limit provider for flask-limiter
    """Limits are read per request, so configuration (and tests) can change them."""
    return lambda: current_app.config[key]


def _not_a_redirect(response: Response) -> bool:
    """Sign-in attempts that failed (anything but the redirect after success)."""
    return response.status_code != 302


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _after_sign_in() -> str:
    return safe_local_url(request.args.get("next"), request.host) or url_for("main.home")


def _show_error(form: FlaskForm, error: DomainError) -> None:
    """A service's refusal beside its field, or above the form."""
    field = getattr(error, "field", None)
    if field and field in form:
        form[field].errors.append(str(error))
    else:
        form.form_errors.append(str(error))


# --- register, sign in, sign out -----------------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_REGISTER"), methods=["POST"])
def register():  # noqa: ANN201
    if current_user.is_authenticated:
        return redirect(url_for("auth.profile"))
    form = forms.RegisterForm(locale=current_locale())
    if form.is_submitted() and form.caught_a_bot():
        # Refused without a word: a bot learns nothing, and no account is made.
        log.info("Registration refused: the honeypot field was filled in")
        return redirect(url_for("main.home"))
    if form.validate_on_submit():
        try:
            user = services.register_user(
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
                locale=form.locale.data,
                consented=form.consent.data,
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            login_user(user)
            with force_locale(user.locale):
                flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name),
                      "success")
            return redirect(_after_sign_in())
    status = INVALID_FORM if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_SIGN_IN"), methods=["POST"], deduct_when=_not_a_redirect)
def login():  # noqa: ANN201
    if current_user.is_authenticated:
        return redirect(_after_sign_in())
    form = forms.LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            with force_locale(user.locale):
                flash(_("Welcome back, %(name)s.", name=user.display_name), "success")
            return redirect(_after_sign_in())
    status = INVALID_FORM if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():  # noqa: ANN201 - POST only, and CSRF-protected like every other POST
    if current_user.is_authenticated:
        logout_user()
        flash(_("You have signed out."), "info")
    return redirect(url_for("main.home"))


# --- profile -------------------------------------------------------------------------------


def _profile_page(
    profile_form: forms.ProfileForm | None = None,
    password_form: forms.PasswordChangeForm | None = None,
    delete_form: forms.DeleteAccountForm | None = None,
    status: int = 200,
):  # noqa: ANN202
    """The profile page with its three forms; the one just sent keeps what was typed."""
    user = _me()
    return render_template(
        "auth/profile.html",
        user=user,
        profile_form=profile_form or forms.ProfileForm(formdata=None, obj=user),
        password_form=password_form or forms.PasswordChangeForm(formdata=None),
        delete_form=delete_form or forms.DeleteAccountForm(formdata=None),
    ), status


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():  # noqa: ANN201
    user = _me()
    if request.method == "GET":
        return _profile_page()
    form = forms.ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(user, display_name=form.display_name.data,
                                    locale=form.locale.data)
        except DomainError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            session["lang"] = user.locale  # stays after signing out, too
            with force_locale(user.locale):
                flash(_("Your profile is saved."), "success")
            return redirect(url_for("auth.profile"))
    return _profile_page(profile_form=form, status=INVALID_FORM)


@bp.post("/password")
@login_required
def change_password():  # noqa: ANN201
    user = _me()
    form = forms.PasswordChangeForm(account_email=user.email)
    if form.validate_on_submit():
        try:
            services.change_password(user, current_password=form.current_password.data,
                                     new_password=form.new_password.data)
        except DomainError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            keep_this_session(user)  # this session stays; others are signed out
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.profile"))
    return _profile_page(password_form=form, status=INVALID_FORM)


@bp.post("/delete")
@login_required
def delete_account():  # noqa: ANN201
    user = _me()
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(user, password=form.password.data)
        except DomainError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(_("Your account is deleted. Your ideas and comments stay, without your name."),
                  "info")
            return redirect(url_for("main.home"))
    return _profile_page(delete_form=form, status=INVALID_FORM)


# --- password reset ------------------------------------------------------------------------


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_PASSWORD_RESET"), methods=["POST"])
def reset_request():  # noqa: ANN201
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        # The same answer whether or not the address has an account.
        flash(_("If an account uses this address, we have sent it a link to choose a new "
                "password. Please check your mail."), "info")
        return redirect(url_for("auth.login"))
    status = INVALID_FORM if form.is_submitted() else 200
    return render_template("auth/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):  # noqa: ANN201
    try:
        user = services.user_for_reset_token(token)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("auth.reset_request"))
    form = forms.ResetPasswordForm(account_email=user.email)
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DomainError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your new password is set. You can sign in with it now."), "success")
            return redirect(url_for("auth.login"))
    status = INVALID_FORM if form.is_submitted() else 200
    return render_template("auth/reset_password.html", form=form), status
