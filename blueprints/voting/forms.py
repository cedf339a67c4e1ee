from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from samenhang.blueprints.forms import MoneyField, SiteForm
from samenhang.config import LOCALES
from samenhang.voting.models import BallotType, Eligibility, Rule
from samenhang.voting.services.rounds import (
    MAX_ELIGIBLE,
    MAX_WEIGHT,
    WEIGHT_PLACES,
    weight_rule,
)

_required = InputRequired(message=_l("Please fill this in."))


def _weight(form: Any, field: Any) -> None:
    """Finite, above 0, at most 100, at most 4 decimals ("Infinity" and "NaN" parse as
    decimals, and NaN cannot even be compared)."""
    value = field.data
    if value is None:
        return
    if (
        not isinstance(value, Decimal)
        or not value.is_finite()
        or not Decimal(0) < value <= MAX_WEIGHT
        or value != value.quantize(Decimal("0.0001"))
    ):
        raise ValidationError(weight_rule().format(maximum=int(MAX_WEIGHT), places=WEIGHT_PLACES))


class CategoryForm(Form):
    name = StringField(_l("Category"), validators=[Optional(), Length(max=80)])
    cap = MoneyField(
        _l("Cap in euros (optional)"),
        required=False,
        note=_l("The most the projects of this category may get together."),
    )


