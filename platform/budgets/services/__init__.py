"""Writing the buurtbegroting: preparing and publishing (`budgets`), importing lines from a
file (`imports`), and residents' challenges of a public task (`challenges`)."""

from samenhang.budgets.services.budgets import (
    Candidates,
    LineData,
    add_platform_lines,
    campaign_year,
    change_line,
    create_budget,
    platform_candidates,
    publish_budget,
    round_year,
    update_intro,
)
from samenhang.budgets.services.challenges import (
    ANSWER_DAYS,
    ChallengeData,
    answer_challenge,
    send_reminders,
    submit_challenge,
)
from samenhang.budgets.services.imports import (
    AlreadyImported,
    ImportPreview,
    StagedImport,
    apply_import,
    preview_import,
    stage_import,
)

__all__ = [
    "ANSWER_DAYS",
    "AlreadyImported",
    "Candidates",
    "ChallengeData",
    "ImportPreview",
    "LineData",
    "StagedImport",
    "add_platform_lines",
    "answer_challenge",
    "apply_import",
    "campaign_year",
    "change_line",
    "create_budget",
    "platform_candidates",
    "preview_import",
    "publish_budget",
    "round_year",
    "send_reminders",
    "stage_import",
    "submit_challenge",
    "update_intro",
]
