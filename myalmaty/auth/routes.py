"""Accounts: register, sign in and out, profile, password reset, deleting the account.

Every form goes through `run_decision`. A form shown again answers 422, whether its input or
a service refused it, with everything typed except passwords (a paused sign-in answers 429);
a refusal about one field appears beside it, one about the whole form (wrong credentials) at
the top of the page. What changes the session (signing in or out, the language) happens only
once the service has accepted. Registering signs nobody in: the link it mails does, once the
registration is finished.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from flask import (
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from myalmaty.auth import bp, forms, registration, services
from myalmaty.auth.passwords import MIN_PASSWORD_LENGTH
from myalmaty.auth.sessions import keep_this_session
from myalmaty.core.errors import DomainError
from myalmaty.core.forms import AppForm
from myalmaty.core.i18n import current_locale
from myalmaty.core.permissions import login_required
from myalmaty.core.ratelimits import rate_limited
from myalmaty.core.redirects import safe_next
from myalmaty.core.web import Rendered, current_account, run_decision
from myalmaty.domain.accounts import User
from myalmaty.extensions import db

log = logging.getLogger(__name__)

INVALID_FORM = 422


@bp.context_processor
def password_rules() -> dict[str, Any]:
    return {"min_password_length": MIN_PASSWORD_LENGTH}


def _not_a_redirect(response: Response) -> bool:
    """Sign-in attempts that failed (anything but the redirect after success)."""
    return response.status_code != 302


def _shown_again(template: str, form: AppForm) -> Callable[[int], Rendered]:
    """The form's page again, as typed: 422 for bad input and a service's refusal alike."""
    return lambda _status: (render_template(template, form=form), INVALID_FORM)


def _in_language(locale: str, message: LazyString) -> str:
    """A confirmation in the account's language, which the next page will be in too."""
    with force_locale(locale):
        return str(message)


# --- register, sign in, sign out -----------------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@rate_limited("RATELIMIT_REGISTER")
def register() -> ResponseReturnValue:
    """Valid input always gets the same answer, whether or not the address has an account:
    "we have written to it" (`registration.register_user` says what the mail says)."""
    if current_account(required=False) is not None:
        return redirect(url_for("auth.profile"))
    form = forms.RegisterForm(locale=current_locale())
    if not form.is_submitted():
        return render_template("auth/register.html", form=form)
    sent = url_for("auth.registration_sent")

    def say_sent(_nothing: None) -> str:
        return _("We have sent a message to %(email)s.", email=form.email.data)

    if form.caught_a_bot():
        # Refused without a word: the bot lands where registrations do, and no mail goes out.
        log.info("Registration refused: the honeypot field was filled in")
        return redirect(sent)
    response = run_decision(
        form,
        lambda: registration.register_user(
            email=form.email.data,
            display_name=form.display_name.data,
            password=form.password.data,
            locale=form.locale.data,
            consented=form.consent.data,
            # Where to go once registered: carried in the mailed link, checked again there.
            next_path=safe_next("") or None,
        ),
        success=say_sent,
        done=sent,
        rerender=_shown_again("auth/register.html", form),
    )
    if isinstance(response, Response):
        # Registering ends on the "check your e-mail" page, never at `next`: nobody is signed
        # in yet (run_decision would follow a safe `next`; the mailed link carries it instead).
        response.location = sent
    return response


@bp.get("/register/sent")
def registration_sent() -> ResponseReturnValue:
    """Where every registration ends until the mailed link is opened."""
    max_age = int(current_app.config["REGISTRATION_CONFIRM_MAX_AGE"])
    valid_for = format_timedelta(dt.timedelta(seconds=max_age), threshold=1)
    return render_template("auth/registration_sent.html", valid_for=valid_for)


@bp.route("/register/finish/<token>", methods=["GET", "POST"])
@rate_limited("RATELIMIT_SIGN_IN", deduct_when=_not_a_redirect)
def finish_registration(token: str) -> ResponseReturnValue:
    try:
        pending = registration.pending_registration_for(token)
    except DomainError as error:
        # A link, not a form: nothing to show again, so the way to start over.
        flash(str(error), "error")
        return redirect(url_for("auth.register"))
    form = forms.FinishRegistrationForm()
    page = "auth/finish_registration.html"
    if not form.is_submitted():
        return render_template(page, form=form, email=pending.email)

    def finish_and_sign_in() -> User:
        user = registration.finish_registration(token, form.password.data)
        login_user(user)
        return user

    return run_decision(
        form,
        finish_and_sign_in,
        success=lambda user: _in_language(
            user.locale, _l("Welcome, %(name)s! Your account is ready.", name=user.display_name)
        ),
        done=url_for("main.home"),
        rerender=lambda _status: (render_template(page, form=form, email=pending.email),
                                  INVALID_FORM),
    )