class RoundForm(SiteForm):
    title = StringField(_l("Title"), validators=[_required, Length(max=120)])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=5000)],
        description=_l("What the vote is about and who may vote. You can use Markdown."),
    )
    budget = MoneyField(_l("Budget in euros"))
    ballot_type = RadioField(
        _l("Ballot"), choices=BallotType.choices(), default=BallotType.approval.value
    )
    min_projects = IntegerField(
        _l("Fewest projects a voter must choose"),
        validators=[Optional(), NumberRange(min=0, max=100)],
        description=_l("Approval and ranking ballots."),
    )
    max_projects = IntegerField(
        _l("Most projects a voter may choose"),
        validators=[Optional(), NumberRange(min=1, max=100)],
        description=_l("Approval and ranking ballots."),
    )
    max_points = IntegerField(
        _l("Points a voter may give in total"),
        validators=[Optional(), NumberRange(min=1, max=1000)],
        description=_l("Points ballots."),
    )
    rule = RadioField(
        _l("How the votes are counted"), choices=Rule.choices(), default=Rule.greedy.value
    )
    eligibility = RadioField(
        _l("Who may vote"), choices=Eligibility.choices(), default=Eligibility.codes.value
    )
    min_age = IntegerField(
        _l("Minimum age (optional)"),
        validators=[Optional(), NumberRange(min=0, max=120)],
        description=_l("Voters declare that they are this old or older, e.g. 12."),
    )
    allows_changes = BooleanField(_l("Voters may change their vote until voting closes"))
    allows_blank = BooleanField(_l("Voters may cast a blank vote"))
    asks_age_band = BooleanField(
        _l("Ask voters their age group (optional for them)"),
        description=_l(
            "For the turnout by age. The answer is sealed with the vote and only counted"
            " together; groups under 10 are not shown."
        ),
    )
    online_weight = DecimalField(
        _l("Weight of an online vote"), places=4, default=1, validators=[Optional(), _weight]
    )
    paper_weight = DecimalField(
        _l("Weight of a paper vote"), places=4, default=1, validators=[Optional(), _weight]
    )
    is_channel_balanced = BooleanField(
        _l("Online and paper votes each count for half (as in Amsterdam)")
    )
    is_leftover_funded = BooleanField(
        _l("Fund more projects with money the category caps leave over")
    )
    eligible_count = IntegerField(
        _l("Number of people who may vote (optional)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_ELIGIBLE)],
        description=_l("For the turnout. Leave empty to use the number of letters."),
    )
    ideas_on = DateField(_l("Ideas from"), validators=[Optional()])
    review_on = DateField(_l("Review from"), validators=[Optional()])
    voting_on = DateField(_l("Voting from"), validators=[Optional()])
    counting_on = DateField(_l("Counting from"), validators=[Optional()])
    results_on = DateField(_l("Results on"), validators=[Optional()])
    voting_closes_at = DateTimeLocalField(
        _l("Voting closes at (optional)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("No vote is accepted after this moment (Dutch time)."),
    )
    categories = FieldList(FormField(CategoryForm), min_entries=4, max_entries=12)


class ProjectForm(SiteForm):
    title = StringField(_l("Title"), validators=[_required, Length(max=120)])
    summary = TextAreaField(
        _l("Summary"),
        validators=[_required, Length(max=500)],
        description=_l("What it is, for whom, in two or three sentences."),
    )
    cost = MoneyField(_l("Cost in euros"))
    original_locale = SelectField(
        _l("Language you write in"), choices=[SelectChoice(c, n) for c, n in LOCALES.items()]
    )
    category_id = SelectField(_l("Category"), coerce=str, validators=[Optional()])
    initiative_id = SelectField(
        _l("Linked initiative (optional)"), coerce=str, validators=[Optional()]
    )


class ReviewForm(SiteForm):
    decision = HiddenField()
    reason = TextAreaField(
        _l("Reasons"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Feasibility and cost. Residents see this."),
    )


class PhaseForm(SiteForm):
    target = HiddenField()


class CodesForm(SiteForm):
    count = IntegerField(
        _l("Number of letters"),
        validators=[Optional(), NumberRange(min=1, max=10_000)],
        description=_l("Or fill in the addresses below: one letter per address."),
    )
    addresses = TextAreaField(
        _l("Addresses (optional)"),
        validators=[Optional(), Length(max=500_000)],
        description=_l(
            "One address per line; separate the lines of an address with |. The addresses"
            " are printed on the letters and not stored."
        ),
    )


class RevokeForm(SiteForm):
    serial = IntegerField(_l("Letter number"), validators=[Optional(), NumberRange(min=1)])
    code = StringField(_l("Or the code"), validators=[Optional(), Length(max=30)])


class VoidLettersForm(SiteForm):
    confirm = BooleanField(
        _l("Yes, void this batch: its unused codes stop working"), validators=[_required]
    )


class ReissueForm(SiteForm):
    serial = IntegerField(
        _l("Number of the lost letter"), validators=[_required, NumberRange(min=1)]
    )


class VolunteerForm(SiteForm):
    email = StringField(
        _l("E-mail address of the volunteer"), validators=[_required, Length(max=254)]
    )


class RemoveVolunteerForm(SiteForm):
    user_id = HiddenField()


class EmptyForm(SiteForm):
    """Only the CSRF token: for buttons and for forms read by hand (the ballot)."""


class CastForm(SiteForm):
    code = StringField(
        _l("Your stemcode"),
        validators=[Optional(), Length(max=30)],
        description=_l("On your letter, like K7QM-2XWD-HP4T."),
    )
    age_confirmed = BooleanField(_l("I am old enough to vote"))
    receipt = StringField(
        _l("Your receipt code"),
        validators=[Optional(), Length(max=30)],
        description=_l("Only to change a vote you cast before."),
    )
    #: Asked where the round asks it, always skippable; the choices are the round's
    #: (`views.vote.cast_form`). Sealed with the vote, only ever counted together.
    age_band = RadioField(
        _l("Your age (you may skip this)"),
        choices=[],
        default="",
        validate_choice=False,
        description=_l(
            "Only to see which ages took part. It is sealed with your vote and only"
            " counted together with other votes."
        ),
    )
    #: The page's width in CSS pixels, filled in by static/js/ballot-width.js (empty
    #: without JavaScript): phone or computer, for the turnout. Never the user agent.
    width_hint = HiddenField(validators=[Optional(), Length(max=6)])


class ReceiptCheckForm(SiteForm):
    receipt = StringField(_l("Receipt code"), validators=[Optional(), Length(max=30)])


class CountForm(SiteForm):
    """Two of the three key shares, typed by their holders, to open the sealed ballots."""

    share_1 = StringField(
        _l("First key share"),
        validators=[Optional(), Length(max=120)],
        description=_l("Like S1-12-K7QMXWDA-ABCD-…, from the paper of one holder."),
    )
    share_2 = StringField(
        _l("Second key share"),
        validators=[Optional(), Length(max=120)],
        description=_l("From the paper of another holder."),
    )


class KeyShareForm(SiteForm):
    """A key share posted back to print it: the server keeps none."""

    share = HiddenField(validators=[Length(max=120)])


class AnnulForm(SiteForm):
    reason = TextAreaField(
        _l("Why the round is annulled"),
        validators=[_required, Length(max=2000)],
        description=_l("Residents see this."),
    )


class RegisterForm(SiteForm):
    code = StringField(_l("Stemcode"), validators=[Optional(), Length(max=30)])
    email = StringField(_l("Or the resident's e-mail address"), validators=[Optional()])
    action = HiddenField()

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.code.data or self.email.data):
            self.code.errors.append(_l("Fill in the stemcode or the e-mail address."))
            return False
        return True


class BatchForm(SiteForm):
    label = StringField(
        _l("Stack"),
        validators=[_required, Length(max=200)],
        description=_l("A name for this stack, like “Box 1, stack 3”."),
    )
    declared_count = IntegerField(
        _l("Number of ballots in the stack"),
        validators=[_required, NumberRange(min=1, max=500)],
        description=_l("Count the stack by hand first."),
    )
    lines = TextAreaField(
        _l("Ballots, one per line"),
        validators=[_required, Length(max=100_000)],
        description=_l(
            "Type the numbers of the projects ticked on each ballot, like 3 7 12, then Enter."
            " Points: 3:2 7:1. A blank ballot: -. An invalid (spoilt) ballot: x"
        ),
    )


class BatchDecisionForm(SiteForm):
    decision = HiddenField()
    reason = TextAreaField(
        _l("Reasons (when you reject)"), validators=[Optional(), Length(max=2000)]
    )


class ImportForm(SiteForm):
    file = FileField(
        _l("Pabulib file (.pb)"),
        validators=[FileRequired(message=_l("Choose a .pb file."))],
    )


class IssueCodeForm(SiteForm):
    """The wijkmanager issues a resident's one code after a look in the register."""

    register_checked = BooleanField(
        _l("I checked the register: no letter with a code went to this resident"),
        validators=[InputRequired(message=_l("Please tick this box after checking."))],
    )
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=1000)],
        description=_l("For example: not on the address list of the letters."),
    )
