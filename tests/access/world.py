"""One small wijk with one of everything, and a person for every role, for the access table.

Wijk A ("korrewegwijk") holds everything; wijk B ("elders") only people. The resident of
wijk A owns the initiatives and the application, so owner-only routes are theirs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from conftest import link_from
from factories.accounts import AdminFactory, UserFactory, WijkmanagerFactory, verify_address
from factories.budgets import ROWS, BudgetFactory, line_with_key
from factories.campaigns import CampaignFactory, give, in_days
from factories.contracts import ContractFactory
from factories.initiatives import InitiativeFactory, PublishedInitiativeFactory
from factories.places import MunicipalityFactory, WijkFactory
from factories.voting import ProjectFactory, RoundFactory
from factories.vouchers import ApplicationFactory, PotFactory, grant, pay, photo_bytes

from samenhang import uploads
from samenhang.accounts import services as accounts
from samenhang.accounts.models import AddressVerification, User
from samenhang.budgets import importing
from samenhang.budgets import services as budgets
from samenhang.contracts import services as contracts
from samenhang.contracts.models import Unit
from samenhang.db import utcnow
from samenhang.extensions import db
from samenhang.initiatives.models import Comment, Photo, State
from samenhang.jobs import JobStatus
from samenhang.uploads import PAGE_WIDTHS
from samenhang.voting import counting
from samenhang.voting import services as voting_services
from samenhang.voting.models import (
    Ballot,
    BatchStatus,
    Channel,
    LetterBatch,
    PaperBatch,
    Phase,
    ProjectStatus,
    RoundVolunteer,
)
from samenhang.vouchers import services as vouchers
from samenhang.vouchers.models import PanelMember

ANONYMOUS = "anonymous"
RESIDENT = "resident"  # of wijk A; the author and the applicant
ELSEWHERE = "resident_elsewhere"
VOLUNTEER = "volunteer"  # of the voting round
PANEL = "panel_member"  # of the pot
MANAGER = "wijkmanager"  # of wijk A
OTHER_MANAGER = "wijkmanager_elsewhere"
ADMIN = "admin"
ROLES = (ANONYMOUS, RESIDENT, ELSEWHERE, VOLUNTEER, PANEL, MANAGER, OTHER_MANAGER, ADMIN)


@dataclass
class World:
    users: dict[str, User | None]
    values: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)


def build_world(outbox: list[Any]) -> World:
    municipality = MunicipalityFactory(slug="groningen", name="Groningen")
    wijk = WijkFactory(municipality=municipality, slug="korrewegwijk", name="Korrewegwijk")
    elsewhere = WijkFactory(municipality=municipality, slug="elders", name="Elders")
    manager = WijkmanagerFactory(wijken=[wijk])
    users: dict[str, User | None] = {
        ANONYMOUS: None,
        RESIDENT: UserFactory(wijk=wijk, postcode="9715AB"),
        ELSEWHERE: UserFactory(wijk=elsewhere, postcode="9700AA"),
        VOLUNTEER: UserFactory(wijk=wijk, postcode="9715AB"),
        PANEL: UserFactory(wijk=wijk, postcode="9715AB"),
        MANAGER: manager,
        OTHER_MANAGER: WijkmanagerFactory(wijken=[elsewhere]),
        ADMIN: AdminFactory(),
    }
    resident = users[RESIDENT]
    # The people of wijk A have checked addresses (they may vote and apply for money); a
    # newcomer's request waits for the wijkmanager.
    for role in (RESIDENT, VOLUNTEER, PANEL):
        verify_address(users[role])
    newcomer = UserFactory(wijk=wijk, postcode="9715AB")
    address_request = AddressVerification(
        user=newcomer, wijk=wijk, postcode="9715AB", address="Nieuwe bewoner\nBloemstraat 5"
    )
    db.session.add(address_request)
    db.session.flush()

    published = PublishedInitiativeFactory(wijk=wijk, author=resident)
    draft = InitiativeFactory(wijk=wijk, author=resident, state=State.draft)
    comment = Comment(initiative=published, author=users[ELSEWHERE], body="Mooi plan!")
    photo = _photo(draft)
    public_photo = _photo(published)
    db.session.add(comment)

    voting = RoundFactory(wijk=wijk, phase=Phase.voting)
    project = ProjectFactory(round=voting, status=ProjectStatus.proposed)
    ProjectFactory(round=voting)
    db.session.add(RoundVolunteer(round=voting, user=users[VOLUNTEER]))
    code_request = voting_services.request_code(voting, actor=resident)
    db.session.flush()
    batch = PaperBatch(
        round_id=voting.id,
        label="Doos 1",
        declared_count=1,
        entered_count=1,
        status=BatchStatus.entered,
        entered_by_id=manager.id,
    )
    db.session.add(batch)
    letters = LetterBatch(round=voting, count=1, requested_by=manager, status=JobStatus.done)
    db.session.add(letters)
    db.session.flush()
    counted = _counted_round(wijk, manager)

    pot = PotFactory(wijk=wijk, manager=manager)
    db.session.add(PanelMember(pot=pot, user=users[PANEL]))
    application = ApplicationFactory(pot=pot, applicant=resident)
    supplier, till_token = vouchers.create_supplier(wijk, actor=manager, name="Bouwmarkt")
    report_image = _report_image(pot, resident)
    db.session.flush()
    budget, challenge, pending = _buurtbegroting(wijk, manager, resident)
    campaign_values, campaign_objects = _campaign(wijk, resident, users[ELSEWHERE], manager)
    accounts.request_password_reset(resident.email)
    accounts.send_verification_mail(resident)
    reset_token, verify_token = (link_from(m).rsplit("/", 1)[1] for m in outbox[-2:])

    values = {
        "municipality_slug": municipality.slug,
        "wijk_slug": wijk.slug,
        "initiative_id": published.id,
        "comment_id": comment.id,
        "photo_id": photo.id,
        "round_id": voting.id,
        "project_id": project.id,
        "batch_id": batch.id,
        "letters_id": letters.id,
        "verification_id": address_request.id,
        "request_id": code_request.id,
        "pot_id": pot.id,
        "application_id": application.id,
        "supplier_id": supplier.id,
        "user_id": users[PANEL].id,
        "token": till_token,
        "fmt": "csv",
        "kind": "initiatives",
        "object_id": published.id,
        "locale": "en",
        "name": public_photo.stored_name,
        "width": PAGE_WIDTHS[0],
        "filename": "css/app.css",
        "rest": f"pots/{pot.id}",
        "year": budget.year,
        "line_id": challenge.line_id,
        "challenge_id": challenge.id,
        "import_id": pending.id,
        **campaign_values,
    }
    objects = {
        "draft_initiative": draft,
        "counted_round": counted,
        "draft_photo": photo,
        "public_photo": public_photo.stored_name,
        "report_image": report_image,
        "resident": resident,
        "reset_token": reset_token,
        "verify_token": verify_token,
        **campaign_objects,
    }
    _contracts(wijk, users, published, values, objects)
    return World(users=users, values=values, objects=objects)


def _buurtbegroting(wijk: Any, manager: User, resident: User) -> tuple[Any, Any, Any]:
    """A published buurtbegroting, an open challenge of its public task, a pending import."""
    budget = BudgetFactory(wijk=wijk, manager=manager, published=True)
    challenge = budgets.submit_challenge(
        line_with_key(budget, "K-1"),
        budgets.ChallengeData("Wij doen het groen.", 40_000_00, "Buurtbedrijf"),
        actor=resident,
    )
    changed = [[*row[:6], "1", *row[7:]] for row in ROWS]
    pending = budgets.stage_import(
        budget, "nieuw.csv", importing.rows_to_csv(changed), actor=manager
    ).budget_import
    return budget, challenge, pending


def _contracts(
    wijk: Any, users: dict[str, Any], initiative: Any, values: dict[str, Any], objects: Any
) -> None:
    """Buurtcontract: the resident is on the bewonersraad; this year's contract is signed
    (version 1, with progress, a question and a link) and an amendment is a draft (v2)."""
    resident, manager = users[RESIDENT], users[MANAGER]
    contracts.grant_membership(wijk, resident, actor=manager)
    signed = ContractFactory(wijk=wijk)
    goal = signed.goals[0]
    photo = contracts.Photo(io.BytesIO(photo_bytes()), "image/jpeg")
    progress = contracts.post_progress(
        goal, Decimal(60), Unit.percent, utcnow().date(), actor=manager, photo=photo
    )
    question = contracts.ask_question(goal, "Wanneer?", author=users[ELSEWHERE])
    link = contracts.link(goal, initiative, actor=resident)
    draft = contracts.amend(signed, "Bijstellen.", actor=resident)
    db.session.flush()
    values.update(
        year=signed.year,
        version=1,
        party_id=goal.owner_party_id,
        goal_id=goal.id,
        commitment_id=goal.commitments[0].id,
        question_id=question.id,
        link_id=link.id,
    )
    objects["contract_draft"] = {
        "version": 2,
        "party_id": draft.goals[0].owner_party_id,
        "goal_id": draft.goals[0].id,
        "commitment_id": draft.goals[0].commitments[0].id,
    }
    objects["progress_photo"] = progress.photo_name


def _photo(initiative: Any) -> Photo:
    stored = uploads.store_image(io.BytesIO(photo_bytes()), "initiatives")
    photo = Photo(
        initiative=initiative,
        position=0,
        stored_name=stored.name,
        width=stored.width,
        height=stored.height,
    )
    db.session.add(photo)
    return photo


def _report_image(pot: Any, resident: User) -> str:
    """A report photo of a second, granted and paid application."""
    application = pay(grant(ApplicationFactory(pot=pot, applicant=resident)), 100_00)
    upload = vouchers.Upload(io.BytesIO(photo_bytes()), "image/jpeg")
    report = vouchers.submit_report(application, actor=resident, body="Gedaan.", photos=[upload])
    return str(report.photos[0].image_name)


def _counted_round(wijk: Any, manager: User) -> Any:
    counted = RoundFactory(wijk=wijk, phase=Phase.counting)
    winner = ProjectFactory(round=counted, cost_cents=300_000)
    ProjectFactory(round=counted, cost_cents=900_000)
    db.session.flush()
    db.session.add(
        Ballot(
            round_id=counted.id,
            channel=Channel.paper,
            selection=[winner.id],
            cast_on=(utcnow() - timedelta(days=1)).date(),
        )
    )
    db.session.flush()
    counting.count_round(counted, actor=manager)
    counted.phase = Phase.results
    db.session.flush()
    return counted


def _campaign(
    wijk: Any, resident: User, supporter: User, manager: User
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A running campaign of the resident with a task, a wanted thing, an offer and a gift
    promised by `supporter`; and a published initiative of theirs without a campaign yet."""
    from samenhang.campaigns import services as campaigns
    from samenhang.campaigns import storage as campaign_storage
    from samenhang.campaigns.models import CampaignReceipt, NeedKind

    campaign = CampaignFactory(initiative__wijk=wijk, initiative__author=resident, manager=manager)
    task = campaigns.add_task(campaign, "Verven", in_days(5), 3, actor=resident)
    need = campaigns.add_need(campaign, NeedKind.space, "Een zaal", actor=resident)
    offer = campaigns.offer_help(need, "Ons buurthuis", actor=supporter)
    pledge = give(campaign, 10_00, supporter, received=False)
    upload = campaigns.Upload(io.BytesIO(photo_bytes()), "image/jpeg")
    campaign_photo = campaigns.add_photo(campaign, upload, "De buurtkamer", actor=resident)
    # A receipt straight in the table: the service asks for a payout, which needs a campaign
    # that succeeded; the route's access does not depend on that.
    stored = campaign_storage.store_image(io.BytesIO(photo_bytes()), "receipts")
    receipt = CampaignReceipt(
        campaign=campaign,
        description="Verf",
        amount_cents=25_00,
        image_name=stored.name,
        uploaded_by=resident,
    )
    db.session.add(receipt)
    db.session.flush()
    fresh = PublishedInitiativeFactory(wijk=wijk, author=resident)
    values = {
        "campaign_id": campaign.id,
        "task_id": task.id,
        "need_id": need.id,
        "offer_id": offer.id,
        "pledge_id": pledge.id,
    }
    objects = {
        "initiative_without_campaign": fresh,
        "campaign_photo": campaign_photo,
        "campaign_receipt": receipt,
    }
    return values, objects
