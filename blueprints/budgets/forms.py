from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from samenhang.blueprints.forms import MoneyField, SiteForm
from samenhang.budgets.models import Source
from samenhang.initiatives.models import Theme

_required = InputRequired(message=_l("Please fill this in."))


def _reason_field() -> TextAreaField:
    return TextAreaField(
        _l("Reason for the correction"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Needed once the buurtbegroting is published. Everyone can read it."),
    )


class NewBudgetForm(SiteForm):
    year = IntegerField(
        _l("Year"),
        validators=[_required, NumberRange(min=2000, max=2100)],
        render_kw={"inputmode": "numeric"},
    )


class IntroForm(SiteForm):
    intro = TextAreaField(
        _l("Introduction"),
        validators=[Optional(), Length(max=4000)],
        description=_l("A few plain sentences above the figures: what is in it, what is not."),
    )
    reason = _reason_field()


class ReasonForm(SiteForm):
    reason = _reason_field()


class UploadForm(SiteForm):
    file = FileField(
        _l("File with budget lines"),
        validators=[FileRequired(message=_l("Choose a CSV or an Excel (.xlsx) file."))],
        description=_l("CSV or Excel (.xlsx) in the template, at most 2 MB."),
        render_kw={"accept": ".csv,.xlsx"},
    )


class LineForm(SiteForm):
    title = StringField(_l("What the money is for"), validators=[_required, Length(max=200)])
    description = TextAreaField(_l("Explanation"), validators=[Optional(), Length(max=4000)])
    theme = SelectField(_l("Theme"), choices=Theme.choices())
    source = SelectField(_l("Where does the money come from?"), choices=Source.choices())
    source_name = StringField(
        _l("Name of the source"),
        validators=[_required, Length(max=200)],
        description=_l("For example: Gemeente Groningen, Lefier, Oranje Fonds."),
    )
    planned = MoneyField(_l("Planned"), required=False)
    actual = MoneyField(
        _l("Spent"),
        required=False,
        note=_l("Leave it empty while it is not known."),
    )
    initiative = IntegerField(
        _l("Number of the initiative it pays for"),
        validators=[Optional(), NumberRange(min=1)],
        render_kw={"inputmode": "numeric"},
    )
    campaign = IntegerField(
        _l("Number of the campaign it pays for"),
        validators=[Optional(), NumberRange(min=1)],
        render_kw={"inputmode": "numeric"},
    )
    goal = SelectField(
        _l("Buurtcontract goal it serves"),
        choices=[],
        validators=[Optional()],
        default="",
        description=_l("Goals of the buurtcontract of this wijk. The goal's page lists this line."),
    )
    is_public_task = BooleanField(
        _l("A public task residents may challenge with a better or cheaper offer")
    )
    reason = _reason_field()


class ChallengeForm(SiteForm):
    proposal = TextAreaField(
        _l("What would you do, and how?"),
        validators=[_required, Length(max=4000)],
        description=_l("Everyone can read your offer, with your name."),
    )
    amount = MoneyField(_l("For how much?"))
    partners = TextAreaField(
        _l("With whom?"),
        validators=[_required, Length(max=4000)],
        description=_l("Your group, social enterprise or partners."),
    )


class AnswerForm(SiteForm):
    decision = RadioField(
        _l("Your answer"),
        choices=[
            SelectChoice("accept", _l("Accept: the offer becomes an initiative")),
            SelectChoice("decline", _l("Do not accept")),
        ],
        validators=[InputRequired(message=_l("Choose an answer."))],
    )
    answer = TextAreaField(
        _l("Explanation"),
        validators=[_required, Length(max=4000)],
        description=_l("Public: explain why, in plain words."),
    )
