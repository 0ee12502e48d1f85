"""Forms of the accounts feature. The rules themselves live in services; the forms call them
so a person sees every problem beside the field, with what they typed kept."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from myalmaty.auth import services
from myalmaty.auth.passwords import MAX_PASSWORD_LENGTH
from myalmaty.core.errors import FieldError
from myalmaty.core.forms import AppForm
from myalmaty.core.i18n import LANGUAGE_NAMES, LANGUAGES

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice
    from wtforms import SelectChoice as _Choice
except ImportError:  # pragma: no cover - older WTForms
    def _Choice(value: str, label: str) -> tuple[str, str]:
        return (value, label)

# Language names are written in their own language, so they need no translation.
LANGUAGE_CHOICES = [_Choice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
NOTIFY_CHOICES = [
    _Choice("all", _l("Everything that happens to my ideas")),
    _Choice("decisions", _l("Only moderators' decisions (published, rejected, duplicate, hidden)")),
    _Choice("none", _l("Nothing")),
]
PASSWORDS_DIFFER = _l("The two passwords do not match.")


def _strength(form: AppForm, field: PasswordField) -> None:
    """The password rules of services, applied while the form is validated."""
    email = form.email.data if hasattr(form, "email") else getattr(form, "account_email", "")
    try:
        services.check_password_strength(field.data or "", email or "")
    except FieldError as error:
        raise ValidationError(str(error)) from error


class LoginForm(AppForm):
    # No format check: an address that is not valid simply has no account, and says so in
    # the same words as a wrong password.
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(),
                                                          Length(max=MAX_PASSWORD_LENGTH)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device"))


class RegisterForm(AppForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Length(max=254), Email(message=services.INVALID_EMAIL)],
        render_kw={"autocomplete": "email"},
    )
    display_name = StringField(
        _l("Your name as others will see it"),
        validators=[DataRequired(), Length(max=services.DISPLAY_NAME_MAX)],
        render_kw={"autocomplete": "nickname"},
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), _strength],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=PASSWORDS_DIFFER)],
        render_kw={"autocomplete": "new-password"},
    )
    locale = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)
    consent = BooleanField(
        _l("I agree to the processing of my personal data (e-mail address and name) for taking "
           "part in this platform, under the Law of the Republic of Kazakhstan "
           "“On personal data and their protection”."),
        validators=[DataRequired(message=services.CONSENT_REQUIRED)],
    )
    # A trap for bots: hidden from people and screen readers, so only a bot fills it in.
    website = StringField(_l("Leave this field empty"),
                          render_kw={"autocomplete": "off", "tabindex": "-1"})

    def caught_a_bot(self) -> bool:
        return bool((self.website.data or "").strip())


class FinishRegistrationForm(AppForm):
    """Opening the mailed link proves the mailbox; the password proves the person registered."""

    password = PasswordField(_l("The password you chose"),
                             validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
                             render_kw={"autocomplete": "current-password"})


class ProfileForm(AppForm):
    display_name = StringField(
        _l("Your name as others will see it"),
        validators=[DataRequired(), Length(max=services.DISPLAY_NAME_MAX)],
        render_kw={"autocomplete": "nickname"},
    )
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    # Checked by the service; a form sent without it (an older page) keeps the choice.
    notify = SelectField(_l("E-mails about my ideas"), choices=NOTIFY_CHOICES,
                         validate_choice=False)


class PasswordChangeForm(AppForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), _strength],
                                 render_kw={"autocomplete": "new-password"})
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=PASSWORDS_DIFFER)],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args: object, account_email: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.account_email = account_email


class DeleteAccountForm(AppForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})


class ResetRequestForm(AppForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "email"})


class ResetPasswordForm(AppForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), _strength],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=PASSWORDS_DIFFER)],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args: object, account_email: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.account_email = account_email
