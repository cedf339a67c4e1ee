"""Publishing the result: funded projects flow to their initiatives and into the ledger."""

from __future__ import annotations

from samenhang.accounts.models import User
from samenhang.extensions import db
from samenhang.initiatives.models import State as InitiativeState
from samenhang.initiatives.services import mark_funded
from samenhang.ledger.models import AccountKind, LedgerAccount
from samenhang.ledger.queries import entries_for
from samenhang.ledger.services import open_account, post_entry, transfer
from samenhang.voting import queries
from samenhang.voting.models import Round


def fund_winners(round_: Round, *, actor: User) -> None:
    """Funded projects flow to their initiatives (state funded) and into the ledger."""
    amounts = queries.funded_amounts(round_)
    source = f"Wijkstemdag: {round_.title}"
    for project in round_.accepted_projects:
        amount = amounts.get(project.id, 0)
        if amount <= 0:
            continue
        initiative = project.initiative
        if initiative is not None and initiative.state is InitiativeState.published:
            mark_funded(initiative, source, actor=actor)
    if not round_.is_imported:
        _post_to_ledger(round_, amounts, actor=actor)


def _post_to_ledger(round_: Round, amounts: dict[int, int], *, actor: User) -> None:
    if not any(amount > 0 for amount in amounts.values()):
        return
    label = f"Wijkstemdag {round_.title} ({round_.wijk.name})"
    if round_.ledger_account_id is None:
        source = open_account(AccountKind.source, label, wijk=round_.wijk, currency=round_.currency)
        round_.ledger_account_id = source.id
    else:
        source = db.session.get(LedgerAccount, round_.ledger_account_id)
        assert source is not None
    for project in round_.accepted_projects:
        amount = amounts.get(project.id, 0)
        if amount <= 0 or entries_for(project):
            continue
        target = open_account(
            AccountKind.initiative,
            f"Stemdag project: {project.title} ({round_.wijk.name})",
            wijk=round_.wijk,
            currency=round_.currency,
        )
        post_entry(
            transfer(source, target, amount),
            kind="stemdag.funded",
            reason=f"{label}: {project.title}",
            actor=actor,
            obj=project,
        )
