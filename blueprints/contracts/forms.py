"""Forms of the buurtcontract. Values of an indicator are typed as text and read exactly."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from samenhang.blueprints.forms import IMAGE_TYPES, ParsedField, SiteForm
from samenhang.contracts.models import GoalStatus, Party, PartyKind, ReviewOutcome, Unit
from samenhang.contracts.units import parse_value
from samenhang.initiatives.models import Theme

_required = InputRequired(message=_l("Please fill this in."))
_date = InputRequired(message=_l("Choose a date."))


class ValueField(ParsedField):
    """A value of an indicator typed as text ("12,5"); `data` is an exact Decimal."""

    empty_message = _l("Please fill in a value.")

    def parse(self, text: str) -> Decimal:
        return parse_value(text)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


def party_choices(parties: Sequence[Party]) -> list[SelectChoice]:
    return [SelectChoice(p.id, p.name) for p in parties]


class StartForm(SiteForm):
    year = IntegerField(
        _l("Year"),
        validators=[_required, NumberRange(min=2000, max=2100)],
        render_kw={"inputmode": "numeric"},
    )


class PreambleForm(SiteForm):
    preamble = TextAreaField(
        _l("Preamble"),
        validators=[Optional(), Length(max=6000)],
        description=_l("Why the parties make this contract, in plain words."),
    )


class PartyForm(SiteForm):
    kind = SelectField(_l("Kind of party"), choices=PartyKind.choices())
    name = StringField(
        lazy_pgettext("organisation", "Name"),
        validators=[_required, Length(max=120)],
        description=_l("For example: Woonbedrijf, Wijkteam, Basisschool De Boog."),
    )
    representatives = TextAreaField(
        _l("Representatives"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Who speaks for this party: names and roles, as they want them shown."),
    )


class RepresentativesForm(SiteForm):
    representatives = TextAreaField(
        _l("Representatives"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Who speaks for this party: names and roles, as they want them shown."),
    )


class GoalForm(SiteForm):
    title = StringField(_l("Goal"), validators=[_required, Length(max=200)])
    theme = SelectField(_l("Theme"), choices=Theme.choices())
    description = TextAreaField(_l("Explanation"), validators=[Optional(), Length(max=4000)])
    indicator = StringField(
        _l("Indicator: what is measured"),
        validators=[_required, Length(max=200)],
        description=_l("For example: residents who feel safe in the evening."),
    )
    unit = SelectField(_l("Unit"), choices=Unit.choices())
    source = StringField(
        _l("Source of the figures"),
        validators=[_required, Length(max=200)],
        description=_l("For example: Veiligheidsmonitor, own count."),
    )
    baseline = ValueField(_l("Baseline: the value now"))
    target = ValueField(_l("Target"))
    deadline = DateField(_l("Deadline"), validators=[_date])
    owner = SelectField(_l("Owner: which party is responsible"), coerce=int)


class CommitmentForm(SiteForm):
    party = SelectField(_l("Who"), coerce=int)
    description = TextAreaField(_l("Does what"), validators=[_required, Length(max=4000)])
    due_on = DateField(_l("By when"), validators=[_date])


class PublishForm(SiteForm):
    comments_close_on = DateField(
        _l("Residents can comment until"),
        validators=[_date],
        description=_l("At least two weeks from today."),
    )


class CommentForm(SiteForm):
    body = TextAreaField(_l("Your comment on the draft"), validators=[_required, Length(max=2000)])


class AmendForm(SiteForm):
    reason = TextAreaField(
        _l("Why amend the contract?"),
        validators=[_required, Length(max=4000)],
        description=_l("This reason is public and shown with the new version."),
    )


class SignForm(SiteForm):
    confirm = BooleanField(
        _l("I have read this text and sign it on behalf of this party."),
        validators=[DataRequired(message=_l("Tick the box to sign."))],
    )


class EmailForm(SiteForm):
    email = EmailField(
        _l("E-mail address of their account"),
        validators=[_required, Length(max=254)],
        render_kw={"autocomplete": "off"},
    )


class ProgressForm(SiteForm):
    value = ValueField(_l("Measured value"))
    unit = SelectField(_l("Unit"), choices=Unit.choices())
    measured_on = DateField(_l("Measured on"), validators=[_date])
    note = TextAreaField(_l("What was done"), validators=[Optional(), Length(max=4000)])
    evidence_url = StringField(
        _l("Link to evidence"),
        validators=[Optional(), Length(max=500)],
        description=_l("Optional: a report or figures online, starting with https://"),
        render_kw={"inputmode": "url"},
    )
    photo = FileField(
        _l("Photo"),
        description=_l("Optional. A JPEG, PNG or WebP photo, at most 8 MB."),
        render_kw=IMAGE_TYPES,
    )


class StatusForm(SiteForm):
    status = SelectField(_l("Status"), choices=GoalStatus.choices())
    reason = TextAreaField(
        _l("Public explanation"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Required when the goal is dropped."),
    )


class QuestionForm(SiteForm):
    body = TextAreaField(_l("Your question or comment"), validators=[_required, Length(max=2000)])


class AnswerForm(SiteForm):
    answer = TextAreaField(_l("Answer"), validators=[_required, Length(max=2000)])


class ReviewForm(SiteForm):
    outcome = SelectField(_l("Result"), choices=ReviewOutcome.choices())
    final_value = ValueField(_l("Value at the end of the year"), required=False)
    summary = TextAreaField(_l("How did the year go?"), validators=[_required, Length(max=4000)])


class DoneForm(SiteForm):
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class LinkForm(SiteForm):
    target = SelectField(_l("What serves this goal"), validators=[_required])
