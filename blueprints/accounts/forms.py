from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from samenhang.accounts.models import NotificationMode
from samenhang.accounts.passwords import MIN_PASSWORD_LENGTH
from samenhang.blueprints.forms import SiteForm, validate_postcode
from samenhang.config import LOCALES

_password_length = Length(
    min=MIN_PASSWORD_LENGTH,
    max=200,
    message=lazy_ngettext(
        "Your password needs at least %(min)d character.",
        "Your password needs at least %(min)d characters.",
        MIN_PASSWORD_LENGTH,
        min=MIN_PASSWORD_LENGTH,
    ),
)
_required = InputRequired(message=_l("Please fill this in."))
_email = Email(message=_l("This is not a valid e-mail address."))


class SignupForm(SiteForm):
    display_name = StringField(
        _l("Your name on the site"),
        validators=[_required, Length(max=80)],
        description=_l("Others see this name. It may be your first name only."),
    )
    email = EmailField(_l("E-mail address"), validators=[_required, _email, Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[_required, _password_length],
        description=_l("At least 10 characters. A short sentence is easy to remember."),
    )
    accept_privacy = BooleanField(
        _l("I have read the privacy statement"),
        validators=[InputRequired(message=_l("Please read and accept the privacy statement."))],
    )


class SigninForm(SiteForm):
    email = EmailField(_l("E-mail address"), validators=[_required, _email])
    password = PasswordField(_l("Password"), validators=[_required])
    remember = BooleanField(_l("Stay signed in on this device"))
    next = HiddenField()


class ForgotPasswordForm(SiteForm):
    email = EmailField(_l("E-mail address"), validators=[_required, _email])


class ResetPasswordForm(SiteForm):
    password = PasswordField(_l("New password"), validators=[_required, _password_length])
    confirm = PasswordField(
        _l("New password again"),
        validators=[_required, EqualTo("password", message=_l("The two passwords differ."))],
    )


class ProfileForm(SiteForm):
    display_name = StringField(_l("Your name on the site"), validators=[_required, Length(max=80)])
    locale = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("", _l("Choose automatically")),
            *(SelectChoice(code, name) for code, name in LOCALES.items()),
        ],
    )
    postcode = StringField(
        _l("Postcode"),
        validators=[Optional(), Length(max=7), validate_postcode],
        description=_l("Optional. With your postcode we know your wijk, e.g. for voting."),
    )
    house_number = StringField(_l("House number"), validators=[Optional(), Length(max=10)])
    wijk_id = SelectField(_l("Your wijk"), coerce=int, validators=[Optional()], choices=[])
    notification_mode = SelectField(
        _l("E-mails about initiatives you follow"), choices=NotificationMode.choices()
    )


class ChangePasswordForm(SiteForm):
    current_password = PasswordField(_l("Current password"), validators=[_required])
    new_password = PasswordField(_l("New password"), validators=[_required, _password_length])


class DeleteAccountForm(SiteForm):
    password = PasswordField(_l("Your password"), validators=[_required])
    confirm = BooleanField(
        _l("Yes, delete my account and my personal data"),
        validators=[InputRequired(message=_l("Please confirm that you want this."))],
    )


class AddressRequestForm(SiteForm):
    """Ask for the address to be checked, by a letter or in the municipal register."""

    address = TextAreaField(
        _l("Your address, as on an envelope"),
        validators=[_required, Length(max=420)],
        description=_l(
            "Your name on the first line, then street and house number. We send a letter"
            " with a code to this address, or the wijkmanager checks it in the municipal"
            " register."
        ),
    )
    postcode = StringField(_l("Postcode"), validators=[_required, Length(max=7), validate_postcode])


class AddressCodeForm(SiteForm):
    code = StringField(
        _l("The code from the letter"),
        validators=[_required, Length(max=30)],
        description=_l("12 letters and digits, like K7QM-2XWD-HP4T."),
    )


class RegisterCheckForm(SiteForm):
    note = TextAreaField(
        _l("What you checked in the register"),
        validators=[_required, Length(max=1000)],
        description=_l("For example: the date and that this person lives at this address."),
    )
