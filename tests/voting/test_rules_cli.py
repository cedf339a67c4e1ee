"""`samenhang tally`: the command, run without a Flask app."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import pabulib_file

from samenhang.voting.cli import tally_command
from samenhang.voting.rules import read_pb_bytes

pytestmark = pytest.mark.pure

ASSEN = pabulib_file("Netherlands_Assen_2024.pb")
BUDAPEST = pabulib_file("Hungary_Budapest_2024.pb")  # gzipped


def _run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(tally_command, [str(arg) for arg in args])
    return result.exit_code, result.output


def test_json_output() -> None:
    code, output = _run(ASSEN, "--json")
    assert code == 0, output
    data = json.loads(output)
    assert data["rule"] == "mes-add1"
    assert data["budget"] == 100000
    assert data["selected"] == ["11", "12", "13", "14", "2", "3", "5", "6", "9"]
    assert data["cost"] == sum(data["explanations"][p]["amount"] for p in data["selected"])
    assert data["explanations"]["3"]["code"] == "mes.funded"
    assert data["explanations"]["3"]["text"].startswith("Funded: 43 supporters shared its cost")
    assert data["explanations"]["4"]["funded"] is False


def test_table_output() -> None:
    code, output = _run(ASSEN, "--rule", "greedy", "--greedy-mode", "stop")
    assert code == 0, output
    first = output.splitlines()[0]
    assert first.startswith("Netherlands_Assen_2024.pb: rule greedy, budget 100,000 EUR")
    assert "counting stopped at" in output


def test_category_budgets_reproduce_budapest() -> None:
    caps = [
        "Open=120000000",
        "Green=120000000",
        "Social=120000000",
        "Local Big Idea=240000000",
        "Local Small Idea=400000000",
    ]
    options = [part for cap in caps for part in ("--category-budget", cap)]
    code, output = _run(BUDAPEST, "--greedy-mode", "stop", *options, "--json")
    assert code == 0, output
    text = read_pb_bytes(BUDAPEST).decode("utf-8")
    rows = [line.split(";") for line in text.split("PROJECTS\n")[1].split("VOTES")[0].splitlines()]
    official = sorted(row[0] for row in rows[1:] if row[-1] == "1")
    assert json.loads(output)["selected"] == official


def test_a_broken_file_exits_2_naming_file_line_and_problem(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pb"
    broken.write_text(ASSEN.read_text(encoding="utf-8").replace(";1,2,6,9,13\n", ";1,2,66\n"))
    code, output = _run(broken)
    assert code == 2
    assert "Error: broken.pb, line 36: The vote names project 66, which is not in PROJECTS." in (
        output
    )
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category-budget", "Groen"], "Write a category budget as NAME=AMOUNT"),
        (["--category-budget", "Groen=12.50"], "Write a category budget as NAME=AMOUNT"),
        (["--rule", "greedy", "--category-budget", "Groen=1"], "No project has the category"),
        (["--rule", "mes", "--category-budget", "Groen=1"], "only work with the greedy rule"),
        (["--rule", "borda"], "Invalid value for '--rule'"),
    ],
)
def test_bad_options_exit_2(args: list[str], message: str) -> None:
    code, output = _run(ASSEN, *args)
    assert code == 2
    assert message in output


def test_a_gz_file_that_is_not_gzip_exits_2(tmp_path: Path) -> None:
    fake = tmp_path / "round.pb.gz"
    fake.write_bytes(ASSEN.read_bytes())
    code, output = _run(fake)
    assert code == 2
    assert "Error: round.pb.gz: The file name ends in .gz, but the file is not gzip" in output


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    code, output = _run(tmp_path / "nothing.pb")
    assert code == 2
    assert "does not exist" in output


#: Runs the `samenhang` entry point as the installed script does, then reports which of
#: the app's heavy packages were imported.
ENTRY_POINT = """
import sys
from samenhang.console import main
sys.argv = ["samenhang", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted(m for m in ("flask", "sqlalchemy", "samenhang.app") if m in sys.modules)
print("IMPORTED", ",".join(heavy), file=sys.stderr)
sys.exit(code)
"""


def _entry_point(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY_POINT, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_samenhang_command_counts_without_building_the_app() -> None:
    result = _entry_point("tally", ASSEN, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rule"] == "mes-add1"
    assert "IMPORTED \n" in result.stderr


def test_the_other_commands_still_go_through_flask() -> None:
    result = _entry_point("db", "--help")
    assert result.returncode == 0, result.stderr
    assert "Perform database migrations" in result.stdout
    assert "IMPORTED flask" in result.stderr
    result = _entry_point("--help")
    assert "seed-demo" in result.stdout
    assert "tally" in result.stdout
