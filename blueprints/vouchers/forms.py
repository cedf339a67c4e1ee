from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    EmailField,
    Form,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import FieldList, FormField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from samenhang.blueprints.forms import IMAGE_TYPES, IdempotentForm, MoneyField, SiteForm
from samenhang.blueprints.forms import ReceiptForm as ReceiptForm  # one form for both areas
from samenhang.vouchers.models import ContributionKind, Criterion, Outcome, SourceKind, Supplier
from samenhang.vouchers.services import MAX_CRITERIA

_required = InputRequired(message=_l("Please fill this in."))


class PotForm(IdempotentForm):
    name = StringField(
        _l("Name of the pot"),
        validators=[_required, Length(max=200)],
        description=_l("For example: Bewonersbudget Korrewegwijk."),
    )
    year = IntegerField(
        _l("Year"),
        validators=[_required, NumberRange(min=2000, max=2100)],
        render_kw={"inputmode": "numeric"},
    )
    description = TextAreaField(
        _l("What is the money for?"),
        validators=[Optional(), Length(max=4000)],
        description=_l("In plain words: who can apply, for what kind of plans."),
    )
    source_kind = SelectField(
        _l("Where does the money come from?"),
        choices=SourceKind.choices(),
    )
    source_name = StringField(
        _l("Name of the source"),
        validators=[_required, Length(max=200)],
        description=_l("For example: Gemeente Groningen, Lefier, Oranje Fonds."),
    )
    amount = MoneyField(_l("Budget"))
    max_per_application = MoneyField(_l("Maximum per application"))


class FundForm(IdempotentForm):
    amount = MoneyField(_l("Extra budget"))
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])


