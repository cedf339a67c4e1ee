"""One credential per person: a checked resident without a letter asks for a stemcode (in
rounds with codes and residents both), and the wijkmanager issues it, once."""

from __future__ import annotations

from flask import flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from samenhang.accounts.verification import current_verification
from samenhang.blueprints.forms import render_form
from samenhang.blueprints.handling import flash_errors, form_errors
from samenhang.blueprints.loading import get_or_404
from samenhang.blueprints.voting import forms
from samenhang.blueprints.voting.views.common import View, get_round_or_404, round_url
from samenhang.blueprints.voting.views.stemcodes import _letters_response
from samenhang.policies import require_manager
from samenhang.voting import services
from samenhang.voting.models import CodeRequest, Round


@login_required
def request_code(round_id: int) -> Response:
    round_ = get_round_or_404(round_id)
    with flash_errors():
        services.request_code(round_, actor=current_user)
        flash(
            _("Your request is sent. The wijkmanager sends you a letter with your stemcode."),
            "success",
        )
    return redirect(round_url(round_, _anchor="code-request"), code=303)


@login_required
def code_requests(round_id: int) -> View:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    return render_template("voting/code_requests.html", **_context(round_))


def _context(
    round_: Round, sent: tuple[int, forms.IssueCodeForm] | None = None
) -> dict[str, object]:
    """Each waiting request has a form of its own (its own field ids); `sent` is the one
    that came back with an error."""
    requests = services.code_requests(round_)
    issue_forms = {r.id: forms.IssueCodeForm(prefix=f"r{r.id}", formdata=None) for r in requests}
    if sent is not None:
        issue_forms[sent[0]] = sent[1]
    return {
        "round": round_,
        "requests": requests,
        "forms": issue_forms,
        "sent": sent[1] if sent else None,
    }


@login_required
def issue_code(round_id: int, request_id: int) -> View:
    round_ = get_round_or_404(round_id)
    require_manager(current_user, round_.wijk)
    request = get_or_404(CodeRequest, request_id, lambda found: found.round_id == round_.id)
    form = forms.IssueCodeForm(prefix=f"r{request.id}")
    if form.validate_on_submit():
        with form_errors(form, "register_checked"):
            issued = services.issue_requested_code(
                request,
                register_checked=bool(form.register_checked.data),
                note=form.note.data or "",
                actor=current_user,
            )
            address = current_verification(request.user)
            lines = address.address_lines if address is not None else []
            return _letters_response(round_, [issued], ["\n".join(lines)])
    return render_form(form, "voting/code_requests.html", **_context(round_, (request.id, form)))
