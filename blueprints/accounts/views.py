from __future__ import annotations

import json

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from samenhang.accounts import services
from samenhang.accounts.models import NotificationMode
from samenhang.blueprints.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    ProfileForm,
    ResetPasswordForm,
    SigninForm,
    SignupForm,
)
from samenhang.blueprints.forms import render_form, wijk_choice
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.urls import safe_next_url
from samenhang.i18n import current_locale
from samenhang.places.queries import wijken_for_postcode

View = str | BaseResponse | tuple[str, int]


def signup() -> View:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignupForm()
    if form.validate_on_submit():
        with form_errors(form, "email"):
            user = services.register_user(
                form.email.data, form.password.data, form.display_name.data, current_locale()
            )
            login_user(user)
            flash(_("Welcome! We sent you an e-mail. Click the link in it to confirm."), "success")
            return redirect(url_for("accounts.profile"))
    return render_form(form, "accounts/signup.html", form=form)


def signin() -> View:
    form = SigninForm(next=request.args.get("next"))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(_("You are signed in."), "success")
            return redirect(safe_next_url(form.next.data) or url_for("main.home"))
        form.password.errors.append(_("The e-mail address or the password is not correct."))
    return render_form(form, "accounts/signin.html", form=form)


@login_required
def signout() -> BaseResponse:
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("main.home"))


def verify(token: str) -> BaseResponse:
    with flash_errors():
        services.verify_email(token)
        flash(_("Thank you. Your e-mail address is confirmed."), "success")
    return redirect(url_for("accounts.profile" if current_user.is_authenticated else "main.home"))


@login_required
def resend_verification() -> BaseResponse:
    if not current_user.is_email_verified:
        services.send_verification_mail(current_user)
        flash(_("We sent the e-mail again. Also look in your spam folder."), "success")
    return redirect(url_for("accounts.profile"))


def forgot_password() -> View:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If an account exists for this address, we sent an e-mail with a link."), "success")
        return redirect(url_for("accounts.signin"))
    return render_form(form, "accounts/forgot.html", form=form)


def reset_password(token: str) -> View:
    # An expired or used link is refused before the form shows: back to "forgot password".
    with flash_errors():
        services.user_for_reset_token(token)
        form = ResetPasswordForm()
        if form.validate_on_submit():
            with form_errors(form, "password"):
                user = services.reset_password(token, form.password.data)
                login_user(user)
                flash(_("Your new password is saved."), "success")
                return redirect(url_for("accounts.profile"))
        return render_form(form, "accounts/reset.html", form=form)
    return redirect(url_for("accounts.forgot_password"))


def _profile_form() -> ProfileForm:
    form = ProfileForm(
        obj=current_user,
        locale=current_user.locale or "",
        notification_mode=current_user.notification_mode.value,
    )
    postcode = form.postcode.data or current_user.postcode
    candidates = wijken_for_postcode(postcode) if postcode else []
    form.wijk_id.choices = [wijk_choice(w) for w in candidates]
    return form


@login_required
def profile() -> View:
    form = _profile_form()
    if form.validate_on_submit():
        with form_errors(form, "postcode"):
            services.update_profile(
                current_user,
                display_name=form.display_name.data,
                locale=form.locale.data or None,
                postcode=form.postcode.data,
                house_number=form.house_number.data,
                wijk_id=form.wijk_id.data if form.wijk_id.choices else None,
                notification_mode=NotificationMode(form.notification_mode.data),
            )
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    context = {"form": form, "password_form": ChangePasswordForm()}
    return render_form(form, "accounts/profile.html", **context)


@login_required
def change_password() -> View:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with form_errors(form, "current_password"):
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
            login_user(current_user)
            flash(_("Your new password is saved."), "success")
            return redirect(url_for("accounts.profile"))
    context = {"form": _profile_form(), "password_form": form}
    return render_form(form, "accounts/profile.html", **context)


@login_required
def export() -> Response:
    data = json.dumps(services.export_account(current_user), ensure_ascii=False, indent=2)
    return Response(
        data,
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=samenhang-my-data.json"},
    )


@login_required
def delete() -> View:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        with form_errors(form, "password"):
            services.delete_account(current_user, form.password.data)
            logout_user()
            flash(_("Your account and your personal data are deleted."), "success")
            return redirect(url_for("main.home"))
    return render_form(form, "accounts/delete.html", form=form)
