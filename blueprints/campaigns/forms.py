"""The campaign forms. Every form that moves money carries an idempotency key."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from samenhang.blueprints.forms import IMAGE_TYPES, IdempotentForm, MoneyField, SiteForm
from samenhang.blueprints.forms import ReceiptForm as ReceiptForm  # one form for both areas
from samenhang.campaigns.models import CampaignDecision, FundingModel, NeedKind, Provider
from samenhang.config import LOCALES

_required = InputRequired(message=_l("Please fill this in."))


class CampaignForm(SiteForm):
    title = StringField(
        _l("Title"),
        validators=[_required, Length(max=120)],
        description=_l("Short and clear, for example: A new playground for the Korrewegplein."),
    )
    story = TextAreaField(
        _l("The story"),
        validators=[_required, Length(max=20000)],
        description=_l("What do you want to do, for whom, and why? You can use Markdown."),
        render_kw={"rows": 10},
    )
    goal = MoneyField(_l("Goal"), note=_l("The amount you need."))
    min_amount = MoneyField(_l("Smallest gift"), note=_l("Most campaigns use 5,00."))
    deadline = DateField(
        _l("Deadline"),
        validators=[_required],
        description=_l("Supporters can give until the end of this day."),
    )
    funding_model = RadioField(
        _l("If the goal is not reached"),
        choices=FundingModel.choices(),
        default=FundingModel.all_or_nothing.value,
        validators=[_required],
    )
    original_locale = SelectField(
        _l("Language you write in"),
        choices=[SelectChoice(code, name) for code, name in LOCALES.items()],
        default="nl",
    )


class DecisionForm(SiteForm):
    decision = RadioField(
        _l("Decision"), choices=CampaignDecision.choices(), validators=[_required]
    )
    reasons = TextAreaField(
        _l("Reasons"),
        validators=[Optional(), Length(max=4000)],
        description=_l("Public. Needed when you do not approve: say what should change."),
    )


class MatchForm(SiteForm):
    pot = SelectField(_l("Pot"), coerce=int, validators=[_required])
    ratio_percent = IntegerField(
        _l("Match percentage"),
        default=100,
        validators=[_required, NumberRange(min=1, max=500)],
        description=_l("100 means the pot adds one euro for every euro given."),
        render_kw={"inputmode": "numeric"},
    )
    cap = MoneyField(_l("At most"), note=_l("The most the pot adds in all."))


class GiveForm(IdempotentForm):
    amount = MoneyField(_l("Amount"))
    provider = RadioField(_l("How do you pay?"), validators=[_required])
    is_anonymous = BooleanField(_l("Give anonymously: do not show my name"))
    share_with_initiator = BooleanField(
        _l("The initiator may see my name and e-mail address, to thank me or keep me informed")
    )

    def __init__(self, providers: list[Provider], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider.choices = Provider.choices(members=providers)
        if not self.is_submitted():
            self.provider.data = providers[0].value


class PayoutForm(IdempotentForm):
    amount = MoneyField(_l("Amount"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class PhotoForm(SiteForm):
    photo = FileField(
        _l("Photo"),
        validators=[FileRequired(message=_l("Choose a photo."))],
        description=_l("JPEG, PNG or WebP, at most 8 MB. We remove the location data."),
        render_kw=IMAGE_TYPES,
    )
    alt_text = StringField(
        _l("What is on the photo?"),
        validators=[_required, Length(max=200)],
        description=_l("For people who cannot see the photo."),
    )


class TaskForm(SiteForm):
    title = StringField(
        _l("Task"),
        validators=[_required, Length(max=200)],
        description=_l("For example: paint the walls of the clubhouse."),
    )
    happens_on = DateField(_l("Date"), validators=[_required])
    capacity = IntegerField(
        _l("How many people?"),
        default=2,
        validators=[_required, NumberRange(min=1, max=500)],
        render_kw={"inputmode": "numeric"},
    )


class NeedForm(SiteForm):
    kind = RadioField(
        _l("What is wanted?"),
        choices=NeedKind.choices(),
        default=NeedKind.materials.value,
        validators=[_required],
    )
    title = StringField(
        _l("Description"),
        validators=[_required, Length(max=200)],
        description=_l("For example: ten litres of white paint, or a room for 20 people."),
    )


class OfferForm(SiteForm):
    description = StringField(_l("What do you offer?"), validators=[_required, Length(max=300)])


class UpdateForm(SiteForm):
    title = StringField(_l("Title"), validators=[_required, Length(max=200)])
    body = TextAreaField(
        _l("News for the supporters"),
        validators=[_required, Length(max=20000)],
        description=_l("It shows on the page, and every supporter gets it by e-mail."),
        render_kw={"rows": 6},
    )
