"""Forms of the organisers' pages. Every message is translated; what was typed is kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from myalmaty.core.forms import AppForm, WholeNumberField, within_years
from myalmaty.core.permissions import ROLE_ORDER, Role
from myalmaty.organise.quarter_services import BOUNDARY_MAX_BYTES, QuarterDetails
from myalmaty.organise.services import (
    CategoryDetails,
    Direction,
    ForumDetails,
    RecommendationDetails,
)

if TYPE_CHECKING:
    from myalmaty.domain.themes import IdeaGroup

# Pasted boundary text is capped below a file's 2 MB: browsers send this form as multipart, and
# Flask refuses a multipart text part over its MAX_FORM_MEMORY_SIZE (500 kB by default) before
# the form sees it. The form applies the same cap to any other encoding, so both say one thing.
BOUNDARY_MAX_TEXT_BYTES = 500_000
BOUNDARY_TOO_LARGE = _l(
    "This is too large for a boundary: upload a file of up to %(file)s MB, or paste at most "
    "%(text)s KB of text. Nothing was saved.",
    file=BOUNDARY_MAX_BYTES // 2**20, text=BOUNDARY_MAX_TEXT_BYTES // 1000,
)

# A WTForms validator: called with the form and the field, raises ValidationError.
Validator = Callable[[Any, Any], None]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MESSAGE = _l("Use small Latin letters, digits and hyphens, e.g. kok-tobe.")


def _text(
    label: str, message: str, max_length: int, area: bool = False, required: bool = True
) -> UnboundField:
    field_class = TextAreaField if area else StringField
    # DataRequired looks at the stripped value: spaces alone are not a title.
    checks = [DataRequired(message)] if required else [Optional()]
    checks.append(Length(max=max_length, message=_l("At most %(max)d characters.")))
    return field_class(label, checks)


class ActionForm(AppForm):
    """A button that changes something: nothing but the CSRF token."""


class MoveForm(AppForm):
    direction = SelectField(choices=[SelectChoice("up", _l("Up")), SelectChoice("down", _l("Down"))])

    def chosen_direction(self) -> Direction:
        return "up" if self.direction.data == "up" else "down"


class ForumForm(AppForm):
    title_ru = _text(_l("Title in Russian"), _l("Enter the title in Russian."), 200)
    title_kk = _text(_l("Title in Kazakh"), _l("Enter the title in Kazakh."), 200)
    title_en = _text(_l("Title in English"), _l("Enter the title in English."), 200)
    held_on = DateField(
        _l("Date of the forum"),
        [InputRequired(_l("Enter the date of the forum.")), within_years],
        format="%Y-%m-%d",
    )
    venue_ru = _text(_l("Venue in Russian"), "", 200, required=False)
    venue_kk = _text(_l("Venue in Kazakh"), "", 200, required=False)
    venue_en = _text(_l("Venue in English"), "", 200, required=False)
    submit = SubmitField(_l("Save"))

    def details(self) -> ForumDetails:
        held_on: dt.date = self.held_on.data
        return ForumDetails(
            title_ru=self.title_ru.data, title_kk=self.title_kk.data, title_en=self.title_en.data,
            held_on=held_on,
            venue_ru=self.venue_ru.data or "", venue_kk=self.venue_kk.data or "",
            venue_en=self.venue_en.data or "",
        )


class RecommendationForm(AppForm):
    title_ru = _text(_l("Title in Russian"), _l("Enter the title in Russian."), 200)
    title_kk = _text(_l("Title in Kazakh"), _l("Enter the title in Kazakh."), 200)
    title_en = _text(_l("Title in English"), _l("Enter the title in English."), 200)
    text_ru = _text(_l("Text in Russian"), _l("Enter the text in Russian."), 5000, area=True)
    text_kk = _text(_l("Text in Kazakh"), _l("Enter the text in Kazakh."), 5000, area=True)
    text_en = _text(_l("Text in English"), _l("Enter the text in English."), 5000, area=True)
    submit = SubmitField(_l("Save"))

    def details(self) -> RecommendationDetails:
        return RecommendationDetails(
            title_ru=self.title_ru.data, title_kk=self.title_kk.data, title_en=self.title_en.data,
            text_ru=self.text_ru.data, text_kk=self.text_kk.data, text_en=self.text_en.data,
        )


class CategoryForm(AppForm):
    slug = StringField(
        _l("Short name for addresses"),
        [DataRequired(_l("Enter a short name.")), Length(max=40), Regexp(SLUG_PATTERN, message=SLUG_MESSAGE)],
        filters=[lambda v: v.lower() if isinstance(v, str) else v],
    )
    name_ru = _text(_l("Name in Russian"), _l("Enter the name in Russian."), 80)
    name_kk = _text(_l("Name in Kazakh"), _l("Enter the name in Kazakh."), 80)
    name_en = _text(_l("Name in English"), _l("Enter the name in English."), 80)
    position = WholeNumberField(
        _l("Position in lists"),
        [InputRequired(_l("Enter a whole number."))],
        minimum=0, maximum=10000, message=_l("Enter a number from 0 to 10000."),
        default=0,
    )
    submit = SubmitField(_l("Save"))

    def details(self) -> CategoryDetails:
        return CategoryDetails(
            slug=self.slug.data, name_ru=self.name_ru.data, name_kk=self.name_kk.data,
            name_en=self.name_en.data, position=self.position.data or 0,
        )


class QuarterForm(AppForm):
    """Names, description and boundary; the boundary comes as a file or as pasted text.

    An uploaded file's text is moved into the text box, so that after a preview or an error
    the organiser sees (and keeps) what they sent.
    """

    slug = StringField(
        _l("Short name for addresses"),
        [DataRequired(_l("Enter a short name.")), Length(max=60), Regexp(SLUG_PATTERN, message=SLUG_MESSAGE)],
        filters=[lambda v: v.lower() if isinstance(v, str) else v],
    )
    name_ru = _text(_l("Name in Russian"), _l("Enter the name in Russian."), 120)
    name_kk = _text(_l("Name in Kazakh"), _l("Enter the name in Kazakh."), 120)
    name_en = _text(_l("Name in English"), _l("Enter the name in English."), 120)
    description_ru = _text(_l("Description in Russian"), "", 5000, area=True, required=False)
    description_kk = _text(_l("Description in Kazakh"), "", 5000, area=True, required=False)
    description_en = _text(_l("Description in English"), "", 5000, area=True, required=False)
    boundary_file = FileField(
        _l("Boundary file (.geojson)"),
        [FileAllowed(["geojson", "json"], _l("Choose a .geojson or .json file."))],
    )
    boundary = TextAreaField(_l("Or paste the boundary as GeoJSON"))
    preview = SubmitField(_l("Check and preview"))
    submit = SubmitField(_l("Save"))

    def validate_boundary_file(self, field: FileField) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        raw = upload.stream.read(BOUNDARY_MAX_BYTES + 1)
        if len(raw) > BOUNDARY_MAX_BYTES:
            raise ValidationError(
                _l("The file is larger than %(size)s MB.", size=BOUNDARY_MAX_BYTES // 2**20)
            )
        try:
            self.boundary.data = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                _l("The file is not UTF-8 text; save it as GeoJSON and try again.")
            ) from error

    def validate_boundary(self, field: TextAreaField) -> None:
        # What was pasted, not an uploaded file's text (which `validate_boundary_file` put in data).
        pasted = field.raw_data[0] if field.raw_data else ""
        if isinstance(pasted, str) and len(pasted.encode("utf-8")) > BOUNDARY_MAX_TEXT_BYTES:
            field.data = ""  # not sent back: the page would carry all of it again
            raise ValidationError(BOUNDARY_TOO_LARGE)

    def details(self) -> QuarterDetails:
        return QuarterDetails(
            slug=self.slug.data, name_ru=self.name_ru.data, name_kk=self.name_kk.data,
            name_en=self.name_en.data, description_ru=self.description_ru.data or "",
            description_kk=self.description_kk.data or "", description_en=self.description_en.data or "",
        )


class AgendaForm(AppForm):
    """Add to the agenda: a group from the list, or an idea by its number."""

    @staticmethod
    def group_choices(groups: Sequence[IdeaGroup], none_label: str = "") -> list[SelectChoice]:
        return [SelectChoice(0, none_label)] + [SelectChoice(g.id, g.title) for g in groups]

    group_id = SelectField(_l("Theme"), coerce=int, validate_choice=True)
    idea_reference = StringField(
        _l("Or the number of a published idea"), [Optional(), Length(max=20)]
    )
    note = TextAreaField(_l("Note for the discussion"), [Optional(), Length(max=2000)])
    submit = SubmitField(_l("Add to the agenda"))

    def validate(self, extra_validators: Mapping[str, Sequence[Validator]] | None = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if bool(self.group_id.data) == bool(self.idea_reference.data):
            self.idea_reference.errors.append(_l("Choose a theme or give an idea's number (one of the two)."))
            return False
        return True


class AgendaSuggestionForm(AppForm):
    """One click from the list of ideas linked to the forum's recommendations."""

    idea_id = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,12}$")])


