"""What the buurtcontract views start with: loading what the visitor may know about, and the
context of the contract and goal pages (forms that came back with errors, the rest empty)."""

from __future__ import annotations

from typing import Any

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from samenhang.blueprints.contracts.forms import (
    AmendForm,
    AnswerForm,
    CommentForm,
    CommitmentForm,
    DoneForm,
    EmailForm,
    GoalForm,
    LinkForm,
    PartyForm,
    ProgressForm,
    PublishForm,
    QuestionForm,
    RepresentativesForm,
    ReviewForm,
    SignForm,
    StartForm,
    StatusForm,
    party_choices,
)
from samenhang.blueprints.places.views import get_wijk_or_404
from samenhang.content.queries import localize, localize_many
from samenhang.contracts import queries, services
from samenhang.contracts.models import Contract, ContractStatus, Goal, Party
from samenhang.i18n import current_locale
from samenhang.localtime import local_today
from samenhang.places.models import Wijk
from samenhang.policies import (
    can_link_goal,
    can_manage,
    can_report_on,
    can_view_contract,
    can_write_contract,
    require_visible,
)

View = str | Response | tuple[str, int]


def wijk_values(wijk: Wijk) -> dict[str, str]:
    return {"municipality_slug": wijk.municipality.slug, "wijk_slug": wijk.slug}


def contract_url(contract: Contract, endpoint: str = "contracts.version", **extra: Any) -> str:
    return url_for(
        endpoint,
        **wijk_values(contract.wijk),
        year=contract.year,
        version=contract.version,
        **extra,
    )


def goal_url(goal: Goal, endpoint: str = "contracts.goal", **extra: Any) -> str:
    return url_for(
        endpoint, **wijk_values(goal.wijk), year=goal.contract.year, goal_id=goal.id, **extra
    )


def index_url(wijk: Wijk) -> str:
    return url_for("contracts.index", **wijk_values(wijk))


def get_contract_or_404(
    municipality_slug: str, wijk_slug: str, year: int, version: int | None = None
) -> Contract:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    if version is None:
        contract = queries.shown_version(queries.versions(wijk, year), current_user)
    else:
        contract = queries.version(wijk, year, version)
    if contract is None:
        abort(404)
    require_visible(can_view_contract(current_user, contract))
    return contract


def get_goal_or_404(municipality_slug: str, wijk_slug: str, year: int, goal_id: int) -> Goal:
    wijk = get_wijk_or_404(municipality_slug, wijk_slug)
    goal = queries.goal_by_id(goal_id)
    if goal is None or goal.contract.wijk_id != wijk.id or goal.contract.year != year:
        abort(404)
    require_visible(can_view_contract(current_user, goal.contract))
    return goal


def party_of(contract: Contract, party_id: int) -> Party:
    found = queries.party_by_id(party_id)
    if found is None or found.contract_id != contract.id:
        abort(404)
    return found


def goal_of(contract: Contract, goal_id: int) -> Goal:
    found = queries.goal_by_id(goal_id)
    if found is None or found.contract_id != contract.id:
        abort(404)
    return found


def goal_form(contract: Contract, goal: Goal | None = None) -> GoalForm:
    """The goal form, filled from the request when sent, else from `goal`."""
    form = GoalForm(obj=goal)
    if goal is not None and not form.is_submitted():
        form.owner.data = goal.owner_party_id
        form.theme.data, form.unit.data = goal.theme.value, goal.unit.value
    form.owner.choices = party_choices(contract.parties)
    return form


def commitment_form(contract: Contract, *, empty: bool = False) -> CommitmentForm:
    form = CommitmentForm(formdata=None) if empty else CommitmentForm()
    form.party.choices = party_choices(contract.parties)
    return form


def _empty(form_class: type) -> Any:
    return form_class(formdata=None)


