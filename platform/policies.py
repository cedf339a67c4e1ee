"""Who may see and do what, declared once.

Views, services, the API and templates ask here; nothing re-implements a rule. A predicate
(`can_...`, `is_...`) answers a question; `require(...)` turns a "no" into
`PermissionDenied` (403, or sign-in for a visitor) and `require_visible(...)` into `NotFound`
(404: for things a person may not even know exist, like a draft).

Every route's expected answer per role is in `tests/access/` (a test walks the url_map).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from samenhang.accounts.models import AddressVerification, Role, User, VerificationStatus
from samenhang.contracts.models import BewonersraadMember, ContractStatus, PartyKind
from samenhang.errors import DomainError, NotFound, PermissionDenied
from samenhang.extensions import db
from samenhang.voting.models import Eligibility, Phase, ProjectStatus, RoundVolunteer
from samenhang.vouchers.models import ApplicationStatus, CriteriaStatus, PotStatus

if TYPE_CHECKING:
    from samenhang.budgets.models import Budget, LineItem
    from samenhang.campaigns.models import Campaign, Pledge
    from samenhang.content.models import Translatable
    from samenhang.contracts.models import Commitment, Contract, Goal, Party
    from samenhang.initiatives.models import Initiative
    from samenhang.places.models import Municipality, Wijk
    from samenhang.voting.models import PaperBatch, Project, Round
    from samenhang.vouchers.models import Application, Pot


def require(allowed: bool, message: Any = None, **params: Any) -> None:
    if not allowed:
        raise PermissionDenied(message or _l("You may not do this"), **params)


def require_visible(visible: bool) -> None:
    if not visible:
        raise NotFound(_l("Page not found"))


def is_member(user: Any) -> bool:
    """A signed-in, active account (anonymous visitors are `AnonymousUserMixin`)."""
    return isinstance(user, User) and user.is_active


def is_self(user: Any, user_id: int | None) -> bool:
    return is_member(user) and user_id is not None and user.id == user_id


# --- roles --------------------------------------------------------------------------------


def can_administer(user: Any) -> bool:
    return is_member(user) and user.role is Role.admin


def can_manage(user: Any, wijk: Wijk) -> bool:
    """A wijkmanager acts only in their own wijken; an admin everywhere."""
    if not is_member(user):
        return False
    if user.role is Role.admin:
        return True
    return user.role is Role.wijkmanager and any(w.id == wijk.id for w in user.managed_wijken)


def require_manager(user: Any, wijk: Wijk) -> None:
    require(can_manage(user, wijk), _l("Only a wijkmanager of {wijk} can do this."), wijk=wijk.name)


def is_manager(user: Any) -> bool:
    """A wijkmanager (of any wijk) or an admin: someone with a managers' dashboard."""
    return is_member(user) and user.role in {Role.wijkmanager, Role.admin}


# --- residents: a checked address ------------------------------------------------------


class NotVerified(PermissionDenied):
    """A resident's right (voting, applying for money) needs a confirmed e-mail address and
    an address checked by something the person cannot type themselves (see the profile)."""

    kind = "not_verified"


_CONFIRM_EMAIL = _l(
    "First confirm your e-mail address: click the link in our e-mail. On your profile page"
    " you can ask for the e-mail again."
)


def verified_wijk_id(user: Any) -> int | None:
    """The wijk of the user's checked address (by letter or register), or None.

    The postcode a user types in their profile places them in a wijk for reading and
    following; it never counts here.
    """
    if not is_member(user):
        return None
    return db.session.scalar(
        select(AddressVerification.wijk_id)
        .where(
            AddressVerification.user_id == user.id,
            AddressVerification.status == VerificationStatus.verified,
        )
        .order_by(AddressVerification.verified_at.desc(), AddressVerification.id.desc())
        .limit(1)
    )


# --- what an account may do before its e-mail address is confirmed ---------------------------

#: What a signed-in account may do only once its e-mail address is confirmed, and why. All
#: else is open at once: writing a draft initiative, the profile, the export, deleting the
#: account, withdrawing support or a gift. (Voting and applying for money need more: a
#: checked address too, see `check_verified_resident`.)
CONFIRMED_EMAIL_NEEDED: dict[str, str] = {
    "comment": "public at once, under the account's name",
    "support": "counted in public figures and in the open-data API",
    "flag": "puts work on the wijkmanager's desk",
    "follow": "sends mails to the address",
    "submit_initiative": "goes to the wijkmanager for review, and mails follow",
    "give": "a gift moves money, and the receipt goes to the address",
    "help": "signing up for a task or offering something mails the address",
    "challenge": "mails the wijkmanagers, who must answer",
}


