"""Who may reach every route: the declared table that `test_url_map.py` checks.

A role is *let through* when the answer is not a refusal of access (401, 403, 404, or a
redirect to sign in); a 422 for an empty form still counts as let through. Every endpoint
and method of the app must have an entry here: a new route without one fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from access.world import (
    ADMIN,
    ANONYMOUS,
    ELSEWHERE,
    MANAGER,
    OTHER_MANAGER,
    PANEL,
    RESIDENT,
    ROLES,
    VOLUNTEER,
    World,
)

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
MANAGERS = frozenset({MANAGER, ADMIN})
VOLUNTEERS = MANAGERS | {VOLUNTEER}
NOBODY_BUT_OWNER = frozenset({RESIDENT})
OWNER_AND_MANAGERS = MANAGERS | {RESIDENT}
ADMINS = frozenset({ADMIN})
#: People whose address lies in wijk A.
WIJK_RESIDENTS = frozenset({RESIDENT, VOLUNTEER, PANEL})


@dataclass(frozen=True)
class Access:
    allowed: frozenset[str]
    #: URL values that differ from the world's defaults, e.g. another round.
    values: Callable[[World], dict[str, Any]] | None = None
    #: Form or JSON body of a POST.
    data: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    #: Why the rule is what it is, where it is not obvious.
    why: str = ""


def _draft_initiative(world: World) -> dict[str, Any]:
    return {"initiative_id": world.objects["draft_initiative"].id}


def _draft_object(world: World) -> dict[str, Any]:
    return {"object_id": world.objects["draft_initiative"].id}


def _counted(world: World) -> dict[str, Any]:
    return {"round_id": world.objects["counted_round"].id}


def _photo(world: World) -> dict[str, Any]:
    return {"initiative_id": world.objects["draft_initiative"].id}


def _report_image(world: World) -> dict[str, Any]:
    return {"kind": "reports", "name": world.objects["report_image"]}


def _receipt_image(world: World) -> dict[str, Any]:
    return {"kind": "receipts", "name": world.objects["receipt_image"]}


def _campaign_photo(world: World) -> dict[str, Any]:
    photo = world.objects["campaign_photo"]
    return {"campaign_id": photo.campaign_id, "photo_id": photo.id, "name": photo.stored_name}


def _campaign_receipt(world: World) -> dict[str, Any]:
    receipt = world.objects["campaign_receipt"]
    return {"campaign_id": receipt.campaign_id, "receipt_id": receipt.id}


def _municipality(world: World) -> dict[str, Any]:
    return {"municipality_id": world.objects["draft_initiative"].wijk.municipality_id}


def _theme_file(world: World) -> dict[str, Any]:
    return {"name": "voorbeeld", "filename": "theme.css"}


def _resident(world: World) -> dict[str, Any]:
    return {"user_id": world.objects["resident"].id}


def _reset_token(world: World) -> dict[str, Any]:
    return {"token": world.objects["reset_token"]}


def _verify_token(world: World) -> dict[str, Any]:
    return {"token": world.objects["verify_token"]}


def _public_photo(world: World) -> dict[str, Any]:
    return {"name": world.objects["public_photo"]}


def _contract_draft(world: World) -> dict[str, Any]:
    return dict(world.objects["contract_draft"])


def _progress_photo(world: World) -> dict[str, Any]:
    return {"name": world.objects["progress_photo"]}


#: Buurtcontract: the resident of wijk A is on its bewonersraad (writes the drafts); the
#: wijkmanager acts for the gemeente, which owns the goal.
WRITER = NOBODY_BUT_OWNER
DRAFT = {"values": _contract_draft}


def _initiative_without_campaign(world: World) -> dict[str, Any]:
    return {"initiative_id": world.objects["initiative_without_campaign"].id}


ACCESS: dict[tuple[str, str], Access] = {
    # --- main, accounts, admin -----------------------------------------------------------
    ("main.home", "GET"): Access(EVERYONE),
    ("main.healthz", "GET"): Access(EVERYONE),
    ("main.readyz", "GET"): Access(EVERYONE),
    ("main.privacy", "GET"): Access(EVERYONE),
    ("main.contact", "GET"): Access(EVERYONE),
    ("main.set_language", "POST"): Access(EVERYONE, data={"locale": "en"}),
    ("static", "GET"): Access(EVERYONE),
    ("accounts.signin", "GET"): Access(EVERYONE),
    ("accounts.signin", "POST"): Access(EVERYONE),
    ("accounts.signup", "GET"): Access(EVERYONE),
    ("accounts.signup", "POST"): Access(EVERYONE),
    ("accounts.signout", "POST"): Access(SIGNED_IN),
    ("accounts.forgot_password", "GET"): Access(EVERYONE),
    ("accounts.forgot_password", "POST"): Access(EVERYONE),
    ("accounts.reset_password", "GET"): Access(EVERYONE, values=_reset_token),
    ("accounts.reset_password", "POST"): Access(EVERYONE, values=_reset_token),
    ("accounts.verify", "GET"): Access(EVERYONE, values=_verify_token),
    ("accounts.resend_verification", "POST"): Access(SIGNED_IN),
    ("accounts.profile", "GET"): Access(SIGNED_IN),
    ("accounts.profile", "POST"): Access(SIGNED_IN),
    ("accounts.change_password", "POST"): Access(SIGNED_IN),
    ("accounts.export", "GET"): Access(SIGNED_IN),
    ("accounts.delete", "GET"): Access(SIGNED_IN),
    ("accounts.delete", "POST"): Access(SIGNED_IN),
    ("accounts.request_address_check", "POST"): Access(SIGNED_IN),
    ("accounts.confirm_address_code", "POST"): Access(SIGNED_IN),
    ("accounts.withdraw_address_check", "POST"): Access(SIGNED_IN),
    ("accounts.address_checks", "GET"): Access(MANAGERS),
    ("accounts.address_letters", "POST"): Access(MANAGERS),
    ("accounts.address_register_check", "POST"): Access(MANAGERS, data={"note": "BRP gezien."}),
    ("accounts.address_refuse", "POST"): Access(MANAGERS),
    ("admin.users", "GET"): Access(ADMINS),
    ("admin.edit_user", "GET"): Access(ADMINS, values=_resident),
    ("admin.edit_user", "POST"): Access(ADMINS, values=_resident),
    ("admin.municipalities", "GET"): Access(ADMINS),
    ("admin.failed_jobs", "GET"): Access(ADMINS),
    ("admin.set_theme", "POST"): Access(
        ADMINS, values=_municipality, data={"m1-theme": "voorbeeld"}
    ),
    ("themes.theme_file", "GET"): Access(EVERYONE, values=_theme_file),
    # --- places ----------------------------------------------------------------------------
    ("places.find_by_postcode", "GET"): Access(EVERYONE),
    ("places.municipality", "GET"): Access(EVERYONE),
    ("places.wijk", "GET"): Access(EVERYONE),
    # --- initiatives -----------------------------------------------------------------------
    ("initiatives.wijk_list", "GET"): Access(EVERYONE),
    ("initiatives.wijk_feed", "GET"): Access(EVERYONE),
    ("initiatives.municipality_list", "GET"): Access(EVERYONE),
    ("initiatives.municipality_feed", "GET"): Access(EVERYONE),
    ("initiatives.mine", "GET"): Access(SIGNED_IN),
    ("initiatives.create", "GET"): Access(SIGNED_IN),
    ("initiatives.create", "POST"): Access(SIGNED_IN),
    ("initiatives.show", "GET"): Access(EVERYONE),
    ("initiatives.comment", "POST"): Access(SIGNED_IN),
    ("initiatives.flag", "POST"): Access(SIGNED_IN),
    ("initiatives.follow", "POST"): Access(SIGNED_IN),
    ("initiatives.unfollow", "POST"): Access(SIGNED_IN),
    ("initiatives.support", "POST"): Access(SIGNED_IN),
    ("initiatives.unsupport", "POST"): Access(SIGNED_IN),
    ("initiatives.edit", "GET"): Access(NOBODY_BUT_OWNER, values=_draft_initiative),
    ("initiatives.edit", "POST"): Access(NOBODY_BUT_OWNER, values=_draft_initiative),
    ("initiatives.submit", "POST"): Access(NOBODY_BUT_OWNER, values=_draft_initiative),
    ("initiatives.add_photo", "POST"): Access(NOBODY_BUT_OWNER, values=_draft_initiative),
    ("initiatives.remove_photo", "POST"): Access(NOBODY_BUT_OWNER, values=_photo),
    ("initiatives.realise", "POST"): Access(
        OWNER_AND_MANAGERS, why="the initiator or a wijkmanager says it is done"
    ),
    ("initiatives.decide", "GET"): Access(MANAGERS),
    ("initiatives.decide", "POST"): Access(MANAGERS),
    ("initiatives.dismiss_flags", "POST"): Access(MANAGERS),
    ("initiatives.hide_comment", "POST"): Access(MANAGERS),
    ("initiatives.moderation", "GET"): Access(MANAGERS),
    ("initiatives.moderation_log", "GET"): Access(EVERYONE),
    ("initiatives.photo_file", "GET"): Access(EVERYONE, values=_public_photo),
    # --- content translations --------------------------------------------------------------
    ("content.translate", "GET"): Access(
        OWNER_AND_MANAGERS, why="the author, a volunteer translator or the wijkmanager"
    ),
    ("content.translate", "POST"): Access(OWNER_AND_MANAGERS),
    ("content.request_translation", "POST"): Access(SIGNED_IN),
    # --- open data API ---------------------------------------------------------------------
    ("api.initiatives", "GET"): Access(EVERYONE),
    ("api.initiative", "GET"): Access(EVERYONE),
    ("api.openapi", "GET"): Access(EVERYONE),
    # --- wijkstemdag -----------------------------------------------------------------------
    ("voting.wijk_rounds", "GET"): Access(EVERYONE),
    ("voting.create", "GET"): Access(MANAGERS),
    ("voting.create", "POST"): Access(MANAGERS),
    ("voting.import_pb", "GET"): Access(MANAGERS),
    ("voting.import_pb", "POST"): Access(MANAGERS),
    ("voting.show", "GET"): Access(EVERYONE),
    ("voting.ballot", "GET"): Access(EVERYONE),
    ("voting.ballot", "POST"): Access(EVERYONE),
    ("voting.review", "GET"): Access(EVERYONE),
    ("voting.cast", "POST"): Access(EVERYONE),
    ("voting.ballots", "POST"): Access(
        EVERYONE, json={"code": "AAAA-BBBB-CCCC", "choice": []}, why="the code is the credential"
    ),
    ("voting.receipt", "GET"): Access(EVERYONE),
    ("voting.change", "GET"): Access(EVERYONE),
    ("voting.check", "GET"): Access(EVERYONE),
    ("voting.check", "POST"): Access(EVERYONE),
    ("voting.results", "GET"): Access(EVERYONE, values=_counted),
    ("voting.ballots_pb", "GET"): Access(EVERYONE, values=_counted),
    ("voting.ballots_csv", "GET"): Access(EVERYONE, values=_counted),
    ("voting.turnout_csv", "GET"): Access(EVERYONE, values=_counted),
    ("voting.turnout_json", "GET"): Access(EVERYONE, values=_counted),
    ("voting.manage", "GET"): Access(MANAGERS),
    ("voting.edit", "GET"): Access(MANAGERS),
    ("voting.edit", "POST"): Access(MANAGERS),
    ("voting.change_phase", "POST"): Access(MANAGERS),
    ("voting.count", "POST"): Access(MANAGERS),
    ("voting.key_share_pdf", "POST"): Access(MANAGERS),
    ("voting.annul", "POST"): Access(MANAGERS),
    ("voting.propose", "GET"): Access(SIGNED_IN),
    ("voting.propose", "POST"): Access(SIGNED_IN),
    ("voting.edit_project", "GET"): Access(MANAGERS),
    ("voting.edit_project", "POST"): Access(MANAGERS),
    ("voting.review_project", "POST"): Access(MANAGERS),
    ("voting.codes_page", "GET"): Access(MANAGERS),
    ("voting.codes_page", "POST"): Access(MANAGERS),
    ("voting.revoke_code", "POST"): Access(MANAGERS),
    ("voting.reissue_code", "POST"): Access(MANAGERS),
    ("voting.download_letters", "GET"): Access(MANAGERS),
    ("voting.void_letters", "POST"): Access(MANAGERS),
    ("voting.request_code", "POST"): Access(
        SIGNED_IN, why="refused with a message (flashed) to all but checked residents"
    ),
    ("voting.code_requests", "GET"): Access(MANAGERS),
    ("voting.issue_code", "POST"): Access(MANAGERS),
    ("voting.volunteers", "GET"): Access(MANAGERS),
    ("voting.volunteers", "POST"): Access(MANAGERS),
    ("voting.remove_volunteer", "POST"): Access(MANAGERS),
    ("voting.register", "GET"): Access(VOLUNTEERS),
    ("voting.register", "POST"): Access(VOLUNTEERS),
    ("voting.paper", "GET"): Access(VOLUNTEERS),
    ("voting.paper", "POST"): Access(VOLUNTEERS),
    ("voting.decide_batch", "POST"): Access(VOLUNTEERS),
    # --- bewonersbudgetten -----------------------------------------------------------------
    ("vouchers.wijk_pots", "GET"): Access(EVERYONE),
    ("vouchers.new_pot", "GET"): Access(MANAGERS),
    ("vouchers.new_pot", "POST"): Access(MANAGERS),
    ("vouchers.suppliers", "GET"): Access(MANAGERS),
    ("vouchers.suppliers", "POST"): Access(MANAGERS),
    ("vouchers.renew_till_link", "POST"): Access(MANAGERS),
    ("vouchers.till", "GET"): Access(EVERYONE, why="the secret link is the credential"),
    ("vouchers.till", "POST"): Access(EVERYONE),
    ("vouchers.dashboard", "GET"): Access(MANAGERS | {OTHER_MANAGER}),
    ("vouchers.my_applications", "GET"): Access(SIGNED_IN),
    ("vouchers.export_decisions", "GET"): Access(EVERYONE),
    ("vouchers.pot", "GET"): Access(EVERYONE),
    ("vouchers.pot_ledger", "GET"): Access(EVERYONE),
    ("vouchers.fund_pot", "POST"): Access(MANAGERS),
    ("vouchers.edit_criteria", "GET"): Access(MANAGERS),
    ("vouchers.edit_criteria", "POST"): Access(MANAGERS),
    ("vouchers.publish_criteria", "POST"): Access(MANAGERS),
    ("vouchers.comment_on_criteria", "POST"): Access(SIGNED_IN),
    ("vouchers.fix_criteria", "GET"): Access(MANAGERS),
    ("vouchers.fix_criteria", "POST"): Access(MANAGERS),
    ("vouchers.open_pot", "POST"): Access(MANAGERS),
    ("vouchers.close_pot", "POST"): Access(MANAGERS),
    ("vouchers.panel", "GET"): Access(MANAGERS),
    ("vouchers.panel", "POST"): Access(MANAGERS),
    ("vouchers.remove_panel_member", "POST"): Access(MANAGERS),
    ("vouchers.apply", "GET"): Access(
        SIGNED_IN, why="the page says what applying needs before its form, not after"
    ),
    ("vouchers.apply_address", "POST"): Access(SIGNED_IN, why="asks for one's own address check"),
    ("vouchers.apply", "POST"): Access(WIJK_RESIDENTS),
    ("vouchers.vouchers", "GET"): Access(MANAGERS),
    ("vouchers.vouchers", "POST"): Access(MANAGERS),
    ("vouchers.expire_vouchers", "POST"): Access(MANAGERS),
    ("vouchers.application", "GET"): Access(EVERYONE),
    ("vouchers.withdraw", "POST"): Access(NOBODY_BUT_OWNER),
    ("vouchers.score", "POST"): Access(MANAGERS),
    ("vouchers.request_advice", "POST"): Access(MANAGERS),
    ("vouchers.give_advice", "POST"): Access(frozenset({PANEL})),
    ("vouchers.decide", "POST"): Access(MANAGERS),
    ("vouchers.pay_out", "POST"): Access(MANAGERS),
    ("vouchers.upload_receipt", "POST"): Access(NOBODY_BUT_OWNER),
    ("vouchers.submit_report", "POST"): Access(NOBODY_BUT_OWNER),
    ("vouchers.record_return", "POST"): Access(MANAGERS),
    ("vouchers.settle", "POST"): Access(MANAGERS),
    ("vouchers.uploaded_image", "GET"): Access(EVERYONE, values=_report_image),
    ("vouchers.moved", "GET"): Access(EVERYONE, why="old /budgets addresses, 308 onwards"),
    ("vouchers.moved", "POST"): Access(EVERYONE),
    # --- buurtbegroting --------------------------------------------------------------------
    ("budgets.wijk_index", "GET"): Access(EVERYONE),
    ("budgets.show", "GET"): Access(EVERYONE),
    ("budgets.export_budget", "GET"): Access(EVERYONE),
    ("budgets.line", "GET"): Access(EVERYONE),
    ("budgets.challenge", "GET"): Access(SIGNED_IN, why="the line is a public task"),
    ("budgets.challenge", "POST"): Access(SIGNED_IN),
    ("budgets.municipality_index", "GET"): Access(EVERYONE),
    ("budgets.municipality", "GET"): Access(EVERYONE),
    ("budgets.export_municipality", "GET"): Access(EVERYONE),
    ("budgets.data_dictionary", "GET"): Access(EVERYONE),
    ("budgets.import_template", "GET"): Access(EVERYONE),
    ("budgets.manage_wijk", "GET"): Access(MANAGERS),
    ("budgets.manage_wijk", "POST"): Access(MANAGERS),
    ("budgets.manage", "GET"): Access(MANAGERS),
    ("budgets.manage", "POST"): Access(MANAGERS),
    ("budgets.add_platform_lines", "POST"): Access(MANAGERS),
    ("budgets.publish", "POST"): Access(MANAGERS),
    ("budgets.upload", "GET"): Access(MANAGERS),
    ("budgets.upload", "POST"): Access(MANAGERS),
    ("budgets.review_import", "GET"): Access(MANAGERS),
    ("budgets.review_import", "POST"): Access(MANAGERS),
    ("budgets.edit_line", "GET"): Access(MANAGERS),
    ("budgets.edit_line", "POST"): Access(MANAGERS),
    ("budgets.answer", "GET"): Access(MANAGERS),
    ("budgets.answer", "POST"): Access(MANAGERS),
    ("api.budgets", "GET"): Access(EVERYONE),
    # --- buurtcontract ---------------------------------------------------------------------
    ("contracts.index", "GET"): Access(EVERYONE),
    ("contracts.follow", "POST"): Access(SIGNED_IN),
    ("contracts.unfollow", "POST"): Access(SIGNED_IN),
    ("contracts.photo", "GET"): Access(EVERYONE, values=_progress_photo),
    ("contracts.year", "GET"): Access(EVERYONE),
    ("contracts.version", "GET"): Access(EVERYONE),
    ("contracts.changes", "GET"): Access(
        OWNER_AND_MANAGERS, **DRAFT, why="a draft amendment: the bewonersraad and managers"
    ),
    ("contracts.comment", "POST"): Access(SIGNED_IN),
    ("contracts.goal", "GET"): Access(EVERYONE),
    ("contracts.ask", "POST"): Access(SIGNED_IN),
    ("contracts.start", "POST"): Access(WRITER),
    ("contracts.edit", "GET"): Access(WRITER, **DRAFT),
    ("contracts.edit", "POST"): Access(WRITER, **DRAFT),
    ("contracts.add_party", "POST"): Access(WRITER, **DRAFT),
    ("contracts.edit_party", "POST"): Access(WRITER, **DRAFT),
    ("contracts.remove_party", "POST"): Access(WRITER, **DRAFT),
    ("contracts.new_goal", "GET"): Access(WRITER, **DRAFT),
    ("contracts.new_goal", "POST"): Access(WRITER, **DRAFT),
    ("contracts.edit_goal", "GET"): Access(WRITER, **DRAFT),
    ("contracts.edit_goal", "POST"): Access(WRITER, **DRAFT),
    ("contracts.remove_goal", "POST"): Access(WRITER, **DRAFT),
    ("contracts.add_commitment", "POST"): Access(WRITER, **DRAFT),
    ("contracts.remove_commitment", "POST"): Access(WRITER, **DRAFT),
    ("contracts.publish", "POST"): Access(WRITER, **DRAFT),
    ("contracts.open_signing", "POST"): Access(WRITER, **DRAFT),
    ("contracts.amend", "POST"): Access(WRITER),
    ("contracts.carry_over", "POST"): Access(WRITER),
    ("contracts.sign", "POST"): Access(MANAGERS, why="for the gemeente: its wijkmanagers"),
    ("contracts.post_progress", "POST"): Access(MANAGERS, why="the gemeente owns the goal"),
    ("contracts.set_status", "POST"): Access(MANAGERS),
    ("contracts.review", "POST"): Access(MANAGERS),
    ("contracts.answer", "POST"): Access(MANAGERS),
    ("contracts.commitment_done", "POST"): Access(MANAGERS),
    ("contracts.add_link", "POST"): Access(OWNER_AND_MANAGERS, why="owner or bewonersraad"),
    ("contracts.remove_link", "POST"): Access(OWNER_AND_MANAGERS),
    ("contracts.bewonersraad", "GET"): Access(MANAGERS),
    ("contracts.bewonersraad", "POST"): Access(MANAGERS),
    ("contracts.end_membership", "POST"): Access(MANAGERS),
    ("contracts.authorise", "POST"): Access(MANAGERS),
    ("contracts.revoke", "POST"): Access(MANAGERS),
    # --- outcomes --------------------------------------------------------------------------
    ("outcomes.wijk", "GET"): Access(EVERYONE),
    ("outcomes.wijk_export", "GET"): Access(EVERYONE),
    ("outcomes.municipality", "GET"): Access(EVERYONE),
    ("outcomes.municipality_export", "GET"): Access(EVERYONE),
    ("outcomes.import_figures", "GET"): Access(
        MANAGERS | {OTHER_MANAGER}, why="a wijkmanager of any wijk of the gemeente"
    ),
    ("outcomes.import_figures", "POST"): Access(MANAGERS | {OTHER_MANAGER}),
    ("api.outcomes", "GET"): Access(EVERYONE),
    # --- participation (who takes part) -----------------------------------------------------
    ("participation.wijk", "GET"): Access(EVERYONE),
    ("participation.wijk_export", "GET"): Access(EVERYONE),
    ("participation.municipality", "GET"): Access(EVERYONE),
    ("participation.municipality_export", "GET"): Access(EVERYONE),
    ("participation.people", "GET"): Access(
        MANAGERS, why="applicants by language: for the wijk's own wijkmanager"
    ),
    ("participation.languages", "GET"): Access(MANAGERS),
    ("participation.languages", "POST"): Access(MANAGERS),
    ("api.participation", "GET"): Access(EVERYONE),
    # --- campaigns -------------------------------------------------------------------------
    ("campaigns.wijk_list", "GET"): Access(EVERYONE),
    ("campaigns.wijk_feed", "GET"): Access(EVERYONE),
    ("campaigns.municipality_list", "GET"): Access(EVERYONE),
    ("campaigns.create", "GET"): Access(NOBODY_BUT_OWNER, values=_initiative_without_campaign),
    ("campaigns.create", "POST"): Access(NOBODY_BUT_OWNER, values=_initiative_without_campaign),
    ("campaigns.show", "GET"): Access(EVERYONE),
    ("campaigns.widget", "GET"): Access(EVERYONE),
    ("campaigns.poster_pdf", "GET"): Access(EVERYONE),
    ("campaigns.api_campaigns", "GET"): Access(EVERYONE),
    ("campaigns.api_campaign", "GET"): Access(EVERYONE),
    ("campaigns.edit", "GET"): Access(NOBODY_BUT_OWNER),
    ("campaigns.edit", "POST"): Access(NOBODY_BUT_OWNER),
    ("campaigns.submit", "POST"): Access(NOBODY_BUT_OWNER),
    ("campaigns.manage", "GET"): Access(OWNER_AND_MANAGERS, why="the initiator and the wijk's"),
    ("campaigns.add_task", "POST"): Access(NOBODY_BUT_OWNER),
    ("campaigns.remove_task", "POST"): Access(NOBODY_BUT_OWNER),
    ("campaigns.task_done", "POST"): Access(OWNER_AND_MANAGERS),
    ("campaigns.add_need", "POST"): Access(NOBODY_BUT_OWNER),
    ("campaigns.remove_need", "POST"): Access(NOBODY_BUT_OWNER),
    ("campaigns.confirm_offer", "POST"): Access(OWNER_AND_MANAGERS),
    ("campaigns.post_update", "POST"): Access(OWNER_AND_MANAGERS),
    ("campaigns.add_photo", "POST"): Access(NOBODY_BUT_OWNER),
    ("campaigns.remove_photo", "POST"): Access(NOBODY_BUT_OWNER, values=_campaign_photo),
    ("campaigns.photo_file", "GET"): Access(EVERYONE, values=_campaign_photo),
    ("campaigns.add_receipt", "POST"): Access(NOBODY_BUT_OWNER),
    ("campaigns.receipt_file", "GET"): Access(
        OWNER_AND_MANAGERS, values=_campaign_receipt, why="a receipt can show a name or address"
    ),
    ("campaigns.give", "GET"): Access(SIGNED_IN),
    ("campaigns.give", "POST"): Access(SIGNED_IN),
    ("campaigns.sign_up", "POST"): Access(SIGNED_IN),
    ("campaigns.cancel_signup", "POST"): Access(SIGNED_IN),
    ("campaigns.offer", "POST"): Access(SIGNED_IN),
    ("campaigns.withdraw_offer", "POST"): Access(
        frozenset({ELSEWHERE}), why="the resident who offered it"
    ),
    ("campaigns.pledge", "GET"): Access(MANAGERS | {ELSEWHERE}, why="the giver and the managers"),
    ("campaigns.cancel_pledge", "POST"): Access(MANAGERS | {ELSEWHERE}),
    ("campaigns.decide", "GET"): Access(MANAGERS),
    ("campaigns.decide", "POST"): Access(MANAGERS),
    ("campaigns.match", "POST"): Access(MANAGERS),
    ("campaigns.pay_out", "POST"): Access(MANAGERS),
    ("campaigns.mark_received", "POST"): Access(MANAGERS),
    ("campaigns.refund", "POST"): Access(MANAGERS),
    ("campaigns.stripe_webhook", "POST"): Access(EVERYONE, why="the signature is the credential"),
}