def contract_context(contract: Contract, **forms: Any) -> dict[str, Any]:
    """The contract page; `forms` are those that came back with errors."""
    wijk = contract.wijk
    all_versions = queries.versions(wijk, contract.year)
    context: dict[str, Any] = {
        "contract": contract,
        "wijk": wijk,
        "versions": [v for v in all_versions if can_view_contract(current_user, v)],
        "in_force": next((v for v in all_versions if v.is_in_force), None),
        "comments_open": queries.comments_are_open(contract),
        "following": queries.is_following(current_user, wijk),
        "comment_form": forms.get("comment_form") or _empty(CommentForm),
        "sign_form": forms.get("sign_form") or _empty(SignForm),
        "sign_party_id": forms.get("sign_party_id"),
        "latest": {g.id: queries.latest_progress(g) for g in contract.goals},
        "goal_texts": localize_many(contract.goals, current_locale()),
    }
    if can_write_contract(current_user, wijk):
        context.update(
            party_form=forms.get("party_form") or _empty(PartyForm),
            representatives_form=forms.get("representatives_form") or _empty(RepresentativesForm),
            party_id=forms.get("party_id"),
            publish_form=forms.get("publish_form") or _empty(PublishForm),
            amend_form=forms.get("amend_form") or _empty(AmendForm),
            commitment_form=forms.get("commitment_form") or commitment_form(contract, empty=True),
            commitment_goal_id=forms.get("commitment_goal_id"),
            unfinished=[g for g in contract.goals if services.is_unfinished(g)],
        )
    if can_manage(current_user, wijk):
        context["signatory_form"] = forms.get("signatory_form") or _empty(EmailForm)
        context["signatory_party_id"] = forms.get("signatory_party_id")
        context["signatories"] = {p.id: queries.people_of(p) for p in contract.parties}
    return context


def goal_context(goal: Goal, **forms: Any) -> dict[str, Any]:
    """The goal page; `forms` are those that came back with errors."""
    progress = queries.history(goal)
    context: dict[str, Any] = {
        "goal": goal,
        "goal_text": localize(goal, current_locale(), original=request.args.get("original") == "1"),
        "contract": goal.contract,
        "wijk": goal.wijk,
        "progress": progress,
        "chart": queries.progress_chart(goal, progress),
        "questions": queries.questions(goal),
        "newer": queries.newer_goal(goal),
        "question_form": forms.get("question_form") or _empty(QuestionForm),
        "done_form": forms.get("done_form") or _empty(DoneForm),
    }
    in_force = goal.contract.status is ContractStatus.signed
    if in_force and can_report_on(current_user, goal):
        progress_form = forms.get("progress_form")
        if progress_form is None:
            progress_form = ProgressForm(formdata=None, unit=goal.unit.value)
            progress_form.measured_on.data = local_today()
        status_form = forms.get("status_form") or StatusForm(
            formdata=None, status=goal.status.value, reason=goal.status_reason
        )
        context.update(
            progress_form=progress_form,
            status_form=status_form,
            answer_form=forms.get("answer_form") or _empty(AnswerForm),
            answer_question_id=forms.get("answer_question_id"),
            review_form=forms.get("review_form") or _empty(ReviewForm),
            review_opens_on=services.review_opens_on(goal),
        )
    if can_link_goal(current_user, goal) and goal.contract.status is not ContractStatus.superseded:
        link_form = forms.get("link_form") or _empty(LinkForm)
        link_form.target.choices = link_choices(goal)
        context["link_form"] = link_form
    return context


def link_choices(goal: Goal) -> list[tuple[str, str]]:
    found = queries.linkable(goal.wijk)
    choices = [("", _("Choose…"))]
    choices += [
        (f"initiative:{i.id}", _("Initiative: {title}").format(title=i.title))
        for i in found.initiatives
    ]
    choices += [
        (f"round:{r.id}", _("Wijkstemdag: {title}").format(title=r.title)) for r in found.rounds
    ]
    choices += [
        (f"pot:{p.id}", _("Residents' budget: {name} {year}").format(name=p.name, year=p.year))
        for p in found.pots
    ]
    choices += [
        (f"campaign:{c.id}", _("Campaign: {title}").format(title=c.title)) for c in found.campaigns
    ]
    choices += [
        (
            f"line:{li.id}",
            _("Buurtbegroting {year}: {title}").format(year=li.budget.year, title=li.title),
        )
        for li in found.lines
    ]
    return choices


def start_form() -> StartForm:
    form = StartForm(formdata=None)
    form.year.data = local_today().year
    return form