def may_act(user: Any, action: str) -> bool:
    """A signed-in account may do `action` (a key of `CONFIRMED_EMAIL_NEEDED`, or anything
    else, which needs no confirmed address)."""
    if not is_member(user):
        return False
    return user.is_email_verified or action not in CONFIRMED_EMAIL_NEEDED


def require_confirmed_email(user: Any, action: str) -> None:
    """Refuse `action` for an account whose e-mail address is not confirmed yet."""
    if not is_member(user):
        raise PermissionDenied(_l("Please sign in first."))
    if not may_act(user, action):
        raise NotVerified(_CONFIRM_EMAIL)


def is_verified_resident(user: Any, wijk: Wijk) -> bool:
    """A resident of `wijk` as far as rights go: a confirmed e-mail and a checked address."""
    return is_member(user) and user.is_email_verified and verified_wijk_id(user) == wijk.id


@dataclass(frozen=True)
class ResidentSteps:
    """What a resident's right in a wijk still needs, so a page can say it before its form
    (not after the whole form was filled in)."""

    email_confirmed: bool
    address_checked: bool

    @property
    def done(self) -> bool:
        return self.email_confirmed and self.address_checked


def resident_steps(user: Any, wijk: Wijk) -> ResidentSteps:
    member = is_member(user)
    return ResidentSteps(
        email_confirmed=member and bool(user.is_email_verified),
        address_checked=member and verified_wijk_id(user) == wijk.id,
    )


def check_verified_resident(
    user: Any, wijk: Wijk, address_message: Any, *, error: type[DomainError] = NotVerified
) -> None:
    """Raise `error` saying what is missing: a confirmed e-mail, or a checked address in
    `wijk` (`address_message`, which may name `{wijk}`)."""
    if not is_member(user):
        raise error(_l("Please sign in first."))
    if not user.is_email_verified:
        raise error(_CONFIRM_EMAIL)
    if verified_wijk_id(user) != wijk.id:
        raise error(address_message, wijk=wijk.name)


# --- initiatives --------------------------------------------------------------------------


def is_author(user: Any, initiative: Initiative) -> bool:
    return is_self(user, initiative.author_id)


def require_author(user: Any, initiative: Initiative) -> None:
    require(is_author(user, initiative), _l("Only the initiator can change this initiative."))


def can_view_initiative(user: Any, initiative: Initiative) -> bool:
    """Published (and later) initiatives are public; drafts and those in review only for
    their author and the wijk's managers."""
    return (
        initiative.is_viewable or is_author(user, initiative) or can_manage(user, initiative.wijk)
    )


def can_see_initiative_photos(user: Any, initiative: Initiative) -> bool:
    """Photos are public while the initiative is (published, funded, realised). A returned or
    rejected one stays open for the reasons of the decision, not for its photos: those, like
    a draft's, are for its author and the wijk's managers."""
    return initiative.is_public or is_author(user, initiative) or can_manage(user, initiative.wijk)


def can_report_realised(user: Any, initiative: Initiative) -> bool:
    """The initiator or a wijkmanager of the wijk says that a funded initiative is done."""
    return is_author(user, initiative) or can_manage(user, initiative.wijk)


# --- content translations -----------------------------------------------------------------


def can_translate(user: Any, obj: Translatable) -> bool:
    """The author, a volunteer translator or the wijkmanager of the object's wijk."""
    if not is_member(user):
        return False
    return user.id == obj.owner_id or user.is_translator or can_manage(user, obj.wijk)


def require_translator(user: Any, obj: Translatable) -> None:
    require(can_translate(user, obj), _l("You may not translate this."))


# --- wijkstemdag --------------------------------------------------------------------------


def can_view_round(user: Any, round_: Round) -> bool:
    """A round in preparation is known only to the wijk's managers."""
    return round_.phase is not Phase.draft or can_manage(user, round_.wijk)


def can_see_results(user: Any, round_: Round) -> bool:
    """Counted results are public once published; the managers see them to check first."""
    return round_.result is not None and (
        round_.phase is Phase.results or can_manage(user, round_.wijk)
    )


def can_vote_as_resident(user: Any, round_: Round) -> bool:
    """Only in rounds for residents alone: there the checked account is the one credential.
    Where a round also uses stemcodes every voter votes with a code (one person, one
    credential); a checked resident without a letter asks for one (`can_request_code`)."""
    return round_.eligibility is Eligibility.residents and is_verified_resident(user, round_.wijk)


