"""Wijkstemdag pages, by who uses them: `public` pages and results, the ballot (`vote`),
the stemcode endpoint (`api`), the wijkmanager's `rounds`, `projects` and `stemcodes`,
and the volunteers' `polling` station.

Each view loads (`common.get_round_or_404`, which asks the policies), checks access (a
policy), validates its form, calls one service and renders or redirects; a refused
service call is answered by `samenhang.blueprints.handling`.
"""

from samenhang.blueprints.voting.views.api import cast_api
from samenhang.blueprints.voting.views.common import get_round_or_404
from samenhang.blueprints.voting.views.eligibility import code_requests, issue_code, request_code
from samenhang.blueprints.voting.views.polling import (
    decide_batch,
    paper,
    register,
    remove_volunteer,
    volunteers,
)
from samenhang.blueprints.voting.views.projects import edit_project, propose, review_project
from samenhang.blueprints.voting.views.public import (
    ballots_csv,
    ballots_pb,
    check,
    results,
    show,
    turnout_csv,
    turnout_json,
    wijk_rounds,
)
from samenhang.blueprints.voting.views.rounds import (
    annul,
    change_phase,
    count,
    create,
    edit,
    import_pb,
    key_share_pdf_view,
    manage,
)
from samenhang.blueprints.voting.views.stemcodes import (
    codes_page,
    download_letters,
    reissue_code,
    revoke_code,
    void_letters,
)
from samenhang.blueprints.voting.views.vote import ballot, cast, change, receipt, review

__all__ = [
    "annul",
    "ballot",
    "ballots_csv",
    "ballots_pb",
    "cast",
    "cast_api",
    "change",
    "change_phase",
    "check",
    "code_requests",
    "codes_page",
    "count",
    "create",
    "decide_batch",
    "download_letters",
    "edit",
    "edit_project",
    "get_round_or_404",
    "import_pb",
    "issue_code",
    "key_share_pdf_view",
    "manage",
    "paper",
    "propose",
    "receipt",
    "register",
    "reissue_code",
    "remove_volunteer",
    "request_code",
    "results",
    "review",
    "review_project",
    "revoke_code",
    "show",
    "turnout_csv",
    "turnout_json",
    "void_letters",
    "volunteers",
    "wijk_rounds",
]
