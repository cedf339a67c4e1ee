"""The write side of a wijkstemdag, by what it does: `rounds` and their phases, `projects`,
`stemcodes`, `ballots` (casting, secret and one per person), `keys` (the counting key
sealed ballots are opened with, and annulling a round that lost it), `polling` (the
volunteers, their register and the paper ballots) and `publishing` the result.

Every service takes the object it acts on first, then its data, and the acting user
keyword-only as `actor=` (casting a ballot has none: the ballot is secret). It raises a
`DomainError`, writes the audit log and never commits.
"""

from samenhang.voting.services.ballots import (
    AlreadyVoted,
    BallotError,
    BallotProject,
    BallotRules,
    Choice,
    CodeRefused,
    Credential,
    VotingClosed,
    VotingRound,
    cast_ballot,
    change_ballot,
    code_credential,
    find_code,
    is_voting_open,
    resident_credential,
    validate_choice,
    voter_credential,
)
from samenhang.voting.services.eligibility import (
    code_request_of,
    code_requests,
    issue_requested_code,
    request_code,
)
from samenhang.voting.services.keys import (
    KeyShareError,
    annul_round,
    create_counting_key,
    unseal_ballots,
)
from samenhang.voting.services.letter_batches import (
    LETTER_STAGES,
    batches_of,
    delete_letter_files,
    download_name,
    letters_file,
    start_letters,
    void_batch,
)
from samenhang.voting.services.polling import (
    BatchError,
    PaperReading,
    RegisterAnswer,
    add_volunteer,
    check_paper_open,
    decide_paper_batch,
    enter_paper_batch,
    look_up_register,
    mark_voted_on_paper,
    paper_ballot_problem,
    read_paper_lines,
    register_credential,
    remove_volunteer,
)
from samenhang.voting.services.projects import (
    ProjectData,
    propose_project,
    review_project,
    update_project,
)
from samenhang.voting.services.rounds import (
    RoundData,
    allowed_phases,
    change_phase,
    create_round,
    update_round,
)
from samenhang.voting.services.stemcodes import (
    generate_codes,
    reissue_code,
    revoke_code,
)

__all__ = [
    "LETTER_STAGES",
    "AlreadyVoted",
    "BallotError",
    "BallotProject",
    "BallotRules",
    "BatchError",
    "Choice",
    "CodeRefused",
    "Credential",
    "KeyShareError",
    "PaperReading",
    "ProjectData",
    "RegisterAnswer",
    "RoundData",
    "VotingClosed",
    "VotingRound",
    "add_volunteer",
    "allowed_phases",
    "annul_round",
    "batches_of",
    "cast_ballot",
    "change_ballot",
    "change_phase",
    "check_paper_open",
    "code_credential",
    "code_request_of",
    "code_requests",
    "create_counting_key",
    "create_round",
    "decide_paper_batch",
    "delete_letter_files",
    "download_name",
    "enter_paper_batch",
    "find_code",
    "generate_codes",
    "is_voting_open",
    "issue_requested_code",
    "letters_file",
    "look_up_register",
    "mark_voted_on_paper",
    "paper_ballot_problem",
    "propose_project",
    "read_paper_lines",
    "register_credential",
    "reissue_code",
    "remove_volunteer",
    "request_code",
    "resident_credential",
    "review_project",
    "revoke_code",
    "start_letters",
    "unseal_ballots",
    "update_project",
    "update_round",
    "validate_choice",
    "void_batch",
    "voter_credential",
]
