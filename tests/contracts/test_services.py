from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from factories.accounts import UserFactory, WijkmanagerFactory
from factories.contracts import (
    ContractFactory,
    bewonersraad_member,
    first_goal,
    goal_input,
    manager_of,
    party,
    signer_for,
    writer_of,
)
from factories.initiatives import InitiativeFactory, PublishedInitiativeFactory
from factories.places import WijkFactory
from factories.vouchers import photo_bytes

from samenhang.audit.models import AuditEntry
from samenhang.contracts import queries, services
from samenhang.contracts.models import (
    Contract,
    ContractStatus,
    GoalStatus,
    PartyKind,
    Progress,
    ReviewOutcome,
    SignedContractIsImmutable,
    Unit,
)
from samenhang.contracts.text import changes, content_hash
from samenhang.contracts.units import InvalidValue, parse_value
from samenhang.db import utcnow
from samenhang.errors import DomainError, NotFound, PermissionDenied
from samenhang.extensions import db
from samenhang.initiatives.models import State


def _count(model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


# --- bewonersraad -------------------------------------------------------------------------


def test_wijkmanager_grants_and_ends_membership_in_the_audit_log(db_session: Any) -> None:
    wijk = WijkFactory()
    manager = WijkmanagerFactory(wijken=[wijk])
    resident = UserFactory(wijk=wijk)
    services.grant_membership(wijk, resident, actor=manager)
    assert queries.members(wijk) == [resident]
    with pytest.raises(DomainError, match="already on the bewonersraad"):
        services.grant_membership(wijk, resident, actor=manager)
    services.end_membership(wijk, resident, actor=manager)
    assert queries.members(wijk) == []
    assert _actions()[-2:] == ["bewonersraad.granted", "bewonersraad.ended"]


def test_only_a_wijkmanager_of_the_wijk_grants_membership(db_session: Any) -> None:
    wijk = WijkFactory()
    elsewhere = WijkmanagerFactory(wijken=[WijkFactory()])
    with pytest.raises(PermissionDenied):
        services.grant_membership(wijk, UserFactory(), actor=elsewhere)
    with pytest.raises(PermissionDenied):
        services.grant_membership(wijk, UserFactory(), actor=UserFactory())
    assert queries.members(wijk) == []


# --- drafting and signing -----------------------------------------------------------------


def test_the_bewonersraad_writes_publishes_and_the_parties_sign(db_session: Any) -> None:
    wijk = WijkFactory()
    WijkmanagerFactory(wijken=[wijk])
    writer = bewonersraad_member(wijk)
    now = utcnow()
    contract = services.start_draft(wijk, now.year, actor=writer)
    assert [p.kind for p in contract.parties] == [PartyKind.bewonersraad, PartyKind.gemeente]
    with pytest.raises(DomainError, match="at least one goal"):
        services.publish_for_comments(contract, (now + timedelta(days=30)).date(), actor=writer)
    services.add_goal(contract, goal_input(contract.parties[0]), actor=writer)
    with pytest.raises(DomainError, match="at least 14 days"):
        services.publish_for_comments(contract, (now + timedelta(days=3)).date(), actor=writer)
    services.publish_for_comments(contract, (now + timedelta(days=20)).date(), actor=writer)
    assert contract.status is ContractStatus.consultation
    resident = UserFactory()
    services.comment_on_draft(contract, "Ook de speeltuin verlichten graag.", author=resident)
    with pytest.raises(DomainError, match="still comment"):
        services.open_signing(contract, actor=writer)
    later = now + timedelta(days=21)
    with pytest.raises(DomainError, match="comment period"):
        services.comment_on_draft(contract, "Te laat", author=resident, now=later)
    services.open_signing(contract, actor=writer, now=later)
    assert contract.content_hash == content_hash(contract)
    bewonersraad, gemeente = contract.parties
    services.sign(bewonersraad, actor=writer)
    assert contract.status is ContractStatus.signing
    services.sign(gemeente, actor=manager_of(contract))
    assert contract.status is ContractStatus.signed and contract.signed_at is not None
    assert {s.content_hash for s in contract.signatures} == {contract.content_hash}
    assert [s.signer_name for s in contract.signatures] == [
        writer.display_name,
        manager_of(contract).display_name,
    ]


def test_signing_without_authority_is_refused_and_changes_nothing(db_session: Any) -> None:
    contract = ContractFactory(stage="signing")
    corporatie = party(contract, PartyKind.corporatie)
    for stranger in (UserFactory(), writer_of(contract), manager_of(contract)):
        with pytest.raises(PermissionDenied, match="Only someone authorised by Woonbedrijf"):
            services.sign(corporatie, actor=stranger)
    assert corporatie.signature is None and _count(Contract) == 1
    services.sign(corporatie, actor=signer_for(corporatie))
    with pytest.raises(DomainError, match="already signed"):
        services.sign(corporatie, actor=signer_for(corporatie))


def test_a_party_signs_only_once_signing_has_opened(db_session: Any) -> None:
    contract = ContractFactory(stage="consultation")
    gemeente = party(contract, PartyKind.gemeente)
    with pytest.raises(DomainError, match="Signing has not started"):
        services.sign(gemeente, actor=manager_of(contract))
    assert gemeente.signature is None


def test_a_signed_contract_cannot_be_edited(db_session: Any) -> None:
    contract = ContractFactory()
    writer, goal = writer_of(contract), first_goal(contract)
    before = content_hash(contract)
    with pytest.raises(services.ContractIsFixed, match="signed and cannot be changed"):
        services.update_draft(contract, "Iets anders", actor=writer)
    with pytest.raises(services.ContractIsFixed):
        services.update_goal(goal, goal_input(goal.owner_party, target=Decimal(90)), actor=writer)
    with pytest.raises(services.ContractIsFixed):
        services.add_goal(contract, goal_input(goal.owner_party), actor=writer)
    with pytest.raises(services.ContractIsFixed):
        services.remove_goal(goal, actor=writer)
    db.session.expire_all()
    assert content_hash(contract) == before


def test_even_past_the_services_the_signed_text_cannot_change(db_session: Any) -> None:
    contract = ContractFactory()
    first_goal(contract).target = Decimal(99)
    with pytest.raises(SignedContractIsImmutable):
        db.session.flush()
    db.session.rollback()
    contract = ContractFactory(stage="signing")
    contract.preamble = "Stiekem anders"
    with pytest.raises(SignedContractIsImmutable):
        db.session.flush()


def test_an_amendment_is_a_new_signed_version_with_its_changes(db_session: Any) -> None:
    contract = ContractFactory()
    writer, goal = writer_of(contract), first_goal(contract)
    owner = signer_for(goal.owner_party)
    services.post_progress(goal, Decimal("60"), Unit.percent, date.today(), actor=owner)
    services.set_status(goal, GoalStatus.at_risk, "Lampen komen later.", actor=owner)
    with pytest.raises(DomainError, match="Say why"):
        services.amend(contract, "  ", actor=writer)
    amendment = services.amend(contract, "Het doel wordt bijgesteld.", actor=writer)
    assert (amendment.version, amendment.status, amendment.amends) == (
        2,
        ContractStatus.draft,
        contract,
    )
    with pytest.raises(DomainError, match="already being prepared"):
        services.amend(contract, "Nog een", actor=writer)
    new_goal = first_goal(amendment)
    services.update_goal(
        new_goal, goal_input(new_goal.owner_party, target=Decimal("62")), actor=writer
    )
    found = changes(contract, amendment)
    assert [(c.heading, c.kind) for c in found] == [(f"Goal: {new_goal.title}", "changed")]
    assert found[0].fields == [("Target", "<del>65%</del> <ins>62%</ins>")]
    # The owner updates the status of the version in force while the amendment is written.
    services.set_status(goal, GoalStatus.behind, "", actor=owner)
    services.publish_for_comments(
        amendment, (utcnow() + timedelta(days=15)).date(), actor=writer, now=utcnow()
    )
    services.open_signing(amendment, actor=writer, now=utcnow() + timedelta(days=16))
    for p in amendment.parties:
        services.sign(p, actor=signer_for(p))
    assert amendment.status is ContractStatus.signed
    assert contract.status is ContractStatus.superseded
    assert new_goal.status is GoalStatus.behind
    assert [p.value for p in queries.history(new_goal)] == [Decimal("60")]
    with pytest.raises(DomainError, match="newer version"):
        services.post_progress(goal, Decimal("61"), Unit.percent, date.today(), actor=owner)


# --- progress -----------------------------------------------------------------------------


def test_owner_posts_progress_with_a_photo_and_evidence(db_session: Any) -> None:
    contract = ContractFactory()
    goal = first_goal(contract)
    owner = signer_for(goal.owner_party)
    photo = services.Photo(io.BytesIO(photo_bytes()), "image/jpeg")
    progress = services.post_progress(
        goal,
        parse_value("61,5"),
        Unit.percent,
        date.today() - timedelta(days=3),
        actor=owner,
        note="Twintig lampen vervangen.",
        evidence_url="https://example.org/rapport",
        photo=photo,
    )
    assert progress.value == Decimal("61.5") and progress.photo_name
    assert queries.history(goal) == [progress]


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        (Decimal("61"), Unit.count, "measured in “Percent”, not in “Count"),
        (Decimal("140"), Unit.percent, "between 0 and 100"),
        (Decimal("61.25"), Unit.percent, "Round the value to 1 decimal place."),
        (1.5, Unit.percent, "must be a number"),
    ],
)
def test_a_progress_value_of_the_wrong_type_or_unit_is_refused(
    db_session: Any, value: Any, unit: Unit, message: str
) -> None:
    goal = first_goal(ContractFactory())
    with pytest.raises(InvalidValue, match=message):
        services.post_progress(goal, value, unit, date.today(), actor=signer_for(goal.owner_party))
    assert _count(Progress) == 0


