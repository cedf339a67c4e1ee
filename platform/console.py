"""The `samenhang` command's entry point.

`samenhang tally FILE.pb` is a pure computation: it starts without Flask, the database or
the app's own imports, which take longer than counting a real round. Every other command
goes to the Flask command group in `samenhang.cli`.
"""

from __future__ import annotations

import sys


def main() -> None:
    arguments = sys.argv[1:]
    if arguments[:1] == ["tally"]:
        from samenhang.voting.cli import tally_command

        tally_command.main(arguments[1:], prog_name="samenhang tally")
        return
    from samenhang.cli import main as flask_main

    flask_main()