def can_request_code(user: Any, round_: Round) -> bool:
    """A checked resident of the wijk may ask for a stemcode in a round with codes and
    residents, until voting closes."""
    return (
        round_.eligibility is Eligibility.both
        and round_.phase in (Phase.review, Phase.voting)
        and is_verified_resident(user, round_.wijk)
    )


def is_volunteer(user: Any, round_: Round) -> bool:
    """Polling-station volunteers of the round, and the wijk's managers."""
    if not is_member(user):
        return False
    if can_manage(user, round_.wijk):
        return True
    return db.session.get(RoundVolunteer, (round_.id, user.id)) is not None


def require_volunteer(user: Any, round_: Round) -> None:
    require(is_volunteer(user, round_), _l("Only the volunteers of this stemdag can do this."))


def can_check_batch(user: Any, round_: Round, batch: PaperBatch) -> bool:
    """Four eyes: a volunteer checks the paper stacks another volunteer entered."""
    return is_volunteer(user, round_) and not is_self(user, batch.entered_by_id)


def can_edit_project(user: Any, project: Project) -> bool:
    """The wijk's managers; the proposer while the idea waits for review in the ideas phase."""
    if can_manage(user, project.round.wijk):
        return True
    return (
        is_self(user, project.proposer_id)
        and project.status is ProjectStatus.proposed
        and project.round.phase is Phase.ideas
    )


# --- bewonersbudgetten --------------------------------------------------------------------


def is_pot_public(pot: Pot) -> bool:
    """A pot is public once its draft criteria are out for comments."""
    return pot.status is not PotStatus.draft or pot.criteria_status is not CriteriaStatus.draft


def can_view_pot(user: Any, pot: Pot) -> bool:
    return is_pot_public(pot) or can_manage(user, pot.wijk)


def is_applicant(user: Any, application: Application) -> bool:
    return is_self(user, application.applicant_id)


def require_applicant(user: Any, application: Application) -> None:
    require(is_applicant(user, application), _l("Only the residents who applied can do this."))


def require_may_apply(user: Any, pot: Pot) -> None:
    """Residents of the pot's wijk apply: a confirmed e-mail address and an address in the
    wijk that was checked (a typed postcode is not enough to ask for money)."""
    require(is_member(user), _l("Please sign in to apply."))
    check_verified_resident(
        user,
        pot.wijk,
        _l(
            "This pot is for residents of {wijk} whose address has been checked. Ask for"
            " the check on your profile page, under “Your address”."
        ),
    )


def can_view_application(user: Any, application: Application) -> bool:
    """Applications are public (decisions are made in the open), except withdrawn ones."""
    if application.status is not ApplicationStatus.withdrawn:
        return can_view_pot(user, application.pot)
    return is_applicant(user, application) or can_manage(user, application.pot.wijk)


def can_see_receipts(user: Any, application: Application) -> bool:
    """Receipts can carry a name or an address: the applicants and the managers only."""
    return is_applicant(user, application) or can_manage(user, application.pot.wijk)


def is_panel_member(user: Any, pot: Pot) -> bool:
    return is_member(user) and any(m.user_id == user.id for m in pot.panel_members)


def can_advise(user: Any, application: Application) -> bool:
    """A panel member of the pot, on someone else's application."""
    return is_panel_member(user, application.pot) and not is_applicant(user, application)


def require_adviser(user: Any, application: Application) -> None:
    require(
        is_panel_member(user, application.pot),
        _l("Only members of the resident panel can give advice."),
    )
    require(not is_applicant(user, application), _l("You cannot advise on your own application."))


# --- buurtbegroting ----------------------------------------------------------------------


def can_view_budget(user: Any, budget: Budget) -> bool:
    """Public once published; before that the wijk's managers see it as a preview."""
    return budget.is_published or can_manage(user, budget.wijk)


def can_challenge(user: Any, line: LineItem) -> bool:
    """Anyone signed in may challenge a public task of a published buurtbegroting."""
    return is_member(user) and line.is_public_task and line.budget.is_published


# --- buurtcontract and outcomes -----------------------------------------------------------


def is_bewonersraad_member(user: Any, wijk: Wijk) -> bool:
    if not is_member(user):
        return False
    return db.session.get(BewonersraadMember, (wijk.id, user.id)) is not None


def can_write_contract(user: Any, wijk: Wijk) -> bool:
    """The bewonersraad writes the buurtcontract (the wijkmanager grants membership)."""
    return is_bewonersraad_member(user, wijk)