def test_a_count_is_a_whole_number_and_text_must_be_a_number() -> None:
    from samenhang.contracts.units import check_value

    with pytest.raises(InvalidValue, match="whole number"):
        check_value(Unit.count, Decimal("3.5"))
    for text in ("twaalf", "1.2.3", "NaN", ""):
        with pytest.raises(InvalidValue):
            parse_value(text)
    assert parse_value(" 1 200,5 ") == Decimal("1200.5")


def test_progress_comes_from_the_owner_of_a_signed_goal_only(db_session: Any) -> None:
    contract = ContractFactory()
    goal = first_goal(contract)
    with pytest.raises(PermissionDenied, match="Only Gemeente"):
        services.post_progress(
            goal, Decimal(60), Unit.percent, date.today(), actor=writer_of(contract)
        )
    draft_goal = first_goal(ContractFactory(stage="consultation"))
    with pytest.raises(DomainError, match="once every party has signed"):
        services.post_progress(
            draft_goal,
            Decimal(60),
            Unit.percent,
            date.today(),
            actor=signer_for(draft_goal.owner_party),
        )
    with pytest.raises(DomainError, match="future"):
        services.post_progress(
            goal,
            Decimal(60),
            Unit.percent,
            date.today() + timedelta(days=2),
            actor=signer_for(goal.owner_party),
        )
    assert _count(Progress) == 0


