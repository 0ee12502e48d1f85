"""The base of every form, and the one field for a whole number.

`AppForm` cleans every text field the same way before anything else sees it (its own filters,
the validators, the services): `core.text.clean_line` for one line, `clean_text` for a text
area, which keeps newlines and tabs. The cleaning is added when a field is bound, so a field
cannot be forgotten and no form cleans on its own; passwords are left exactly as typed.
`tests/core/test_clean_text.py` checks that every form of the app derives from `AppForm`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from babel import support
from flask import current_app, has_request_context, request
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS, _Auto
from wtforms import DateField, Field, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import HiddenInput

from myalmaty.core.errors import DomainError
from myalmaty.core.numbers import EARLIEST_YEAR, LATEST_YEAR, MAX_ID, bounded_number, year_in_range
from myalmaty.core.text import clean_line, clean_text

OUT_OF_DATE = _l("This form is out of date: reload the page and try again.")
NOT_A_FORM = _l("This form can only be sent from its page: what arrived was not a form.")


def _text_filter(clean: Callable[[str | None], str]) -> Callable[[Any], Any]:
    def cleaned(value: Any) -> Any:
        return clean(value) if isinstance(value, str) else value

    cleaned.__name__ = clean.__name__
    return cleaned


CLEAN_LINE = _text_filter(clean_line)
CLEAN_TEXT = _text_filter(clean_text)


def cleaning_for(field_class: type[Field]) -> Callable[[Any], Any] | None:
    """The cleaning a field of this class gets: text areas keep lines, other text is one line."""
    if issubclass(field_class, PasswordField) or not issubclass(field_class, StringField):
        return None
    return CLEAN_TEXT if issubclass(field_class, TextAreaField) else CLEAN_LINE


@lru_cache(maxsize=8)
def _wtforms_messages(language: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [language], domain="wtforms")


class WtformsMessages:
    """wtforms' own messages (its validators', its fields' default labels) in the page's
    language, each language's file read once per process: Flask-WTF reads it again in every
    request that makes a form, which cost more than the rest of the forms of an idea's page."""

    def _translations(self) -> support.NullTranslations | None:
        locale = get_locale() if has_request_context() else None
        return _wtforms_messages(str(locale)) if locale is not None else None

    def gettext(self, string: str) -> str:
        translations = self._translations()
        return string if translations is None else translations.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        translations = self._translations()
        if translations is None:
            return singular if n == 1 else plural
        return translations.ungettext(singular, plural, n)


WTFORMS_MESSAGES = WtformsMessages()


class AppForm(FlaskForm):
    """A FlaskForm whose text fields are cleaned first (see the module's docstring)."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return WTFORMS_MESSAGES

        def bind_field(self, form: Any, unbound_field: UnboundField, options: dict[str, Any]) -> Field:
            clean = cleaning_for(unbound_field.field_class)
            if clean is not None:
                # Filters are always given by keyword here (a positional third argument would
                # be missed): the field's own filters run after the cleaning, on clean text.
                own = tuple(unbound_field.kwargs.get("filters", ()))
                options = {**options, "filters": (clean, *own)}
            return super().bind_field(form, unbound_field, options)

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            # Flask-WTF reads a JSON body as the form when no form data came: a list or a
            # number there is a TypeError (a 500), an object puts non-text values in text
            # fields. The app's forms are sent by its pages, so JSON is refused with a message.
            if (formdata is _Auto and request.method in SUBMIT_METHODS and request.is_json
                    and not (request.form or request.files)):
                raise DomainError(NOT_A_FORM)
            return super().wrap_formdata(form, formdata)


class WholeNumberField(IntegerField):
    """A whole number from `minimum` to `maximum`; by default an id or a version (1 … 2^31−1).

    ASCII digits only. Anything else, or a number out of range, is this field's error: it
    never reaches a query, where PostgreSQL would refuse it with a server error.
    """

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        *,
        minimum: int = 1,
        maximum: int = MAX_ID,
        message: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum, self.message = minimum, maximum, message

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        raw = valuelist[0]
        self.data = bounded_number(clean_line(raw if isinstance(raw, str) else str(raw)),
                                   self.minimum, self.maximum)
        if self.data is None:
            raise ValueError(self.message or _(
                "Enter a whole number from %(min)s to %(max)s.",
                min=format_number(self.minimum), max=format_number(self.maximum),
            ))


def version_field(required: bool = True) -> WholeNumberField:
    """The hidden version of what a form changes, as the person saw it (a stale one is refused
    by the service); `required=False` where a form without it skips the check."""
    presence = InputRequired(message=OUT_OF_DATE) if required else Optional()
    return WholeNumberField(widget=HiddenInput(), validators=[presence], message=OUT_OF_DATE)


def within_years(form: Any, field: Field) -> None:
    """A date field's validator: a day from EARLIEST_YEAR to LATEST_YEAR (see core.numbers)."""
    if field.data and not year_in_range(field.data):
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.", first=EARLIEST_YEAR, last=LATEST_YEAR)
        )


class DayField(DateField):
    """A day typed as YYYY-MM-DD, within `within_years`; anything else is this field's error in
    the reader's language (WTForms' own message is not translated into Kazakh)."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, [*(validators or ()), within_years], **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Enter a date as year-month-day, e.g. 2026-03-31.")) from error
