"""Forms of the ideas pages. Labels are lazy (translated when shown)."""

from __future__ import annotations

from typing import IO, Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from myalmaty.core.forms import AppForm, version_field
from myalmaty.core.numbers import bounded_number
from myalmaty.domain.ideas import ReportReason
from myalmaty.domain.reference import Category, Quarter
from myalmaty.ideas.engagement import COMMENT_LENGTH, REPORT_NOTE_LENGTH
from myalmaty.ideas.location import QUARTER_AUTO, QUARTER_NONE, parse_coordinate
from myalmaty.ideas.services import (
    DESCRIPTION_LENGTH,
    FIRST_STEP_LENGTH,
    TITLE_LENGTH,
    IdeaDetails,
)


def _coordinate(form: AppForm, field: StringField) -> None:
    try:
        parse_coordinate(field.data)
    except ValueError:
        raise ValidationError(_l("Enter a number, such as 43.2383.")) from None


class IdeaForm(AppForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(*TITLE_LENGTH)],
        render_kw={"maxlength": TITLE_LENGTH[1], "autocomplete": "off"},
    )
    description = TextAreaField(
        _l("What is the idea?"),
        validators=[DataRequired(), Length(*DESCRIPTION_LENGTH)],
        render_kw={"maxlength": DESCRIPTION_LENGTH[1], "rows": 6},
    )
    first_step = TextAreaField(
        _l("The first small step"),
        validators=[DataRequired(), Length(*FIRST_STEP_LENGTH)],
        render_kw={"maxlength": FIRST_STEP_LENGTH[1], "rows": 3},
    )
    category = SelectField(_l("Category"), validators=[InputRequired()], choices=[])
    lat = StringField(
        _l("Latitude"), validators=[_coordinate],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "placeholder": "43.2383"},
    )
    lon = StringField(
        _l("Longitude"), validators=[_coordinate],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "placeholder": "76.9456"},
    )
    quarter = SelectField(_l("Creative quarter"), choices=[], default=QUARTER_AUTO)
    photo = FileField(_l("Photo (optional)"), render_kw={
        "accept": "image/jpeg,image/png,image/webp"})

    def set_choices(self, categories: list[Category], quarters: list[Quarter]) -> None:
        self.category.choices = [("", _l("Choose…"))] + [(str(c.id), c.name) for c in categories]
        self.quarter.choices = [
            (QUARTER_AUTO, _l("Find it from the point")),
            (QUARTER_NONE, _l("Not in a creative quarter")),
        ] + [(str(q.id), q.name) for q in quarters]

    def validate_category(self, field: SelectField) -> None:
        if bounded_number(field.data) is None:
            raise ValidationError(_l("Choose a category from the list."))

    def details(self) -> IdeaDetails:
        return IdeaDetails(
            title=self.title.data or "",
            description=self.description.data or "",
            first_step=self.first_step.data or "",
            category_id=int(self.category.data),
            lat=parse_coordinate(self.lat.data),
            lon=parse_coordinate(self.lon.data),
            quarter_choice=self.quarter.data or QUARTER_AUTO,
        )

    @property
    def photo_upload(self) -> IO[bytes] | None:
        """The uploaded file's bytes, when a file was chosen (an empty file input sends none)."""
        data = self.photo.data
        return data.stream if isinstance(data, FileStorage) and data.filename else None


class EditIdeaForm(IdeaForm):
    version = version_field(required=False)
    remove_photo = BooleanField(_l("Remove the photo"))

    @property
    def version_number(self) -> int | None:
        return self.version.data


class ActionForm(AppForm):
    """A button that changes something: only the CSRF token (and the idea's version)."""

    version = version_field(required=False)

    @property
    def version_number(self) -> int | None:
        return self.version.data


class SupportForm(AppForm):
    action = HiddenField(validators=[InputRequired()])

    def validate_action(self, field: HiddenField) -> None:
        if field.data not in ("support", "withdraw"):
            raise ValidationError(_l("Unknown action."))


class CommentForm(AppForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(), Length(*COMMENT_LENGTH)],
        render_kw={"maxlength": COMMENT_LENGTH[1], "rows": 4},
    )


class ReportForm(AppForm):
    reason = RadioField(
        _l("What is wrong?"), validators=[InputRequired(_l("Choose a reason."))], choices=[]
    )
    note = TextAreaField(
        _l("Anything moderators should know (optional)"),
        validators=[Optional(), Length(max=REPORT_NOTE_LENGTH)],
        render_kw={"maxlength": REPORT_NOTE_LENGTH, "rows": 3},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason.choices = ReportReason.choices()
