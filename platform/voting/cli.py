"""`samenhang tally FILE.pb`: count a pabulib file from the command line.

Needs no Flask app: the counting engine is pure Python. Registered on the `samenhang`
group with `cli.add_command(tally_command)`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from samenhang.voting.rules.election import Election, GreedyMode
from samenhang.voting.rules.explain import (
    Explanation,
    Param,
    format_count,
    number_param,
    render,
)
from samenhang.voting.rules.greedy import project_support
from samenhang.voting.rules.pabulib import PabulibError, read_pb_file
from samenhang.voting.rules.tally import RULES, RuleError, TallyResult, tally

NAME_WIDTH = 40


class BadInput(click.ClickException):
    """A file or request the engine cannot count; exits with 2, like a usage error."""

    exit_code = 2


def _category_budgets(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[str, int] | None:
    budgets = {}
    for value in values:
        name, _, amount = value.rpartition("=")
        if not name or not amount.strip().isdigit():
            problem = Explanation("rule.bad_category_budget", {"value": value})
            raise click.BadParameter(render(problem), ctx=ctx, param=param)
        budgets[name.strip()] = int(amount)
    return budgets or None


@click.command("tally")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--rule", type=click.Choice(RULES), help="Counting rule [default: the file's META rule]."
)
@click.option(
    "--greedy-mode",
    type=click.Choice([mode.value for mode in GreedyMode]),
    default=GreedyMode.SKIP.value,
    show_default=True,
    help="skip: pass over a project that does not fit; stop: stop there.",
)
@click.option(
    "--category-budget",
    "category_budgets",
    multiple=True,
    metavar="NAME=AMOUNT",
    callback=_category_budgets,
    help="Greedy within each project category, with this cap; repeat per category.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def tally_command(
    file: Path,
    rule: str | None,
    greedy_mode: str,
    category_budgets: dict[str, int] | None,
    as_json: bool,
) -> None:
    """Count the votes in FILE (pabulib .pb format, or gzipped .pb.gz) and explain the outcome."""
    try:
        election = read_pb_file(file)
        result = tally(election, rule, GreedyMode(greedy_mode), category_budgets)
    except (PabulibError, RuleError) as exc:
        raise BadInput(str(exc)) from exc
    except OSError as exc:
        raise BadInput(f"{file.name}: {exc.strerror}") from exc
    currency = election.meta.get("currency", "")

    def money(amount: Param) -> str:
        return f"{amount:,} {currency}".strip() if isinstance(amount, int) else str(amount)

    def text(explanation: Explanation) -> str:
        return render(explanation, format_money=money)

    if as_json:
        click.echo(json.dumps(result.as_dict(text), ensure_ascii=False, indent=2))
    else:
        click.echo(_table(file.name, election, result, money, text))


def _table(
    filename: str,
    election: Election,
    result: TallyResult,
    money: Callable[[Param], str],
    text: Callable[[Explanation], str],
) -> str:
    funded = len(result.funding_order)
    lines = [
        f"{filename}: rule {result.rule}, budget {money(result.budget)}, "
        f"spent {money(result.cost)}, {funded} of {len(election.projects)} projects funded",
        *(f"  {text(note)}" for note in result.notes),
        "",
        f"{'funded':7} {'id':14} {'cost':>16} {'support':>9}  name",
    ]
    support = project_support(election)
    unfunded = [p for p in election.projects if p not in result.funding_order]
    for project_id in [*result.funding_order, *unfunded]:
        project, outcome = election.projects[project_id], result.projects[project_id]
        name = project.name if len(project.name) <= NAME_WIDTH else project.name[:39] + "…"
        lines.append(
            f"{'yes' if outcome.funded else 'no':7} {project_id:14} {money(project.cost):>16} "
            f"{format_count(number_param(support[project_id])):>9}  {name}"
        )
        lines.append(f"{'':8}{text(outcome.reason)}")
    return "\n".join(lines)
