from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from samenhang import jobs
from samenhang.accounts.models import Role, User
from samenhang.accounts.queries import active_users
from samenhang.accounts.services import set_role
from samenhang.blueprints.admin.forms import RoleForm, ThemeForm
from samenhang.blueprints.forms import render_form, render_form_error, wijk_choice
from samenhang.blueprints.handling import form_errors
from samenhang.blueprints.theming import themes_dir
from samenhang.content.services import set_translator
from samenhang.extensions import db
from samenhang.places import services as places_services
from samenhang.places.models import Municipality
from samenhang.places.queries import all_wijken, municipalities_with_wijken
from samenhang.policies import can_administer, require
from samenhang.themes import available_themes


def require_admin() -> None:
    """Area-wide check: every route in this blueprint is for administrators only."""
    require(can_administer(current_user))


def get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        abort(404)
    return user


def users() -> str:
    return render_template("admin/users.html", users=active_users())


def edit_user(user_id: int) -> str | Response | tuple[str, int]:
    user = get_user_or_404(user_id)
    form = RoleForm(
        role=user.role.value,
        wijken=[w.id for w in user.managed_wijken],
        is_translator=user.is_translator,
    )
    wijken = {w.id: w for w in all_wijken()}
    form.wijken.choices = [wijk_choice(w) for w in wijken.values()]
    if form.validate_on_submit():
        with form_errors(form, "wijken"):
            chosen = [wijken[i] for i in form.wijken.data]
            set_role(user, Role(form.role.data), chosen, actor=current_user)
            set_translator(user, form.is_translator.data, actor=current_user)
            flash(_("The role is saved."), "success")
            return redirect(url_for("admin.users"))
    return render_form(form, "admin/edit_user.html", form=form, user=user)


def _theme_form(municipality: Municipality, **kwargs: object) -> ThemeForm:
    form = ThemeForm(prefix=f"m{municipality.id}", theme=municipality.theme, **kwargs)
    form.theme.choices = [(t.name, t.label) for t in available_themes(themes_dir()).values()]
    return form


def _theme_forms(sent: ThemeForm | None = None, sent_for: int | None = None) -> list[Any]:
    """(municipality, form) for each municipality; the form just sent keeps its errors."""
    return [
        (m, sent if sent is not None and m.id == sent_for else _theme_form(m, formdata=None))
        for m in municipalities_with_wijken()
    ]


def municipalities() -> str:
    return render_template("admin/municipalities.html", items=_theme_forms())


def set_theme(municipality_id: int) -> Response | tuple[str, int]:
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None:
        abort(404)
    form = _theme_form(municipality)
    if form.validate_on_submit():
        with form_errors(form, "theme"):
            places_services.set_theme(
                municipality,
                form.theme.data,
                available_themes(themes_dir()),
                actor=current_user,
            )
            flash(_("The appearance of {name} is saved.").format(name=municipality.name), "success")
            return redirect(url_for("admin.municipalities"))
    return render_form_error("admin/municipalities.html", items=_theme_forms(form, municipality.id))


def failed_jobs() -> str:
    """Jobs that failed (after their retries), with why: counts, letters, and e-mails
    that the queue could not deliver."""
    return render_template(
        "admin/jobs.html",
        failed=list(jobs.failed_jobs()),
        error_text=jobs.error_text,
        failed_mail=jobs.failed_queue_jobs() if jobs.queued() else [],
        queued=jobs.queued(),
    )
