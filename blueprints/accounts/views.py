from __future__ import annotations

import json
from typing import Any

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user
from flask_login import login_user as _login_user
from werkzeug.wrappers import Response as BaseResponse

from samenhang.accounts import letters, privacy, services, verification
from samenhang.accounts.models import AddressVerification, NotificationMode
from samenhang.blueprints.accounts.forms import (
    AddressCodeForm,
    AddressRequestForm,
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    ProfileForm,
    RegisterCheckForm,
    ResetPasswordForm,
    SigninForm,
    SignupForm,
)
from samenhang.blueprints.forms import render_form, wijk_choice
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.loading import get_or_404
from samenhang.blueprints.places.views import get_wijk_or_404
from samenhang.blueprints.urls import safe_next_url
from samenhang.blueprints.voting.views.common import STATE_PREFIX
from samenhang.errors import DomainError
from samenhang.i18n import current_locale
from samenhang.places.models import Wijk
from samenhang.places.queries import wijken_for_postcode
from samenhang.policies import require_manager

View = str | BaseResponse | tuple[str, int]


def login_user(user: Any, remember: bool = False) -> bool:
    """Sign in with a new session: nothing planted before (a CSRF token someone else
    knows, another visitor's state) carries over to the signed-in person, except a ballot
    being filled in, which the voting area then strips of any code or receipt
    (`forget_voters_at_sign_in`) so that only the unsent selection stays."""
    ballots = {key: value for key, value in session.items() if key.startswith(STATE_PREFIX)}
    session.clear()
    session.update(ballots)
    return _login_user(user, remember=remember)


def signup() -> View:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignupForm()
    if form.validate_on_submit():
        with form_errors(form, "email"):
            # The same answer whether the address is new or already has an account (then
            # its owner gets a mail instead): nothing here tells which addresses are known.
            services.register_user(
                form.email.data, form.password.data, form.display_name.data, current_locale()
            )
            flash(
                _(
                    "Welcome! We sent you an e-mail. Click the link in it to confirm your "
                    "address, then sign in."
                ),
                "success",
            )
            return redirect(url_for("accounts.signin"))
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
    return render_form(form, "accounts/profile.html", **_profile_context(form=form))


def _profile_context(**forms: object) -> dict[str, object]:
    """The profile page's forms (those given replace the empty ones) and address checks."""
    context: dict[str, object] = {
        "form": _profile_form(),
        "password_form": ChangePasswordForm(),
        "address_form": AddressRequestForm(
            postcode=current_user.postcode, prefix="address", formdata=None
        ),
        "code_form": AddressCodeForm(prefix="letter", formdata=None),
        "verified": verification.current_verification(current_user),
        "pending": verification.open_verification(current_user),
        "max_attempts": verification.MAX_CODE_ATTEMPTS,
    }
    context.update(forms)
    return context


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
    return render_form(form, "accounts/profile.html", **_profile_context(password_form=form))


@login_required
def export() -> Response:
    data = json.dumps(privacy.export_everything(current_user), ensure_ascii=False, indent=2)
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
            privacy.delete_account(current_user, form.password.data)
            logout_user()
            flash(_("Your account and your personal data are deleted."), "success")
            return redirect(url_for("main.home"))
    return render_form(form, "accounts/delete.html", form=form)


# --- address verification ------------------------------------------------------------------


def _address_url() -> str:
    return url_for("accounts.profile", _anchor="address")


def ask_address_check(form: AddressRequestForm, wijk_id: int | None) -> bool:
    """Send the address request of `form` (on the profile, or on a page that needs a
    checked address); `wijk_id` chooses where a postcode spans several wijken. Whether it
    was taken; if not, the form carries the errors."""
    if not form.validate_on_submit():
        return False
    with form_errors(form, "address"):
        verification.request_verification(
            current_user, form.address.data, form.postcode.data, wijk_id=wijk_id, actor=current_user
        )
        flash(
            _(
                "Thank you. The wijkmanager sends you a letter with a code, or checks your"
                " address in the municipal register."
            ),
            "success",
        )
        return True
    return False


@login_required
def request_address_check() -> View:
    form = AddressRequestForm(prefix="address")
    if ask_address_check(form, current_user.wijk_id):
        return redirect(_address_url(), code=303)
    return render_form(form, "accounts/profile.html", **_profile_context(address_form=form))


