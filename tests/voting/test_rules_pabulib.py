"""Reading and writing pabulib `.pb` files: all real files, round trips, clear errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from conftest import pabulib_file, pabulib_files, pabulib_name

from samenhang.voting.rules import (
    Ballot,
    CategoryCaps,
    Election,
    Leftover,
    PabulibError,
    Project,
    VoteType,
    read_pb,
    read_pb_bytes,
    read_pb_file,
    with_counts,
    write_pb,
    write_pb_file,
)
from samenhang.voting.rules.ballots import BallotTable
from samenhang.voting.rules.pabulib import _VoteRowReader

pytestmark = pytest.mark.pure

FILES = pabulib_files()
ASSEN = pabulib_file("Netherlands_Assen_2024.pb")
#: Files a write does not reproduce byte for byte, though it reads back as the same election.
REWRITTEN = {
    "France_Toulouse_2024.pb": "costs are written 100000.0; we write whole units, 100000",
    "Poland_Krakow_2024.pb": "the last line has no line end; we always end with one",
}


def test_there_are_51_files() -> None:
    assert len(FILES) == 51


@pytest.fixture(scope="module")
def elections() -> dict[str, Election]:
    return {pabulib_name(path): read_pb_file(path) for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=pabulib_name)
def test_every_file_is_read(path: Path, elections: dict[str, Election]) -> None:
    election = elections[pabulib_name(path)]
    assert len(election.projects) == int(election.meta["num_projects"])
    assert len(election.ballots) == int(election.meta["num_votes"])
    assert election.budget > 0
    assert all(p in election.projects for b in election.ballots for p in b.projects)


@pytest.mark.parametrize("path", FILES, ids=pabulib_name)
def test_writing_then_reading_gives_the_same_election(
    path: Path, elections: dict[str, Election]
) -> None:
    election = elections[pabulib_name(path)]
    text = write_pb(election)
    assert read_pb(text, filename="written.pb") == election
    if pabulib_name(path) not in REWRITTEN:
        assert text == read_pb_bytes(path).decode("utf-8")


def test_meta_entries_become_typed_fields(elections: dict[str, Election]) -> None:
    krakow = elections["Poland_Krakow_2024.pb"]
    assert krakow.vote_type is VoteType.ORDINAL
    assert (krakow.limits.min_length, krakow.limits.max_length) == (3, 3)
    amsterdam = elections["Netherlands_Amsterdam_166.pb"]
    assert amsterdam.caps is not None
    assert amsterdam.caps.budgets["Armoede"] == 52000
    assert amsterdam.leftover is Leftover.FUND_FITTING
    assert elections["Netherlands_Amsterdam_324.pb"].leftover is Leftover.PARTIAL_ONE
    neighbourhoods = elections["Netherlands_Amsterdam_252.pb"].caps
    assert neighbourhoods == CategoryCaps({"Oostelijke Eilanden": 150000,
        "Haarlemmerhouttuinen": 100000, "Other": 250000}, column="neighborhood")  # fmt: skip
    zurich = elections["Switzerland_Zurich_D10.pb"]
    assert zurich.ballots[0].projects == ("9", "3", "13")
    assert zurich.ballots[0].points == (4, 3, 3)


def test_quoted_fields_and_empty_fields(elections: dict[str, Election]) -> None:
    toulouse = elections["France_Toulouse_2024.pb"]
    assert toulouse.projects["308"].name.endswith('redonner "vie" aux jardinières abandonnées')
    assert toulouse.projects["308"].cost == 250000
    krakow = elections["Poland_Krakow_2024.pb"]
    voter = next(b for b in krakow.ballots if b.voter_id == "329")
    assert "age" not in voter.extra
    assert voter.extra["sex"] == "M"


def test_a_gzipped_file_reads_and_writes_like_a_plain_one(tmp_path: Path) -> None:
    election = read_pb_file(ASSEN)
    packed = tmp_path / "assen.pb.gz"
    write_pb_file(election, packed)
    assert gzip.decompress(packed.read_bytes()) == ASSEN.read_bytes() == read_pb_bytes(packed)
    assert read_pb_file(packed) == election


@pytest.mark.parametrize(
    "data",
    [ASSEN.read_bytes(), gzip.compress(ASSEN.read_bytes())[:200], b"\x1f\x8b\x08garbage"],
    ids=["plain", "truncated", "corrupt"],
)
def test_a_gz_file_that_is_not_gzip(tmp_path: Path, data: bytes) -> None:
    broken = tmp_path / "round.pb.gz"
    broken.write_bytes(data)
    with pytest.raises(PabulibError) as caught:
        read_pb_file(broken)
    assert str(caught.value) == (
        "round.pb.gz: The file name ends in .gz, but the file is not gzip-compressed."
    )


def test_crlf_line_ends_and_a_byte_order_mark_read_the_same() -> None:
    text = ASSEN.read_text(encoding="utf-8")
    crlf = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    assert read_pb(crlf, filename="crlf.pb") == read_pb(text)


def test_an_approval_vote_naming_a_project_twice_is_kept_as_written(
    elections: dict[str, Election],
) -> None:
    ballot = next(
        b for b in elections["Netherlands_Amsterdam_604.pb"].ballots if b.voter_id == "13650977333"
    )
    assert ballot.projects.count("42346") == 2


def test_an_election_built_in_code_survives_a_round_trip(tmp_path: Path) -> None:
    election = Election(
        budget=50_000_00,
        projects={
            "1": Project("1", 30_000_00, "Speeltuin; nieuw", ("Groen", "Jeugd")),
            "2": Project("2", 25_000_00, 'Bankjes "Oost"', ("Groen",)),
        },
        ballots=[
            Ballot("a", ("1", "2"), weight=2),
            Ballot("b", ("2",), extra={"voting_method": "paper"}),
            Ballot("c", ()),
        ],
        caps=CategoryCaps({"Groen": 40_000_00, "Jeugd": 20_000_00}),
        leftover=Leftover.PARTIAL_ONE,
    )
    path = tmp_path / "round.pb"
    write_pb_file(election, path)
    again = read_pb_file(path)
    assert again.projects == election.projects
    assert again.ballots == election.ballots
    assert (again.budget, again.caps, again.leftover) == (
        election.budget,
        election.caps,
        election.leftover,
    )
    assert read_pb(write_pb(again)) == again


def test_with_counts_fills_in_votes_score_and_selected(elections: dict[str, Election]) -> None:
    assen = elections["Netherlands_Assen_2024.pb"]
    selected = [p for p, project in assen.projects.items() if project.extra["selected"] == "1"]
    counted = with_counts(assen, selected)
    assert {p: x.extra["votes"] for p, x in counted.projects.items()} == {
        p: x.extra["votes"] for p, x in assen.projects.items()
    }
    assert counted.projects == assen.projects
    krakow = elections["Poland_Krakow_2024.pb"]
    scores = {p: x.extra["score"] for p, x in with_counts(krakow).projects.items()}
    assert scores == {p: x.extra["score"] for p, x in krakow.projects.items()}


# Malformed files: each names the file, the line and the problem. -----------------------

ASSEN_TEXT = ASSEN.read_text(encoding="utf-8")


def _mutated(old: str, new: str) -> str:
    assert old in ASSEN_TEXT
    return ASSEN_TEXT.replace(old, new, 1)


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def _error(text: str | bytes) -> PabulibError:
    with pytest.raises(PabulibError) as caught:
        read_pb(text, filename="broken.pb")
    return caught.value


def test_projects_before_meta() -> None:
    meta, rest = ASSEN_TEXT.split("PROJECTS\n", 1)
    projects, votes = rest.split("VOTES\n", 1)
    text = "PROJECTS\n" + projects + meta + "VOTES\n" + votes
    error = _error(text)
    assert (error.file, error.line) == ("broken.pb", 1)
    assert "wrong place" in str(error)
    assert str(error).startswith("broken.pb, line 1: The PROJECTS section is in the wrong place")


def test_votes_before_projects() -> None:
    head, rest = ASSEN_TEXT.split("PROJECTS\n", 1)
    projects, votes = rest.split("VOTES\n", 1)
    text = head + "VOTES\n" + votes + "PROJECTS\n" + projects
    error = _error(text)
    assert error.line == _line_of(text, "VOTES")
    assert error.explanation.params == {"section": "VOTES"}


def test_a_vote_for_an_unknown_project() -> None:
    text = _mutated(";1,2,6,9,13\n", ";1,2,66,9,13\n")
    error = _error(text)
    assert error.line == _line_of(text, "1,2,66,9,13")
    assert str(error) == (
        f"broken.pb, line {error.line}: The vote names project 66, which is not in PROJECTS."
    )


def test_a_cost_that_is_not_a_number() -> None:
    text = _mutated("3;7200;43;PopUp Podium", "3;7.200,50;43;PopUp Podium")
    error = _error(text)
    assert error.line == _line_of(text, "PopUp Podium")
    assert "cost must be a whole amount of 0 or more, not “7.200,50”" in str(error)


def test_a_missing_budget() -> None:
    error = _error(_mutated("budget;100000\n", ""))
    assert error.line == 2  # the META header
    assert error.problem == "META has no budget."


@pytest.mark.parametrize(
    ("old", "new", "fragment", "problem"),
    [
        ("vote_type;approval", "vote_type;secret", "vote_type", "Unknown vote_type “secret”."),
        ("num_votes;84", "num_votes;85", "num_votes", "META says num_votes is 85"),
        ("3;7200;43;PopUp Podium;1;", "3;7200;43;PopUp Podium;", "PopUp", "Expected 6 fields"),
        ("\n9;21000;", "\n3;21000;", "3;21000", "Project 3 is listed twice."),
        ("budget;100000", "budget;-5", "budget", "budget must be a whole amount"),
    ],
)
def test_other_malformed_lines(old: str, new: str, fragment: str, problem: str) -> None:
    text = _mutated(old, new)
    error = _error(text)
    assert error.line == _line_of(text, fragment)
    assert problem in error.problem


def test_a_voter_listed_twice() -> None:
    first_vote = ASSEN_TEXT.split("voter_id;vote\n", 1)[1].splitlines()[0]
    text = ASSEN_TEXT.replace("num_votes;84", "num_votes;85") + first_vote + "\n"
    error = _error(text)
    assert error.line == len(text.splitlines())
    assert "is listed twice" in error.problem


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (b"", "The file is empty."),
        (b"\xff\xfe META", "The file is not UTF-8 text."),
        ("key;value\nbudget;1\n", "The file must start with a META section."),
        ("META\nkey;value\nbudget;10\nvote_type;approval\n", "The PROJECTS section is missing."),
    ],
)
def test_files_that_are_not_pabulib_at_all(text: str | bytes, problem: str) -> None:
    assert _error(text).problem == problem


def test_a_ranking_naming_a_project_twice_and_points_that_do_not_match() -> None:
    ranking = "META\nkey;value\nbudget;10\nvote_type;ordinal\nPROJECTS\nproject_id;cost\na;5\n"
    error = _error(ranking + "b;5\nVOTES\nvoter_id;vote\n1;a,b,a\n")
    assert (error.line, error.problem) == (11, "The vote names project a twice.")
    points = ranking.replace("ordinal", "cumulative") + "VOTES\nvoter_id;vote;points\n1;a;1,2\n"
    assert _error(points).problem == "The vote names 1 project. But it has 2 points."


@pytest.mark.parametrize("path", FILES, ids=pabulib_name)
def test_votes_read_as_columns_equal_votes_read_row_by_row(
    path: Path, elections: dict[str, Election], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = elections[pabulib_name(path)]
    assert isinstance(fast.ballots, BallotTable)
    monkeypatch.setattr(_VoteRowReader, "read_fast", lambda self, text: None)
    slow = read_pb_file(path)
    assert isinstance(slow.ballots, list)
    assert fast == slow
    assert fast.ballots == slow.ballots and slow.ballots == fast.ballots


def test_a_ballot_table_is_a_sequence_of_ballots(elections: dict[str, Election]) -> None:
    ballots = elections["Netherlands_Assen_2024.pb"].ballots
    assert isinstance(ballots, BallotTable)
    as_list = list(ballots)
    assert ballots[-1] == as_list[-1] and ballots[1:3] == as_list[1:3]
    assert len(ballots) == len(as_list) and ballots == as_list
    with pytest.raises(IndexError):
        ballots[len(ballots)]
    assert ballots != as_list[:-1]


FIRST = "vote01006bcf-62b6-435d-a0de-2966c3e75249"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (f"\n{FIRST};1,2", f'\n"{FIRST}";"1,2"'),  # quoted fields
        (f"\n{FIRST};1,2", f"\n{FIRST} ; 1 , 2"),  # spaces to strip
        (f"\n{FIRST};1,2", f"\r\n{FIRST};1,2"),  # a CRLF line end
    ],
)
def test_votes_that_are_not_plain_are_read_row_by_row_alike(old: str, new: str) -> None:
    text = ASSEN.read_text(encoding="utf-8")
    start = text.index("VOTES")
    changed = text[:start] + text[start:].replace(old, new, 1)
    assert changed != text
    assert read_pb(changed).ballots == read_pb(text).ballots
