from __future__ import annotations

import factory

from factories.base import ModelFactory
from samenhang.ledger.models import AccountKind, LedgerAccount


class LedgerAccountFactory(ModelFactory):
    """An empty account; money gets in only through `post_entry`."""

    class Meta:
        model = LedgerAccount

    kind = AccountKind.pot
    name = factory.Sequence(lambda n: f"Account {n}")
    currency = "EUR"
    is_overdraft_allowed = False
    balance_cents = 0


class SourceAccountFactory(LedgerAccountFactory):
    kind = AccountKind.source
    name = factory.Sequence(lambda n: f"Gemeente {n}")
    is_overdraft_allowed = True
