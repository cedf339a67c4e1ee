"""Form pieces shared by several areas."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms import HiddenField, PasswordField, StringField, ValidationError
from wtforms.fields import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from samenhang import idempotency
from samenhang.errors import DomainError
from samenhang.i18n import current_locale
from samenhang.ledger.money import format_euros_for_input, parse_euros
from samenhang.places.models import Wijk
from samenhang.places.queries import normalise_postcode
from samenhang.text import strip_bidi_controls

#: Status for a form shown again with errors: the request boundary rolls back on >= 400.
FORM_ERROR_STATUS = 422


def _cleaned(value: Any) -> Any:
    """Typed text without bidi controls; text that is nothing but those and spaces is empty."""
    if not isinstance(value, str):
        return value  # an upload
    text = strip_bidi_controls(value)
    return "" if not text.strip() else text


class SiteForm(FlaskForm):
    """Every form of the site. What is typed loses its bidi controls (U+202A-202E,
    U+2066-2069) before any validator sees it, and a value of only those (or of spaces) is
    empty: a required title of invisible marks is refused as empty ("Please fill this in.")
    instead of being stored empty after the database strips them (samenhang.db). Passwords
    are left as typed: they are compared, never shown."""

    class Meta:
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            formdata = super().wrap_formdata(form, formdata)  # type: ignore[misc]
            if formdata is None:
                return None
            secret = {f.name for f in form if isinstance(f, PasswordField)}
            return MultiDict(
                [
                    (key, value if key in secret else _cleaned(value))
                    for key, value in formdata.items(multi=True)
                ]
            )


def render_form_error(template: str, **context: object) -> tuple[str, int]:
    return render_template(template, **context), FORM_ERROR_STATUS


def render_form(form: Any, template: str, /, **context: object) -> str | tuple[str, int]:
    """Show a form page; one that was sent and comes back (with errors) answers 422."""
    page = render_template(template, **context)
    return (page, FORM_ERROR_STATUS) if form.is_submitted() else page


def validate_postcode(form: object, field: Field) -> None:
    if field.data and normalise_postcode(field.data) is None:
        raise ValidationError(_l("This is not a Dutch postcode. Write it like 9741 AB."))


def wijk_choice(wijk: Wijk) -> SelectChoice:
    return SelectChoice(wijk.id, f"{wijk.name} ({wijk.municipality.name})")


class ParsedField(StringField):
    """A value typed as text and read exactly by `parse` (which refuses with a
    `DomainError`); `data` is what `parse` returns, or None for an empty optional field."""

    empty_message: Any = _l("Please fill this in.")

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(*args, **kwargs)
        self.required = required

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist:
            return
        text = str(valuelist[0]).strip()
        if not text:
            if self.required:
                raise ValueError(str(self.empty_message))
            return
        try:
            self.data = self.parse(text)
        except DomainError as exc:
            raise ValueError(str(exc)) from exc

    def pre_validate(self, form: Any) -> None:
        if self.required and self.data is None and not self.process_errors:
            raise ValidationError(str(self.empty_message))


#: The one hint under every money field: what `parse_euros` reads.
MONEY_HINT = _l("In euros, like 1.250 or 12,50.")


class _Hint:
    """Sentences joined when shown, so each stays translated in the reader's language."""

    def __init__(self, *parts: Any) -> None:
        self.parts = parts

    def __str__(self) -> str:
        return " ".join(str(part) for part in self.parts)


class MoneyField(ParsedField):
    """An amount in euros typed as text, read by `parse_euros` ("30.000", "1.350,00",
    "12.50", "€ 12"); `data` is integer cents. Every money field is one of these and shows
    the same hint, after its own `note` if it has one."""

    empty_message = _l("Please fill in an amount.")

    def __init__(self, *args: Any, note: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("description", _Hint(note, MONEY_HINT) if note else MONEY_HINT)
        super().__init__(*args, **kwargs)

    def parse(self, text: str) -> int:
        return parse_euros(text)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if isinstance(self.data, int):
            return format_euros_for_input(self.data, current_locale())
        return ""


# --- every money action done once -----------------------------------------------------------


class IdempotentForm(SiteForm):
    """A form that moves money. It is issued with a fresh key (a hidden field, rendered with
    `{{ form.idempotency_key }}`); the view claims it with `claim_once` before the service
    call and notes the result with `done_once`, so the same form sent twice is one action."""

    idempotency_key = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A form sent back with errors keeps its key (the refused action was rolled back,
        # claim and all); any other form on the page gets a fresh one.
        if not self.idempotency_key.data:
            self.idempotency_key.data = idempotency.new_key()


def claim_once(form: IdempotentForm) -> Response | None:
    """Claim the form's key; when it was used before, the answer that shows the first result.

    Call it inside the view's `form_errors`/`flash_errors`: a missing or foreign key is a
    `DomainError` ("the form had expired").
    """
    # The key as sent: a form without one gets none made up here (that would do the action
    # again on every retry); it is refused as expired.
    sent = (form.idempotency_key.raw_data or [""])[0]
    earlier = idempotency.earlier(sent, endpoint=request.endpoint or "", actor=current_user)
    if earlier is None:
        return None
    flash(_("This was already done. Here is the result of the first time."), "info")
    return redirect(earlier.result_url or request.full_path)


def done_once(form: IdempotentForm, url: str, obj: object = None) -> Response:
    """Note where the action's result is shown, and go there."""
    idempotency.record_result(form.idempotency_key.data or "", url=url, obj=obj)
    return redirect(url)


# --- photos and receipts --------------------------------------------------------------------

#: What a photo field lets the browser offer: the image types the uploads take.
IMAGE_TYPES = {"accept": "image/jpeg,image/png,image/webp"}


class ReceiptForm(SiteForm):
    """A receipt for money spent, of a campaign or a residents' budget grant. Not a money
    form (it moves no money): no idempotency key; a receipt sent twice is two receipts,
    which the initiator sees at once in the list."""

    description = StringField(
        _l("What did you buy?"),
        validators=[InputRequired(message=_l("Please fill this in.")), Length(max=200)],
    )
    amount = MoneyField(_l("Amount on the receipt"))
    image = FileField(
        _l("Photo of the receipt"),
        validators=[FileRequired(message=_l("Choose a photo of the receipt."))],
        description=_l("A JPEG, PNG or WebP photo, at most 8 MB."),
        render_kw=IMAGE_TYPES,
    )
