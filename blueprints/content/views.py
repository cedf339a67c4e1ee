from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from samenhang.blueprints.forms import SiteForm, render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.config import LOCALES
from samenhang.content import services
from samenhang.content.machine import machine_translator
from samenhang.content.queries import translations_of
from samenhang.contracts.models import Goal
from samenhang.extensions import db
from samenhang.i18n import current_locale, language_name
from samenhang.initiatives.models import Initiative
from samenhang.policies import (
    can_view_contract,
    can_view_initiative,
    can_view_pot,
    can_view_round,
    require_translator,
    require_visible,
)
from samenhang.voting.models import Project
from samenhang.vouchers.models import Criterion

View = str | Response | tuple[str, int]


@dataclass(frozen=True)
class Kind:
    model: type
    #: Where the object is shown; the translator returns there.
    url: Callable[[Any], str]
    #: Whether the user may see it at all (the policy of the page that shows it).
    can_view: Callable[[Any, Any], bool]


#: Every translatable kind, by its table name. A new kind joins with one line here and
#: `__translatable__`, `original_locale`, `wijk` and `owner_id` on its model.
KINDS: dict[str, Kind] = {
    Initiative.__tablename__: Kind(
        Initiative,
        lambda o: url_for("initiatives.show", initiative_id=o.id),
        can_view_initiative,
    ),
    Project.__tablename__: Kind(
        Project,
        lambda o: url_for("voting.show", round_id=o.round_id),
        lambda user, o: can_view_round(user, o.round),
    ),
    Criterion.__tablename__: Kind(
        Criterion,
        lambda o: url_for("vouchers.pot", pot_id=o.pot_id),
        lambda user, o: can_view_pot(user, o.pot),
    ),
    Goal.__tablename__: Kind(
        Goal,
        lambda o: url_for(
            "contracts.goal",
            municipality_slug=o.wijk.municipality.slug,
            wijk_slug=o.wijk.slug,
            year=o.contract.year,
            goal_id=o.id,
        ),
        lambda user, o: can_view_contract(user, o.contract),
    ),
}

FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "description": _l("Description"),
    "indicator": _l("Indicator"),
}


def _object_or_404(kind: str, object_id: int) -> tuple[Kind, Any]:
    spec = KINDS.get(kind)
    obj = db.session.get(spec.model, object_id) if spec else None
    if spec is None or obj is None or not spec.can_view(current_user, obj):
        abort(404)
    return spec, obj


def _form_class(fields: tuple[str, ...]) -> type[SiteForm]:
    attributes = {
        name: TextAreaField(FIELD_LABELS[name], validators=[Optional(), Length(max=10000)])
        for name in fields
    }
    return type("TranslationForm", (SiteForm,), attributes)


@login_required
def translate(kind: str, object_id: int, locale: str) -> View:
    spec, obj = _object_or_404(kind, object_id)
    require_visible(locale in LOCALES)
    require_translator(current_user, obj)
    translator = machine_translator()
    if request.method == "POST" and request.form.get("machine") and translator is not None:
        with flash_errors():
            services.suggest_machine_translation(
                obj, locale, actor=current_user, translator=translator
            )
            flash(
                _("A machine translation is ready. Check it and correct it before you save."),
                "success",
            )
        return redirect(request.path)
    existing = translations_of(obj).get(locale, {})
    form = _form_class(obj.__translatable__)(data={f: row.text for f, row in existing.items()})
    if form.validate_on_submit():
        with form_errors(form):
            texts = {f: getattr(form, f).data or "" for f in obj.__translatable__}
            services.save_translation(obj, locale, texts, actor=current_user)
            flash(_("The translation is saved."), "success")
            return redirect(spec.url(obj))
    context = {
        "form": form,
        "obj": obj,
        "back": spec.url(obj),
        "locale": locale,
        "locale_name": language_name(locale),
        "existing": existing,
        "has_machine": translator is not None,
    }
    return render_form(form, "content/translate.html", **context)


@login_required
def request_translation(kind: str, object_id: int) -> Response:
    spec, obj = _object_or_404(kind, object_id)
    with flash_errors():
        services.request_translation(obj, current_locale(), actor=current_user)
        flash(_("Thank you. We asked for a translation."), "success")
    return redirect(spec.url(obj))
