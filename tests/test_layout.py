"""The repository layout rules of DESIGN.md, checked."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parent.parent
#: What reaches for the folder `shared` beside the repository, which a clone lacks. (Spelled
#: so that this file does not match itself.)
OUTSIDE_THE_REPOSITORY = re.compile(
    r"""\.\./shared|shared/(pabulib)|\bparents?(\[\d+\])?\s*/\s*["']shared["']"""
)


def test_platform_has_no_init_so_it_never_shadows_the_stdlib() -> None:
    assert not (ROOT / "platform" / "__init__.py").exists()


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-c", "import platform, stripe, sqlalchemy; print(platform.__file__)"],
        [sys.executable, "-m", "pytest", "--version"],
    ],
)
def test_python_started_from_the_root_imports_the_stdlib_platform(command: list[str]) -> None:
    probe = [sys.executable, "-c", "import platform; print(platform.python_implementation())"]
    if command[1] == "-c":
        out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
        assert str(ROOT / "platform") not in out.stdout
        assert "/lib/python" in out.stdout
    out = subprocess.run(probe, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "CPython"


def test_samenhang_command_starts_from_the_root() -> None:
    samenhang = Path(sys.executable).parent / "samenhang"
    out = subprocess.run([samenhang, "--help"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for command in ("seed-demo", "create-admin", "db", "run", "tally"):
        assert command in out.stdout


def _package_dirs(base: Path, prefix: str) -> set[str]:
    return {
        ".".join([prefix, *init.parent.relative_to(base).parts])
        for init in base.rglob("__init__.py")
    }


def test_every_package_directory_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = _package_dirs(ROOT / "platform", "samenhang") | _package_dirs(
        ROOT / "blueprints", "samenhang.blueprints"
    )
    assert found <= listed, f"add to pyproject.toml packages: {sorted(found - listed)}"


def _python_files(*dirs: str) -> list[Path]:
    return [p for d in dirs for p in (ROOT / d).rglob("*.py")]


def test_no_backref_anywhere() -> None:
    offenders = [p for p in _python_files("platform", "blueprints") if "backref=" in p.read_text()]
    assert offenders == []


def test_platform_never_reads_the_request() -> None:
    """Services get the acting user as an argument; only i18n's locale selector may look."""
    allowed = {ROOT / "platform" / "i18n.py"}
    offenders = []
    for path in _python_files("platform"):
        if path in allowed:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "flask"
                and any(alias.name in {"request", "session", "g"} for alias in node.names)
            ):
                offenders.append(str(path))
    assert offenders == []


def test_commits_only_at_the_boundaries() -> None:
    """Services flush; the request boundary, CLI commands and jobs commit."""
    # jobs.py, daily.py: the worker runs each job in its own transaction, as a request does
    # (a daily routine commits item by item, so one failed refund keeps the others).
    allowed = {ROOT / "platform" / f for f in ("app.py", "cli.py", "jobs.py", "daily.py")}
    offenders = [
        str(p)
        for p in _python_files("platform", "blueprints")
        if p not in allowed and ".commit()" in p.read_text()
    ]
    assert offenders == []


def test_tests_need_nothing_beside_the_repository() -> None:
    """A clone with nothing beside it passes: what the tests read ships in tests/."""
    offenders = []
    for path in (ROOT / "tests").rglob("*"):
        if not path.is_file() or path.suffix in {".gz", ".pyc"}:
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if OUTSIDE_THE_REPOSITORY.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
