"""The area's old addresses. Until the buurtbegroting needed the name, the bewonersbudgetten
lived at `/budgets/...`; letters, bookmarks and till links still point there."""

from __future__ import annotations

from urllib.parse import quote

from flask import redirect, request
from werkzeug.wrappers import Response

_wijk = "/g/<municipality_slug>/<wijk_slug>"

#: Old rule → the new address, with the rule's values filled in.
MOVED = {
    "/budgets/<path:rest>": "/bewonersbudgetten/{rest}",
    "/media/budgets/<path:rest>": "/media/bewonersbudgetten/{rest}",
    f"{_wijk}/budgets": "/g/{municipality_slug}/{wijk_slug}/bewonersbudgetten",
    f"{_wijk}/budgets/<path:rest>": "/g/{municipality_slug}/{wijk_slug}/bewonersbudgetten/{rest}",
    f"{_wijk}/suppliers": "/g/{municipality_slug}/{wijk_slug}/bewonersbudgetten/suppliers",
}


def moved(**values: str) -> Response:
    """308, not 301: a POST (a supplier's till) is sent again as a POST."""
    rule = request.url_rule.rule if request.url_rule else ""
    target = MOVED[rule].format(**{k: quote(v) for k, v in values.items()})
    if request.query_string:
        target += "?" + request.query_string.decode("ascii", "replace")
    return redirect(target, code=308)
