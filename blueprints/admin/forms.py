from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired

from samenhang.accounts.models import Role
from samenhang.blueprints.forms import SiteForm


class RoleForm(SiteForm):
    role = SelectField(_l("Role"), choices=Role.choices(), validators=[InputRequired()])
    wijken = SelectMultipleField(
        _l("Wijken this wijkmanager works in"),
        coerce=int,
        choices=[],
        description=_l("Only for a wijkmanager. Hold Ctrl to choose more than one."),
    )
    is_translator = BooleanField(
        _l("Volunteer translator"),
        description=_l("May translate what residents write, in every wijk."),
    )


class ThemeForm(SiteForm):
    theme = SelectField(
        _l("Appearance"),
        choices=[],
        # The service refuses a theme that is not installed, with its own message.
        validate_choice=False,
        validators=[InputRequired()],
        description=_l("The colours and letters of this municipality's pages."),
    )