def test_a_dropped_goal_needs_a_public_reason(db_session: Any) -> None:
    goal = first_goal(ContractFactory())
    owner = signer_for(goal.owner_party)
    with pytest.raises(DomainError, match="why the goal is dropped"):
        services.set_status(goal, GoalStatus.dropped, " ", actor=owner)
    services.set_status(goal, GoalStatus.dropped, "Het budget is weg.", actor=owner)
    assert (goal.status, goal.status_reason) == (GoalStatus.dropped, "Het budget is weg.")


def test_residents_ask_and_the_owner_answers(db_session: Any) -> None:
    contract = ContractFactory()
    goal = first_goal(contract)
    question = services.ask_question(goal, "Wanneer komen de lampen?", author=UserFactory())
    with pytest.raises(PermissionDenied):
        services.answer_question(question, "Nooit", actor=UserFactory())
    services.answer_question(question, "In juni.", actor=signer_for(goal.owner_party))
    assert question.answer == "In juni." and question.answered_at is not None
    with pytest.raises(DomainError, match="already answered"):
        services.answer_question(question, "Juli", actor=signer_for(goal.owner_party))
    draft = ContractFactory(stage="draft")
    with pytest.raises(NotFound):
        services.ask_question(first_goal(draft), "Wat is dit?", author=UserFactory())


