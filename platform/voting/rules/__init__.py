"""The counting engine of a wijkstemdag: pure Python, no Flask, no database.

The web layer needs only these names:

    election = read_pb(text_or_bytes, filename="upload.pb")    # or read_pb_file(path)
    result = tally(election)                                  # the rule from META
    result = tally(election, "greedy", GreedyMode.STOP, {"Groen": 40_000_00})
    render(result.projects[project_id].reason, gettext, format_money, ngettext=ngettext)
    render(explanation) for explanation in result.voter_explanations(ballot)
    write_pb(with_counts(election, result.selected))          # open data export
"""

from samenhang.voting.rules.election import (
    Ballot,
    BallotLimits,
    CategoryCaps,
    Election,
    GreedyMode,
    Leftover,
    Project,
    VoteType,
    ballot_problems,
)
from samenhang.voting.rules.explain import N_, TEMPLATES, Explanation, render
from samenhang.voting.rules.pabulib import (
    PabulibError,
    read_pb,
    read_pb_bytes,
    read_pb_file,
    with_counts,
    write_pb,
    write_pb_file,
)
from samenhang.voting.rules.tally import (
    RULES,
    ProjectResult,
    RuleError,
    TallyResult,
    default_rule,
    tally,
)

__all__ = [
    "N_",
    "RULES",
    "TEMPLATES",
    "Ballot",
    "BallotLimits",
    "CategoryCaps",
    "Election",
    "Explanation",
    "GreedyMode",
    "Leftover",
    "PabulibError",
    "Project",
    "ProjectResult",
    "RuleError",
    "TallyResult",
    "VoteType",
    "ballot_problems",
    "default_rule",
    "read_pb",
    "read_pb_bytes",
    "read_pb_file",
    "render",
    "tally",
    "with_counts",
    "write_pb",
    "write_pb_file",
]
