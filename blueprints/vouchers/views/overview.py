"""Lists across pots: a resident's own applications, the managers' dashboard, and every
decision as open data."""

from __future__ import annotations

import csv
import io
import json

from flask import Response, abort, render_template
from flask_login import current_user, login_required

from samenhang.blueprints.vouchers.views.common import get_pot_or_404
from samenhang.policies import is_manager, require
from samenhang.vouchers import queries


@login_required
def my_applications() -> str:
    return render_template(
        "vouchers/my_applications.html",
        applications=queries.applications_of(current_user),
        advice_requests=queries.advice_requests_for(current_user),
    )


@login_required
def dashboard() -> str:
    require(is_manager(current_user))
    return render_template("vouchers/dashboard.html", board=queries.dashboard_for(current_user))


EXPORT_FIELDS = [
    "decision_id",
    "decided_at",
    "municipality",
    "wijk",
    "wijk_code",
    "pot_id",
    "pot",
    "year",
    "source",
    "source_kind",
    "application_id",
    "title",
    "group",
    "currency",
    "requested_cents",
    "outcome",
    "granted_cents",
    "reasons",
    "score",
    "score_max",
    "panel_advice",
    "paid_cents",
    "returned_cents",
    "status",
]


def export_decisions(fmt: str, pot_id: int | None = None) -> Response:
    """Every decision with its reasons, as open data (no applicant names)."""
    pot = get_pot_or_404(pot_id) if pot_id is not None else None
    rows = queries.decisions_export(pot)
    stem = f"decisions-pot-{pot.id}" if pot else "decisions"
    if fmt == "json":
        body = json.dumps({"decisions": rows}, ensure_ascii=False, indent=2)
        mimetype = "application/json"
    elif fmt == "csv":
        out = io.StringIO()
        # A byte-order mark, so spreadsheet programs read the accents right.
        out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
        body = out.getvalue()
        mimetype = "text/csv"
    else:
        abort(404)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={stem}.{fmt}"},
    )
