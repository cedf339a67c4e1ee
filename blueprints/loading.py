"""Loading a row by the id in a view's address, with the check that it belongs where the
address says (to that campaign, round, wijk, ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from samenhang.extensions import db
from samenhang.policies import require_visible

T = TypeVar("T")


def get_or_404(model: type[T], ident: int, belongs: Callable[[T], bool] | None = None) -> T:
    """The `model` row with this id, if `belongs(row)`; otherwise NotFound (404), so an id
    of a row elsewhere says nothing about whether it exists."""
    found = db.session.get(model, ident)
    require_visible(found is not None and (belongs is None or belongs(found)))
    assert found is not None
    return found