def require_writer(user: Any, wijk: Wijk) -> None:
    require(
        can_write_contract(user, wijk),
        _l("Only members of the bewonersraad of {wijk} can write the buurtcontract."),
        wijk=wijk.name,
    )


def can_view_contract(user: Any, contract: Contract) -> bool:
    """A draft is known only to the bewonersraad and the wijkmanagers; from its comment
    period on a contract is public."""
    return (
        contract.status is not ContractStatus.draft
        or can_write_contract(user, contract.wijk)
        or can_manage(user, contract.wijk)
    )


def can_act_for(user: Any, party: Party) -> bool:
    """Sign and report for a party: the users the wijkmanager authorised for it, and
    without that the bewonersraad's members for the bewonersraad and the wijkmanagers for
    the gemeente."""
    if not is_member(user):
        return False
    wijk = party.contract.wijk
    if party.kind is PartyKind.bewonersraad and is_bewonersraad_member(user, wijk):
        return True
    if party.kind is PartyKind.gemeente and can_manage(user, wijk):
        return True
    return any(s.user_id == user.id for s in party.signatories)


def require_act_for(user: Any, party: Party) -> None:
    require(
        can_act_for(user, party),
        _l("Only someone authorised by {party} can sign for it."),
        party=party.name,
    )


def can_report_on(user: Any, goal: Goal) -> bool:
    """Progress, status, answers and the closing review come from the goal's owner."""
    return can_act_for(user, goal.owner_party)


def require_reporter(user: Any, goal: Goal) -> None:
    require(
        can_report_on(user, goal),
        _l("Only {party} can do this for this goal."),
        party=goal.owner_party.name,
    )


def can_complete_commitment(user: Any, commitment: Commitment) -> bool:
    return can_act_for(user, commitment.party) or can_report_on(user, commitment.goal)


def can_link_goal(user: Any, goal: Goal) -> bool:
    return (
        can_report_on(user, goal)
        or can_write_contract(user, goal.wijk)
        or can_manage(user, goal.wijk)
    )


def can_import_outcomes(user: Any, municipality: Municipality) -> bool:
    """An admin, or a wijkmanager of a wijk in the municipality (for their own wijken)."""
    if not is_member(user):
        return False
    return user.role is Role.admin or (
        user.role is Role.wijkmanager
        and any(w.municipality_id == municipality.id for w in user.managed_wijken)
    )


# --- campaigns ----------------------------------------------------------------------------


def is_initiator(user: Any, campaign: Campaign) -> bool:
    return is_self(user, campaign.initiator_id)


def can_view_campaign(user: Any, campaign: Campaign) -> bool:
    """Running and closed campaigns are public, and so are the reasons of a rejection;
    drafts and those waiting for approval only for their initiator and the managers."""
    return campaign.is_public or is_initiator(user, campaign) or can_manage(user, campaign.wijk)


def can_run_campaign(user: Any, campaign: Campaign) -> bool:
    """The initiator and the wijk's managers see the campaign's management page."""
    return is_initiator(user, campaign) or can_manage(user, campaign.wijk)


def can_view_pledge(user: Any, pledge: Pledge) -> bool:
    return is_self(user, pledge.supporter_id) or can_manage(user, pledge.campaign.wijk)


#: The predicates templates may ask about the signed-in user: `can("manage", wijk)`.
TEMPLATE_POLICIES = {
    "administer": can_administer,
    "manage": can_manage,
    "translate": can_translate,
    "view_initiative": can_view_initiative,
    "act": may_act,
    "see_initiative_photos": can_see_initiative_photos,
    "report_realised": can_report_realised,
    "see_results": can_see_results,
    "volunteer": is_volunteer,
    "vote_as_resident": can_vote_as_resident,
    "request_code": can_request_code,
    "verified_resident": is_verified_resident,
    "edit_project": can_edit_project,
    "check_batch": can_check_batch,
    "view_pot": can_view_pot,
    "apply_as": is_applicant,
    "panel": is_panel_member,
    "advise": can_advise,
    "see_receipts": can_see_receipts,
    "author": is_author,
    "view_budget": can_view_budget,
    "challenge": can_challenge,
    "write_contract": can_write_contract,
    "view_contract": can_view_contract,
    "act_for": can_act_for,
    "report_on": can_report_on,
    "complete_commitment": can_complete_commitment,
    "link_goal": can_link_goal,
    "import_outcomes": can_import_outcomes,
    "initiate": is_initiator,
    "view_campaign": can_view_campaign,
    "run_campaign": can_run_campaign,
}
