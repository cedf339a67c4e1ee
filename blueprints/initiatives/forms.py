from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice, SelectMultipleField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from samenhang.blueprints.forms import MoneyField, SiteForm
from samenhang.config import LOCALES
from samenhang.initiatives.models import PUBLIC_STATES, HelpKind, State, Theme

_required = InputRequired(message=_l("Please fill this in."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BudgetLineForm(Form):
    description = StringField(_l("What for"), validators=[Optional(), Length(max=200)])
    amount = MoneyField(_l("Amount in euros"), required=False)

    def validate_amount(self, field: MoneyField) -> None:
        if self.description.data and field.data is None:
            raise ValidationError(_l("Write the amount for this line."))


class InitiativeForm(SiteForm):
    title = StringField(
        _l("Title"),
        validators=[_required, Length(max=120)],
        description=_l("Short and clear, at most 120 characters."),
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[_required, Length(max=300)],
        description=_l("Your idea in one or two sentences."),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[_required, Length(max=10000)],
        description=_l("What do you want to do, for whom, and who helps? You can use Markdown."),
    )
    public_name = StringField(
        _l("Name shown with the initiative"), validators=[_required, Length(max=80)]
    )
    original_locale = SelectField(
        _l("Language you write in"), choices=[SelectChoice(c, n) for c, n in LOCALES.items()]
    )
    themes = MultiCheckboxField(
        _l("Themes"),
        choices=Theme.choices(),
        validators=[InputRequired(message=_l("Choose at least one theme."))],
    )
    help_asked = MultiCheckboxField(
        _l("What help do you need?"),
        choices=HelpKind.choices(),
    )
    address = StringField(
        _l("Address or place (optional)"), validators=[Optional(), Length(max=200)]
    )
    latitude = DecimalField(
        _l("Latitude (optional)"), places=6, validators=[Optional(), NumberRange(min=-90, max=90)]
    )
    longitude = DecimalField(
        _l("Longitude (optional)"),
        places=6,
        validators=[Optional(), NumberRange(min=-180, max=180)],
    )
    budget_lines = FieldList(FormField(BudgetLineForm), min_entries=3, max_entries=20)


class PhotoForm(SiteForm):
    photo = FileField(
        _l("Photo"),
        validators=[FileRequired(message=_l("Choose a photo."))],
        description=_l("JPEG, PNG or WebP, at most 8 MB. We remove the location data."),
    )
    alt_text = StringField(
        _l("What is on the photo?"),
        validators=[_required, Length(max=200)],
        description=_l("For people who cannot see the photo."),
    )


class ReasonForm(SiteForm):
    decision = HiddenField()
    reason = TextAreaField(
        _l("Reasons"),
        validators=[Optional(), Length(max=2000)],
        description=_l("The initiator and the public see this."),
    )


class CommentForm(SiteForm):
    body = TextAreaField(_l("Your comment"), validators=[_required, Length(max=2000)])
    parent_id = HiddenField()


class FlagForm(SiteForm):
    reason = TextAreaField(_l("What is wrong?"), validators=[_required, Length(max=2000)])
    comment_id = HiddenField()


class HideCommentForm(SiteForm):
    reason = TextAreaField(
        _l("Why do you hide this comment?"), validators=[_required, Length(max=2000)]
    )


class RealisedForm(SiteForm):
    report = TextAreaField(
        _l("Short report: what happened?"), validators=[_required, Length(max=5000)]
    )


class FilterForm(SiteForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    theme = SelectField(
        _l("Theme"),
        choices=[
            SelectChoice("", _l("All themes")),
            *Theme.choices(),
        ],
        validators=[Optional()],
    )
    state = SelectField(
        _l("Status"),
        validators=[Optional()],
        choices=[
            SelectChoice("", _l("All")),
            *State.choices("public", members=[s for s in State if s in PUBLIC_STATES]),
        ],
    )
    help = SelectField(
        _l("Help asked"),
        choices=[
            SelectChoice("", _l("Any help")),
            *HelpKind.choices(),
        ],
        validators=[Optional()],
    )