class ClockField(TimeField):
    """A time of day typed as HH:MM; anything else is this field's error in the reader's
    language (WTForms' own message is not translated into Kazakh)."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, format="%H:%M", **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a time as hours and minutes, e.g. 10:30.")) from error


class AgendaNoteForm(AppForm):
    starts_at = ClockField(_l("Time on the agenda"), [Optional()])
    note = TextAreaField(
        _l("Note for the discussion"),
        [Optional(), Length(max=2000, message=_l("The note is too long (at most 2000 characters)."))],
    )
    submit = SubmitField(_l("Save the note"))


class UserSearchForm(AppForm):
    """The filters of the users list (a GET form, so without a CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail"), [Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=[], default="", validate_choice=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice("", _l("All roles"))] + [
            SelectChoice(r.value, r.label) for r in ROLE_ORDER
        ]

    def chosen_role(self) -> Role | None:
        return Role(self.role.data) if self.role.data else None


class RoleForm(AppForm):
    role = SelectField(_l("Role"), choices=[])
    confirm = BooleanField(_l("Yes, I understand that I will lose access to the organisers' pages."))
    submit = SubmitField(_l("Change the role"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(r.value, r.label) for r in ROLE_ORDER]


class ActiveForm(AppForm):
    active = HiddenField(validators=[InputRequired(), Regexp(r"^(yes|no)$")])
    confirm = BooleanField(_l("Yes, I understand that I will no longer be able to sign in."))


class OfflineImportForm(AppForm):
    """A filled template of ideas collected at a forum, and what to do with refused rows."""

    forum = SelectField(_l("Forum the ideas were collected at"), validators=[DataRequired()],
                        choices=[])
    file = FileField(_l("Filled template (.xlsx)"),
                     [FileAllowed(["xlsx"], _l("Choose the .xlsx template, filled in."))])
    skip_errors = BooleanField(_l("Import the correct rows and skip the refused ones"))
    submit = SubmitField(_l("Check and import"))