@login_required
def confirm_address_code() -> View:
    form = AddressCodeForm(prefix="letter")
    if form.validate_on_submit():
        with form_errors(form, "code"):
            checked = verification.confirm_address_code(
                current_user, form.code.data, actor=current_user
            )
            if checked is not None:
                flash(
                    _("Your address in {wijk} is confirmed.").format(wijk=checked.wijk.name),
                    "success",
                )
                return redirect(_address_url(), code=303)
            # A wrong code is counted, and the count must be kept: flash and redirect (the
            # request commits), rather than answer with an error (which rolls back).
            pending = verification.open_verification(current_user)
            left = verification.MAX_CODE_ATTEMPTS - (pending.attempts if pending else 0)
            flash(
                ngettext(
                    "This code is not right. Check it on the letter. You can try %(num)d more"
                    " time.",
                    "This code is not right. Check it on the letter. You can try %(num)d more"
                    " times.",
                    max(left, 0),
                ),
                "error",
            )
            return redirect(_address_url(), code=303)
    return render_form(form, "accounts/profile.html", **_profile_context(code_form=form))


@login_required
def withdraw_address_check() -> BaseResponse:
    with flash_errors():
        verification.withdraw_verification(current_user, actor=current_user)
        flash(_("Done. Your address is no longer checked."), "success")
    return redirect(_address_url(), code=303)


def _managed_wijk(municipality_slug: str, wijk_slug: str) -> Wijk:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    require_manager(current_user, wijk)
    return wijk


def _request_of(wijk: Wijk, verification_id: int) -> AddressVerification:
    return get_or_404(AddressVerification, verification_id, lambda row: row.wijk_id == wijk.id)


def _addresses_url(wijk: Wijk) -> str:
    return url_for(
        "accounts.address_checks", municipality_slug=wijk.municipality.slug, wijk_slug=wijk.slug
    )


@login_required
def address_checks(municipality_slug: str, wijk_slug: str) -> View:
    """The wijkmanager's list of addresses waiting for a letter or a register check."""
    wijk = _managed_wijk(municipality_slug, wijk_slug)
    return render_template(
        "accounts/address_checks.html",
        wijk=wijk,
        requests=verification.pending_verifications(wijk),
        register_form=RegisterCheckForm(formdata=None),
        has_fonts=letters.font_paths() is not None,
    )


@login_required
def address_letters(municipality_slug: str, wijk_slug: str) -> BaseResponse:
    """Print letters with a code for the ticked requests: the PDF is the codes' only copy."""
    wijk = _managed_wijk(municipality_slug, wijk_slug)
    ids = [int(v) for v in request.form.getlist("request") if v.isdigit()]
    rows = [_request_of(wijk, i) for i in ids]
    with flash_errors():
        issued = verification.send_verification_letters(rows, actor=current_user)
        profile_url = current_app.config["BASE_URL"].rstrip("/") + url_for("accounts.profile")
        pdf = letters.verification_letters_pdf(
            wijk.municipality.name,
            wijk.name,
            profile_url,
            [
                letters.VerificationLetter(row.address_lines, code, row.code_expires_at, row.id)
                for row, code in issued
                if row.code_expires_at is not None
            ],
        )
        response = Response(pdf, mimetype="application/pdf")
        name = f"adrescontrole-{wijk.slug}-{issued[0][0].id}-{issued[-1][0].id}.pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["Cache-Control"] = "no-store"
        return response
    return redirect(_addresses_url(wijk), code=303)


@login_required
def address_register_check(
    municipality_slug: str, wijk_slug: str, verification_id: int
) -> BaseResponse:
    wijk = _managed_wijk(municipality_slug, wijk_slug)
    row = _request_of(wijk, verification_id)
    form = RegisterCheckForm()
    with flash_errors():
        if not form.validate_on_submit():
            raise DomainError(
                _("Say what you checked in the register, for example the date and what you saw.")
            )
        verification.verify_by_register(row, form.note.data, actor=current_user)
        flash(_("The address is checked."), "success")
    return redirect(_addresses_url(wijk), code=303)


@login_required
def address_refuse(municipality_slug: str, wijk_slug: str, verification_id: int) -> BaseResponse:
    wijk = _managed_wijk(municipality_slug, wijk_slug)
    row = _request_of(wijk, verification_id)
    with flash_errors():
        verification.refuse_verification(row, actor=current_user)
        flash(_("The request is closed."), "success")
    return redirect(_addresses_url(wijk), code=303)
