"""Moderators' forms. Every decision form carries the `version` of the idea or theme as the
moderator saw it, so that a decision on something changed since is refused (Conflict)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
    SelectField,
    SelectMultipleField,
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

from myalmaty.core.forms import OUT_OF_DATE, AppForm, DayField, WholeNumberField, version_field
from myalmaty.core.numbers import bounded_number
from myalmaty.domain.decisions import ACTION_LABELS
from myalmaty.domain.ideas import IdeaStage, RejectionReason
from myalmaty.moderation.services.bulk import BulkAction


def optional_int(value: Any) -> int | None:
    """A select's id, or None for its blank choice; ValueError (the select's error) otherwise."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int):
        return value
    number = bounded_number(str(value))
    if number is None:
        raise ValueError(value)
    return number


def optional_enum(enum: type) -> Callable[[Any], Any]:
    def coerce(value: Any) -> Any:
        if value in (None, ""):
            return None
        return value if isinstance(value, enum) else enum(value)

    return coerce


def with_blank(label: Any, choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", label), *choices]


class VersionedForm(AppForm):
    version = version_field()


class PlainForm(AppForm):
    """A button: only the CSRF token."""


class PublishForm(VersionedForm):
    pass


class RejectForm(VersionedForm):
    reason = SelectField(
        _l("Reason"),
        coerce=optional_enum(RejectionReason),
        validators=[InputRequired(message=_l("Choose a reason for rejecting."))],
    )
    note = TextAreaField(_l("A note for the author"), validators=[Length(max=2000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason.choices = with_blank(_l("Choose a reason"), RejectionReason.choices())


class EditForm(VersionedForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=140)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=5000)])
    first_step = TextAreaField(_l("First small step"), validators=[DataRequired(), Length(max=2000)])
    category = SelectField(_l("Category"), coerce=optional_int,
                           validators=[InputRequired(message=_l("Choose a category."))])
    quarter = SelectField(_l("Quarter"), coerce=optional_int, validators=[Optional()])
    note = TextAreaField(_l("What you corrected (the author sees this)"),
                         validators=[Length(max=2000)])


class DuplicateForm(VersionedForm):
    original = WholeNumberField(
        _l("Number of the original idea"),
        validators=[InputRequired(message=_l("Give the number of the original idea."))],
    )
    note = TextAreaField(_l("A note for the author"), validators=[Length(max=2000)])


class UndoForm(VersionedForm):
    pass


class AnswerForm(VersionedForm):
    stage = SelectField(_l("Stage"), coerce=optional_enum(IdeaStage),
                        validators=[InputRequired(message=_l("Choose a stage."))])
    answer = TextAreaField(_l("Public answer"), validators=[Length(max=4000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage.choices = IdeaStage.choices()


class GroupChoiceForm(VersionedForm):
    group = SelectField(_l("Theme"), coerce=optional_int,
                        validators=[InputRequired(message=_l("Choose a theme."))])
    move = BooleanField(_l("Move it from its current theme, if it is in one"))


class LinkForm(VersionedForm):
    recommendation = SelectField(
        _l("Recommendation"), coerce=optional_int,
        validators=[InputRequired(message=_l("Choose a recommendation."))],
    )
    rationale = TextAreaField(_l("Why it answers this recommendation"),
                              validators=[Length(max=1000)])


class HideForm(VersionedForm):
    reason = TextAreaField(
        _l("Why it is hidden (the author sees this)"),
        validators=[DataRequired(message=_l("Say why: its author will read it.")),
                    Length(max=2000)],
    )


class RestoreForm(VersionedForm):
    note = TextAreaField(_l("A note for the author"), validators=[Length(max=2000)])


class GroupForm(AppForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=160)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=4000)])


class GroupEditForm(GroupForm):
    version = version_field()


class GroupAddIdeaForm(AppForm):
    idea = WholeNumberField(_l("Idea number"),
                            validators=[InputRequired(message=_l("Give the idea's number."))])
    idea_version = version_field(required=False)
    move = BooleanField(_l("Move it from its current theme, if it is in one"))


class DissolveForm(VersionedForm):
    note = TextAreaField(_l("Why (kept in the log)"), validators=[Length(max=2000)])


class CommentHideForm(AppForm):
    reason = TextAreaField(
        _l("Why it is hidden (the author sees this)"),
        validators=[DataRequired(message=_l("Say why: its author will read it.")),
                    Length(max=2000)],
    )


class DismissForm(AppForm):
    note = TextAreaField(_l("Note (kept in the log)"), validators=[Length(max=2000)])


class BulkForm(AppForm):
    """Checkbox values are "<idea id>:<version>", so each idea's version travels with it."""

    ideas = SelectMultipleField(_l("Ideas"), validate_choice=False, coerce=str)
    action = SelectField(_l("Decision"), coerce=optional_enum(BulkAction),
                         validators=[InputRequired(message=_l("Choose what to do."))])
    reason = SelectField(_l("Reason"), coerce=optional_enum(RejectionReason),
                         validators=[Optional()])
    note = TextAreaField(_l("A note for the authors"), validators=[Length(max=2000)])
    # Own ids: the filter form on the same page has fields named `group` and `stage` too.
    group = SelectField(_l("Theme"), coerce=optional_int, validators=[Optional()],
                        id="bulk-group")
    move = BooleanField(_l("Move ideas from their current theme"))
    recommendation = SelectField(_l("Recommendation"), coerce=optional_int,
                                 validators=[Optional()])
    rationale = TextAreaField(_l("Why they answer this recommendation"),
                              validators=[Length(max=1000)])
    stage = SelectField(_l("Stage"), coerce=optional_enum(IdeaStage), validators=[Optional()],
                        id="bulk-stage")

    def __init__(self, *args: Any, actions: Iterable[BulkAction] = tuple(BulkAction),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = with_blank(_l("Choose a decision"),
                                         [(a.value, a.label) for a in actions])
        self.reason.choices = with_blank(_l("Choose a reason"), RejectionReason.choices())
        self.stage.choices = with_blank(_l("Choose a stage"), IdeaStage.choices())

    def validate_ideas(self, field: SelectMultipleField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one idea."))
        for value in field.data:
            if _idea_and_version(value) is None:
                raise ValidationError(OUT_OF_DATE)

    @property
    def items(self) -> list[tuple[int, int]]:
        """(idea id, version) pairs; valid only after validation."""
        pairs = (_idea_and_version(value) for value in self.ideas.data or [])
        return [pair for pair in pairs if pair is not None]


def _idea_and_version(value: object) -> tuple[int, int] | None:
    """A checkbox's "<idea id>:<version>", both within the id bound, or None."""
    idea_id, _, version = str(value).partition(":")
    idea_number, version_number = bounded_number(idea_id), bounded_number(version)
    if idea_number is None or version_number is None:
        return None
    return idea_number, version_number


class FilterForm(AppForm):
    """The queue's and the published list's filters (GET: no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Text"), validators=[Optional(), Length(max=200)])
    quarter = SelectField(_l("Quarter"), coerce=optional_int, validators=[Optional()])
    category = SelectField(_l("Category"), coerce=optional_int, validators=[Optional()])
    stage = SelectField(_l("Stage"), coerce=optional_enum(IdeaStage), validators=[Optional()])
    group = SelectField(_l("Theme"), coerce=optional_int, validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage.choices = with_blank(_l("All stages"), IdeaStage.choices())


class LogFilterForm(AppForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = SelectField(_l("Who"), coerce=optional_int, validators=[Optional()])
    person = StringField(_l("Name contains"), validators=[Optional(), Length(max=100)])
    idea = WholeNumberField(_l("Idea number"), validators=[Optional()])
    since = DayField(_l("From"), validators=[Optional()])
    until = DayField(_l("To"), validators=[Optional()])

    def validate_until(self, field: Field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date comes before the start date."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = with_blank(
            _l("All actions"), [(key, label) for key, label in ACTION_LABELS.items()]
        )


class SuggestionThemeForm(AppForm):
    """A theme from a suggested one: its title starts as the suggestion's key words."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=160)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=4000)])
    recommendation = SelectField(_l("Link it to a recommendation (optional)"),
                                 coerce=optional_int, validators=[Optional()])
    rationale = TextAreaField(_l("Why it answers this recommendation"),
                              validators=[Length(max=1000)])


class SuggestionAddForm(AppForm):
    group = SelectField(_l("Theme"), coerce=optional_int,
                        validators=[InputRequired(message=_l("Choose a theme."))])