class CriterionRow(Form):
    #: Which criterion the row edits, so an edit keeps its id (and its translations).
    criterion_id = HiddenField()
    title = StringField(_l("Criterion"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Explanation"), validators=[Optional(), Length(max=2000)])
    weight = SelectField(
        _l("Weight"),
        coerce=int,
        default=1,
        choices=[
            SelectChoice(1, _l("1 – counts once")),
            SelectChoice(2, _l("2 – counts twice")),
            SelectChoice(3, _l("3 – counts three times")),
        ],
    )


class CriteriaForm(SiteForm):
    criteria = FieldList(FormField(CriterionRow), min_entries=3, max_entries=MAX_CRITERIA)


class PublishCriteriaForm(SiteForm):
    comments_close_on = DateField(
        _l("Residents can comment until"),
        validators=[InputRequired(message=_l("Choose a date."))],
        description=_l("At least a week from today."),
    )


class CommentForm(SiteForm):
    body = TextAreaField(
        _l("Your comment on the draft criteria"), validators=[_required, Length(max=2000)]
    )


class FixCriteriaForm(SiteForm):
    other_participants = TextAreaField(
        _l("Who else took part?"),
        validators=[Optional(), Length(max=4000)],
        description=_l(
            "One per line, e.g. the bewonersraad or a meeting. Residents who commented are "
            "added by themselves."
        ),
    )


class BudgetLineRow(Form):
    description = StringField(_l("What for"), validators=[Optional(), Length(max=200)])
    amount = MoneyField(_l("Amount"), required=False)


class ContributionRow(Form):
    kind = SelectField(
        _l("Kind"),
        default=ContributionKind.time.value,
        choices=ContributionKind.choices(),
    )
    description = StringField(_l("What"), validators=[Optional(), Length(max=200)])
    hours = IntegerField(
        _l("Hours"),
        validators=[Optional(), NumberRange(min=1, max=100_000)],
        render_kw={"inputmode": "numeric"},
    )
    amount = MoneyField(_l("Value"), required=False)


class ApplicationForm(SiteForm):
    title = StringField(_l("Name of your plan"), validators=[_required, Length(max=200)])
    summary = TextAreaField(
        _l("What do you want to do, and for whom?"),
        validators=[_required, Length(max=6000)],
    )
    group_name = StringField(
        _l("Applying as a group? Name of the group"),
        validators=[Optional(), Length(max=120)],
        description=_l("Optional. This name is public; your own name is not."),
    )
    budget_lines = FieldList(FormField(BudgetLineRow), min_entries=5, max_entries=12)
    contributions = FieldList(FormField(ContributionRow), min_entries=3, max_entries=6)


def score_form_class(criteria: Sequence[Criterion]) -> type[SiteForm]:
    """A form with a 0–5 choice and a note per criterion of the pot."""
    points = [SelectChoice(i, str(i)) for i in range(6)]
    fields: dict[str, Any] = {}
    for criterion in criteria:
        fields[f"points_{criterion.id}"] = SelectField(
            criterion.title, coerce=int, choices=points, description=criterion.description
        )
        fields[f"note_{criterion.id}"] = StringField(
            _l("Note on “{criterion}”").format(criterion=criterion.title),
            validators=[Optional(), Length(max=500)],
        )
    return type("ScoreForm", (SiteForm,), fields)


class DecisionForm(IdempotentForm):
    outcome = RadioField(
        _l("Decision"),
        choices=Outcome.choices("verb"),
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    amount = MoneyField(
        _l("Amount granted"),
        required=False,
        note=_l("Only for a grant in part."),
    )
    reasons = TextAreaField(
        _l("Reasons"),
        validators=[_required, Length(max=6000)],
        description=_l("These are public. Explain the decision against the criteria."),
    )

    def validate_amount(self, field: MoneyField) -> None:
        if self.outcome.data == Outcome.partial.value and field.data is None:
            raise ValidationError(str(_l("Fill in the amount granted.")))


class AdviceForm(DecisionForm):
    outcome = RadioField(
        _l("Your advice"),
        choices=Outcome.choices("verb"),
        validators=[InputRequired(message=_l("Choose your advice."))],
    )
    amount = MoneyField(
        _l("Amount you advise"),
        required=False,
        note=_l("Only for a grant in part."),
    )
    reasons = TextAreaField(
        _l("Why?"),
        validators=[_required, Length(max=4000)],
        description=_l("Shown beside the decision, without your name."),
    )


class PayoutForm(IdempotentForm):
    amount = MoneyField(_l("Amount of this instalment"))
    note = StringField(
        _l("Note"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example the bank transfer reference."),
    )


class ReturnForm(IdempotentForm):
    amount = MoneyField(_l("Amount paid back"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class ReportForm(SiteForm):
    body = TextAreaField(
        _l("What did you do, and how did it go?"),
        validators=[_required, Length(max=6000)],
        description=_l("A few lines are enough. This report is public."),
    )
    photos = MultipleFileField(
        _l("Photos"),
        description=_l("Optional, at most 6. Show no faces without permission."),
        render_kw=IMAGE_TYPES,
    )


class PanelMemberForm(SiteForm):
    email = EmailField(
        _l("E-mail address of the resident"),
        validators=[_required, Length(max=254)],
        description=_l("They need an account and must live in the wijk."),
    )


class SupplierForm(SiteForm):
    name = StringField(_l("Name of the shop or business"), validators=[_required, Length(max=120)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])


class VoucherBatchForm(IdempotentForm):
    label = StringField(
        _l("What are the vouchers for?"),
        validators=[_required, Length(max=200)],
        description=_l("For example: Buurtfeest Korrewegwijk. This is public."),
    )
    value = MoneyField(_l("Value of each voucher"))
    quantity = IntegerField(
        _l("Number of vouchers"),
        validators=[_required, NumberRange(min=1, max=500)],
        render_kw={"inputmode": "numeric"},
    )
    expires_on = DateField(
        _l("Valid until"), validators=[InputRequired(message=_l("Choose a date."))]
    )
    suppliers = SelectMultipleField(
        _l("Where can they be spent?"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose at least one supplier."))],
    )

    def set_suppliers(self, suppliers: Sequence[Supplier]) -> None:
        self.suppliers.choices = [SelectChoice(s.id, s.name) for s in suppliers]


class TillForm(IdempotentForm):
    code = StringField(
        _l("Voucher code"),
        validators=[_required, Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    amount = MoneyField(_l("Amount to pay with the voucher"))