@bp.route("/login", methods=["GET", "POST"])
@rate_limited("RATELIMIT_SIGN_IN", deduct_when=_not_a_redirect)
def login() -> ResponseReturnValue:
    if current_account(required=False) is not None:
        return redirect(safe_next(url_for("main.home")))
    form = forms.LoginForm()
    if not form.is_submitted():
        return render_template("auth/login.html", form=form)

    def sign_in() -> User:
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.SignInRefused as refusal:
            # The failed attempt counts (towards a pause) although the sign-in is refused.
            db.session.commit()
            if isinstance(refusal, services.SignInPaused):
                _tell_when_to_retry(refusal.retry_after)
            raise
        login_user(user, remember=form.remember.data)
        return user

    return run_decision(
        form,
        sign_in,
        success=lambda user: _in_language(
            user.locale, _l("Welcome back, %(name)s.", name=user.display_name)
        ),
        done=url_for("main.home"),
        # A pause answers 429 (with Retry-After), any other refusal 422.
        rerender=lambda status: (render_template("auth/login.html", form=form),
                                 status if status == 429 else INVALID_FORM),
    )


def _tell_when_to_retry(seconds: int) -> None:
    @after_this_request
    def retry_after(response: Response) -> Response:
        response.headers["Retry-After"] = str(seconds)
        return response


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """POST only, and CSRF-protected like every other POST."""
    if current_account(required=False) is not None:
        logout_user()
        flash(_("You have signed out."), "info")
    return redirect(url_for("main.home"))


# --- profile -------------------------------------------------------------------------------


def _profile_page(
    profile_form: forms.ProfileForm | None = None,
    password_form: forms.PasswordChangeForm | None = None,
    delete_form: forms.DeleteAccountForm | None = None,
    status: int = 200,
) -> Rendered:
    """The profile page with its three forms; the one just sent keeps what was typed."""
    user = current_account()
    return render_template(
        "auth/profile.html",
        user=user,
        profile_form=profile_form or forms.ProfileForm(formdata=None, obj=user),
        password_form=password_form or forms.PasswordChangeForm(formdata=None),
        delete_form=delete_form or forms.DeleteAccountForm(formdata=None),
    ), status


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> ResponseReturnValue:
    if request.method == "GET":
        return _profile_page()
    user = current_account()
    form = forms.ProfileForm()

    def save() -> None:
        services.update_profile(user, display_name=form.display_name.data,
                                locale=form.locale.data, notify=form.notify.data)
        session["lang"] = user.locale  # stays after signing out, too

    return run_decision(
        form,
        save,
        success=lambda _saved: _in_language(user.locale, _l("Your profile is saved.")),
        done=url_for("auth.profile"),
        rerender=lambda _status: _profile_page(profile_form=form, status=INVALID_FORM),
    )


@bp.post("/password")
@login_required
def change_password() -> ResponseReturnValue:
    user = current_account()
    form = forms.PasswordChangeForm(account_email=user.email)

    def change() -> None:
        services.change_password(user, current_password=form.current_password.data,
                                 new_password=form.new_password.data)
        keep_this_session(user)  # this session stays; others are signed out

    return run_decision(
        form,
        change,
        success=_("Your password is changed."),
        done=url_for("auth.profile"),
        rerender=lambda _status: _profile_page(password_form=form, status=INVALID_FORM),
    )


@bp.post("/delete")
@login_required
def delete_account() -> ResponseReturnValue:
    user = current_account()
    form = forms.DeleteAccountForm()

    def delete_and_sign_out() -> None:
        services.delete_account(user, password=form.password.data)
        logout_user()

    return run_decision(
        form,
        delete_and_sign_out,
        success=_("Your account is deleted. Your ideas and comments stay, without your name."),
        done=url_for("main.home"),
        rerender=lambda _status: _profile_page(delete_form=form, status=INVALID_FORM),
    )


# --- password reset ------------------------------------------------------------------------


@bp.route("/reset", methods=["GET", "POST"])
@rate_limited("RATELIMIT_PASSWORD_RESET")
def reset_request() -> ResponseReturnValue:
    form = forms.ResetRequestForm()
    if not form.is_submitted():
        return render_template("auth/reset_request.html", form=form)
    return run_decision(
        form,
        lambda: services.request_password_reset(form.email.data),
        # The same answer whether or not the address has an account.
        success=_("If an account uses this address, we have sent it a link to choose a new "
                  "password. Please check your mail."),
        done=url_for("auth.login"),
        rerender=_shown_again("auth/reset_request.html", form),
    )


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    try:
        user = services.user_for_reset_token(token)
    except DomainError as error:
        # A link, not a form: nothing to show again, so the way to ask for a new one.
        flash(str(error), "error")
        return redirect(url_for("auth.reset_request"))
    form = forms.ResetPasswordForm(account_email=user.email)
    if not form.is_submitted():
        return render_template("auth/reset_password.html", form=form)
    return run_decision(
        form,
        lambda: services.reset_password(token, form.password.data),
        success=_("Your new password is set. You can sign in with it now."),
        done=url_for("auth.login"),
        rerender=_shown_again("auth/reset_password.html", form),
    )
