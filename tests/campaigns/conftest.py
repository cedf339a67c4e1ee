from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from samenhang.ledger.queries import check_ledger_consistency


@pytest.fixture(autouse=True)
def ledger_stays_consistent(db_session: Any) -> Iterator[None]:
    """Whatever a test did, the ledger adds up afterwards."""
    yield
    report = check_ledger_consistency()
    assert report.is_consistent, report
