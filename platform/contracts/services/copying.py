"""Copying a contract's parts into another version: an amendment copies everything (each part
pointing at what it amends), next year's draft copies the parties and the unfinished goals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from samenhang.contracts.models import Commitment, Contract, Goal, GoalLink, Party, Signatory


def copy_party(party: Party, into: Contract) -> Party:
    """The same party in `into` (matched by name), made with its signatories if missing."""
    for existing in into.parties:
        if existing.name == party.name:
            return existing
    copy = Party(
        position=len(into.parties),
        kind=party.kind,
        name=party.name,
        representatives=party.representatives,
        signatories=[
            Signatory(user_id=s.user_id, authorised_by_id=s.authorised_by_id)
            for s in party.signatories
        ],
    )
    into.parties.append(copy)
    return copy


def copy_goal(
    goal: Goal,
    into: Contract,
    *,
    amends: bool,
    baseline: Decimal | None = None,
    shift: Callable[[date], date] = lambda d: d,
) -> Goal:
    """A copy of `goal` in `into`: for an amendment (`amends`) with its progress state and
    links, else (next year) starting afresh from `baseline` with the dates moved by `shift`
    and only the commitments not done yet."""
    copy = Goal(
        position=len(into.goals),
        theme=goal.theme,
        title=goal.title,
        description=goal.description,
        indicator=goal.indicator,
        unit=goal.unit,
        source=goal.source,
        baseline=goal.baseline if baseline is None else baseline,
        target=goal.target,
        deadline=shift(goal.deadline),
        owner_party=copy_party(goal.owner_party, into),
        amends_id=goal.id if amends else None,
        carried_from_id=None if amends else goal.id,
    )
    into.goals.append(copy)
    for commitment in goal.commitments:
        if not amends and commitment.done_at is not None:
            continue
        copy.commitments.append(
            Commitment(
                position=len(copy.commitments),
                party=copy_party(commitment.party, into),
                description=commitment.description,
                due_on=shift(commitment.due_on),
                amends_id=commitment.id if amends else None,
            )
        )
    if amends:
        sync_progress_state(goal, copy)
    return copy


def sync_progress_state(old: Goal, new: Goal) -> None:
    """What happened since `old` was signed carries to the goal that amends it: its status,
    commitments done (matched by what they amend) and links."""
    new.status, new.status_reason = old.status, old.status_reason
    new.status_changed_at = old.status_changed_at
    done = {c.id: c for c in old.commitments}
    for commitment in new.commitments:
        before = done.get(commitment.amends_id) if commitment.amends_id else None
        if before is not None and commitment.done_at is None:
            commitment.done_at, commitment.done_note = before.done_at, before.done_note
            commitment.reminded_at = before.reminded_at
    present = {link.key for link in new.links}
    for link in old.links:
        if link.key not in present:
            new.links.append(
                GoalLink(
                    initiative_id=link.initiative_id,
                    round_id=link.round_id,
                    pot_id=link.pot_id,
                    campaign_id=link.campaign_id,
                    line_id=link.line_id,
                    created_by_id=link.created_by_id,
                )
            )