def test_commitments_are_done_by_their_party(db_session: Any) -> None:
    contract = ContractFactory()
    commitment = first_goal(contract).commitments[0]
    with pytest.raises(PermissionDenied):
        services.complete_commitment(commitment, "", actor=writer_of(contract))
    services.complete_commitment(commitment, "Klaar.", actor=signer_for(commitment.party))
    assert commitment.done_at is not None


def test_goals_link_public_things_of_their_own_wijk(db_session: Any) -> None:
    contract = ContractFactory()
    goal, writer = first_goal(contract), writer_of(contract)
    ours = PublishedInitiativeFactory(wijk=contract.wijk)
    services.link(goal, ours, actor=writer)
    with pytest.raises(DomainError, match="already linked"):
        services.link(goal, ours, actor=writer)
    for other in (
        PublishedInitiativeFactory(),
        InitiativeFactory(wijk=contract.wijk, state=State.draft),
    ):
        with pytest.raises(DomainError, match="Only public things"):
            services.link(goal, other, actor=writer)
    with pytest.raises(PermissionDenied):
        services.link(goal, ours, actor=UserFactory())
    assert [li.initiative for li in goal.links] == [ours]


# --- the end of the year ------------------------------------------------------------------


def test_the_closing_review_waits_for_the_end_of_the_year(db_session: Any) -> None:
    contract = ContractFactory()
    goal = first_goal(contract)
    owner = signer_for(goal.owner_party)
    early = utcnow().replace(month=3, day=1)
    with pytest.raises(DomainError, match="end of the year"):
        services.review_goal(goal, ReviewOutcome.partly, "Half", actor=owner, now=early)
    late = utcnow().replace(month=12, day=1)
    services.review_goal(
        goal, ReviewOutcome.partly, "Half gelukt.", actor=owner, final_value=Decimal(61), now=late
    )
    with pytest.raises(DomainError, match="already has"):
        services.review_goal(goal, ReviewOutcome.partly, "Nog eens", actor=owner, now=late)


def test_unfinished_goals_carry_over_into_next_years_draft(db_session: Any) -> None:
    contract = ContractFactory()
    writer = writer_of(contract)
    goal = first_goal(contract)
    owner = signer_for(goal.owner_party)
    services.post_progress(goal, Decimal("60.5"), Unit.percent, date.today(), actor=owner)
    draft, carried = services.carry_over(contract, actor=writer)
    assert (draft.year, draft.status, carried) == (contract.year + 1, ContractStatus.draft, 1)
    copy = first_goal(draft)
    assert copy.carried_from is goal and copy.baseline == Decimal("60.5")
    assert copy.deadline == goal.deadline.replace(year=goal.deadline.year + 1)
    assert [p.name for p in draft.parties] == [p.name for p in contract.parties]
    assert [c.description for c in copy.commitments] == ["Lampen in de portieken vervangen"]
    # Twice carries nothing new.
    assert services.carry_over(contract, actor=writer) == (draft, 0)
    services.set_status(goal, GoalStatus.achieved, "", actor=owner)
    assert not services.is_unfinished(goal)
    with pytest.raises(PermissionDenied):
        services.carry_over(contract, actor=UserFactory())
