"""Imports every area's models, so the metadata is complete for Alembic and the tests.

One line per area; keep them sorted.
"""

import samenhang.accounts.models
import samenhang.audit.models
import samenhang.budgets.models
import samenhang.campaigns.models
import samenhang.content.models
import samenhang.contracts.models
import samenhang.idempotency
import samenhang.initiatives.models
import samenhang.ledger.models
import samenhang.outcomes.models
import samenhang.participation.models
import samenhang.places.models
import samenhang.voting.models
import samenhang.vouchers.models  # noqa: F401
