from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from samenhang.blueprints.forms import render_form
from samenhang.config import LOCALES
from samenhang.content import services
from samenhang.content.machine import machine_translator
from samenhang.content.queries import translations_of
from samenhang.errors import DomainError
from samenhang.extensions import db
from samenhang.initiatives.models import Initiative
from samenhang.voting.models import Project
from samenhang.vouchers.models import Criterion

View = str | Response | tuple[str, int]


@dataclass(frozen=True)
class Kind:
    model: type
    #: Where the object is shown; the translator returns there.
    url: Callable[[Any], str]
    #: Whether the public may see it (drafts are not translated by others).
    is_visible: Callable[[Any], bool]


#: Every translatable kind, by its table name. A new kind joins with one line here and
#: `__translatable__`, `original_locale`, `wijk` and `owner_id` on its model.
KINDS: dict[str, Kind] = {
    Initiative.__tablename__: Kind(
        Initiative,
        lambda o: url_for("initiatives.show", initiative_id=o.id),
        lambda o: o.is_viewable,
    ),
    Project.__tablename__: Kind(
        Project,
        lambda o: url_for("voting.show", round_id=o.round_id),
        lambda o: True,
    ),
    Criterion.__tablename__: Kind(
        Criterion,
        lambda o: url_for("vouchers.pot", pot_id=o.pot_id),
        lambda o: True,
    ),
}

FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "description": _l("Description"),
}


def _object_or_404(kind: str, object_id: int) -> tuple[Kind, Any]:
    found = KINDS.get(kind)
    obj = db.session.get(found.model, object_id) if found else None
    if found is None or obj is None or not found.is_visible(obj):
        abort(404)
    return found, obj


def _form_class(fields: tuple[str, ...]) -> type[FlaskForm]:
    attributes = {
        name: TextAreaField(FIELD_LABELS[name], validators=[Optional(), Length(max=10000)])
        for name in fields
    }
    return type("TranslationForm", (FlaskForm,), attributes)


@login_required
def translate(kind: str, object_id: int, locale: str) -> View:
    spec, obj = _object_or_404(kind, object_id)
    if locale not in LOCALES or not services.can_translate(current_user, obj):
        abort(403)
    back = spec.url(obj)
    translator = machine_translator()
    if request.method == "POST" and request.form.get("machine") and translator is not None:
        try:
            services.suggest_machine_translation(translator, current_user, obj, locale)
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash(
                _("A machine translation is ready. Check it and correct it before you save."),
                "success",
            )
        return redirect(request.path)
    existing = translations_of(obj).get(locale, {})
    form = _form_class(obj.__translatable__)(data={f: row.text for f, row in existing.items()})
    if form.validate_on_submit():
        try:
            services.save_translation(
                current_user,
                obj,
                locale,
                {f: getattr(form, f).data or "" for f in obj.__translatable__},
            )
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash(_("The translation is saved."), "success")
            return redirect(back)
    context = {
        "form": form,
        "obj": obj,
        "back": back,
        "locale": locale,
        "locale_name": LOCALES[locale],
        "existing": existing,
        "has_machine": translator is not None,
    }
    return render_form(form, "content/translate.html", **context)


@login_required
def request_translation(kind: str, object_id: int) -> Response:
    spec, obj = _object_or_404(kind, object_id)
    from samenhang.i18n import current_locale

    try:
        services.request_translation(current_user, obj, current_locale())
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Thank you. We asked for a translation."), "success")
    return redirect(spec.url(obj))
