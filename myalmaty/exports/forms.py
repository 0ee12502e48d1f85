"""The export page's form: read from the query string (downloads are GET), validated by the
same `parse_filters` as the command line, so both refuse the same values the same way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField

from myalmaty.core.forms import AppForm
from myalmaty.core.i18n import LANGUAGE_NAMES, LANGUAGES
from myalmaty.domain.ideas import IdeaStage
from myalmaty.exports.filters import ExportFilters, InvalidFilters, parse_filters
from myalmaty.exports.queries import choices_for_export_form
from myalmaty.exports.services import ExportFormat, Separator, option_errors


@dataclass(frozen=True)
class ExportRequest:
    fmt: ExportFormat
    filters: ExportFilters
    locale: str
    separator: Separator | None


class ExportForm(AppForm):
    class Meta:
        csrf = False  # a GET download changes nothing; organiser_required guards it

    format = SelectField(_l("Format"), default=ExportFormat.CSV.value)
    forum = SelectField(_l("Forum agenda"), default="")
    quarter = SelectField(_l("Quarter"), default="")
    category = SelectField(_l("Category"), default="")
    group = SelectField(_l("Theme"), default="")
    recommendation = SelectField(_l("Recommendation"), default="")
    stage = SelectField(_l("Stage"), default="")
    since = StringField(_l("Published from"), render_kw={"type": "date"})
    until = StringField(_l("Published until"), render_kw={"type": "date"})
    # Set by the map (static/js/export-selection.js); typed by hand it takes the same forms.
    area = StringField(_l("Area selected on the map"))
    # Not `lang`: that query parameter switches the whole site's language (core/i18n.py).
    language = SelectField(_l("Language of the file"))
    separator = SelectField(_l("CSV separator"), default="")

    @classmethod
    def from_args(cls, args: Mapping[str, str], default_locale: str) -> ExportForm:
        form = cls(formdata=args or None, language=default_locale)
        form._set_choices()
        return form

    def _set_choices(self) -> None:
        choices = choices_for_export_form()
        anything = ("", _("Any"))
        self.format.choices = ExportFormat.choices()
        self.forum.choices = [anything] + [
            (str(f.id), f"{f.title} ({f.held_on:%d.%m.%Y})") for f in choices["forums"]
        ]
        self.quarter.choices = [anything] + [(q.slug, q.name) for q in choices["quarters"]]
        self.category.choices = [anything] + [(c.slug, c.name) for c in choices["categories"]]
        self.group.choices = [anything] + [(str(g.id), g.title) for g in choices["groups"]]
        self.recommendation.choices = [anything] + [
            (str(r.id), f"{r.title} ({r.forum.held_on:%Y})") for r in choices["recommendations"]
        ]
        self.stage.choices = [anything] + IdeaStage.choices()
        self.language.choices = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
        self.separator.choices = [
            ("", _("By the file's language: semicolons for Russian and Kazakh, commas for English")),
            *Separator.choices(),
        ]

    def export_request(self) -> ExportRequest:
        """What to export, or InvalidFilters naming each wrong field (and what was typed)."""
        errors: dict[str, str] = {}
        fmt = None
        try:
            fmt = ExportFormat(self.format.data)
        except ValueError:
            errors["format"] = _("Choose one of the formats in the list.")
        if self.language.data not in LANGUAGES:
            errors["language"] = _("Choose Russian, Kazakh or English for the export.")
        separator = None
        if self.separator.data:
            try:
                separator = Separator(self.separator.data)
            except ValueError:
                errors["separator"] = _("Choose one of the separators in the list.")
        errors.update(option_errors(fmt, separator))
        try:
            filters = parse_filters({name: getattr(self, name).data for name in (
                "forum", "quarter", "category", "group", "recommendation", "stage", "since", "until",
                "area",
            )})
        except InvalidFilters as error:
            errors.update(error.errors)
            filters = None
        if fmt is ExportFormat.PACK and filters is not None and filters.forum_id is None:
            errors["forum"] = _("A discussion pack is made for one forum: choose the forum.")
        if errors or fmt is None or filters is None:
            raise InvalidFilters(errors)
        return ExportRequest(fmt, filters, self.language.data, separator)

    def show_errors(self, errors: Mapping[str, str]) -> None:
        for name, message in errors.items():
            getattr(self, name).errors = [message]
