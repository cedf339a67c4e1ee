from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from samenhang.accounts.models import Role, User
from samenhang.accounts.queries import active_users
from samenhang.accounts.services import set_role
from samenhang.blueprints.admin.forms import RoleForm
from samenhang.blueprints.forms import render_form, wijk_choice
from samenhang.blueprints.handling import form_errors
from samenhang.content.services import set_translator
from samenhang.extensions import db
from samenhang.places.queries import all_wijken
from samenhang.policies import can_administer, require


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
