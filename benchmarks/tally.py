"""Time the counting engine on every pabulib file, each with its own rule.

By default the files are the real rounds shipped with the tests (tests/voting/data, gzipped);
--pabulib DIR times every .pb and .pb.gz file in DIR instead, e.g. a full pabulib download.

For the Method of Equal Shares files it also times pabutools (the reference
implementation) on the same file in the same run and prints how many times faster the
engine is; and it measures the peak memory of reading and counting Krakow 2024 (65,101
ranked ballots) in a fresh process.

    .venv/bin/python benchmarks/tally.py [--pabulib DIR] [--skip-reference]
                                         [--reference-timeout 300]

Times are seconds of CPU time of the process doing the work (wall-clock time is shown
too, but on a shared machine it also counts other programs' turns). The engine's are the
best of --repeat runs; pabutools runs once, as it takes minutes.

--city times whole `samenhang` commands instead (a fresh process each, as a user runs
them) on a generated city-wide round, and on Swiecie and Wieliczka, against the targets
of issue 20; with --baseline GIT_REF the same commands of that commit run interleaved
with the current ones, and their JSON outcomes are compared:

    .venv/bin/python benchmarks/tally.py --city [--seed 2024] [--repeat 3] [--baseline main]

The city (`samenhang.voting.rules.city.generate_city`, cached in ~/.cache/samenhang-bench):
300,000 approval ballots, 200 projects over 20 districts, about 6 approvals per ballot
(1-12; three in four from the voter's own district, chosen by a log-normal popularity),
costs of 20,000-600,000, a budget of a quarter of the total cost, rule equalshares/add1;
seeded with Python's `random.Random(2024)`, so the same 8.2 MB file everywhere. 262,612 of
its ballots differ from each other. "read city" is `read_pb_file` alone, timed inside a
fresh process; the other rows are whole commands (`samenhang tally FILE --rule R --json`).

Measured on the shared 2-core machine (load average 3.7-6.6 from other work during the
run), best of 3, seconds wall-clock (CPU):

    measure                     target   before (main)    after           faster (CPU)
    read city                    1.00    1.80 (1.18)      0.61 (0.43)     2.8x
    tally city --rule greedy     2.00    3.11 (2.21)      0.64 (0.73)     3.0x
    tally city --rule mes        3.00    6.12 (6.30)      1.49 (1.58)     4.0x
    tally city --rule mes-add1   8.00   12.43 (11.28)     4.67 (4.52)     2.5x
    tally Swiecie                0.50    0.92 (0.82)      0.30 (0.28)     2.9x
    tally Wieliczka              1.00    0.93 (0.90)      0.44 (0.43)     2.1x
    peak memory (MB)             1024     517              337            1.5x

with the same outcome and explanations before and after in all six.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from queue import Empty
from typing import Any

from samenhang.voting.rules import GreedyMode, default_rule, read_pb_bytes, read_pb_file, tally
from samenhang.voting.rules.city import CITY_SEED

PABULIB = Path(__file__).resolve().parents[1] / "tests" / "voting" / "data"
KRAKOW = "Poland_Krakow_2024.pb"
MES_RULES = {"mes", "mes-add1", "mes-add1-comparison"}
#: Files whose META does not say how they were counted: the options that reproduce them
#: (Budapest: inferred category caps, see the issue).
OPTIONS: dict[str, dict[str, Any]] = {
    "Hungary_Budapest_2024.pb": {
        "rule": "greedy",
        "greedy_mode": GreedyMode.STOP,
        "category_budgets": {
            "Open": 120_000_000,
            "Green": 120_000_000,
            "Social": 120_000_000,
            "Local Big Idea": 240_000_000,
            "Local Small Idea": 400_000_000,
        },
    }
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--city", action="store_true", help="time whole commands on the generated city instead"
    )
    parser.add_argument("--seed", type=int, default=CITY_SEED, help="the city's seed")
    parser.add_argument(
        "--baseline",
        metavar="GIT_REF",
        help="with --city: also time the engine of this commit, interleaved (e.g. main)",
    )
    parser.add_argument(
        "--pabulib",
        type=Path,
        default=PABULIB,
        help=f"folder of .pb and .pb.gz files (default: {PABULIB})",
    )
    parser.add_argument("--skip-reference", action="store_true", help="do not run pabutools")
    parser.add_argument(
        "--reference-timeout",
        type=float,
        default=300,
        help="seconds pabutools may take per file (default: 300)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="engine runs per file")
    args = parser.parse_args()
    if args.city:
        city_benchmark(args.seed, args.repeat, args.baseline)
        return
    files = sorted([*args.pabulib.glob("*.pb"), *args.pabulib.glob("*.pb.gz")])
    if not files:
        sys.exit(f"No .pb or .pb.gz files in {args.pabulib}")

    print(f"{'file':62} {'rule':20} {'ballots':>7} {'read':>6} {'count':>6} {'wall':>6}  official")
    total, total_wall = 0.0, 0.0
    mes_files = []
    for path in files:
        timing = _time_engine(path, args.repeat)
        total, total_wall = total + timing.seconds, total_wall + timing.wall
        print(
            f"{_name(path):62} {timing.rule:20} {timing.ballots:>7} {timing.read:6.3f}"
            f" {timing.seconds - timing.read:6.3f} {timing.wall:6.3f}  {timing.verdict}"
        )
        if timing.rule in MES_RULES:
            mes_files.append((path, timing.rule, timing.seconds))
    print(
        f"\nAll {len(files)} files read and counted in {total:.2f} s CPU"
        f" ({total_wall:.2f} s wall), best of {args.repeat} runs each."
    )
    krakow = [path for path in files if _name(path) == KRAKOW]
    if krakow:
        memory_mb, krakow_s = _krakow_in_fresh_process(krakow[0])
        print(
            f"{KRAKOW}: read and counted in {krakow_s:.2f} s CPU, peak memory {memory_mb:.0f} MB."
        )

    if args.skip_reference:
        return
    print(f"\n{'file':62} {'rule':20} {'engine s':>9} {'pabutools s':>12} {'faster':>8}")
    for path, rule, seconds in mes_files:
        reference = _time_pabutools(path, rule, args.reference_timeout)
        if reference is None:
            shown, ratio = (
                f"> {args.reference_timeout:.0f}",
                f"> {args.reference_timeout / seconds:.0f}x",
            )
        else:
            shown, ratio = f"{reference:.2f}", f"{reference / seconds:.0f}x"
        print(f"{_name(path):62} {rule:20} {seconds:9.3f} {shown:>12} {ratio:>8}")


def _name(path: Path) -> str:
    """The `.pb` name of a file, gzipped or not: the key of OPTIONS."""
    return path.name.removesuffix(".gz")


@dataclass
class Timing:
    #: Best CPU seconds to read and count, and to read only; best wall-clock seconds.
    seconds: float
    read: float
    wall: float
    rule: str
    ballots: int
    #: Whether the count equals the file's official `selected` column ("-": it has none).
    verdict: str


def _time_engine(path: Path, repeat: int) -> Timing:
    best, best_read, best_wall = float("inf"), float("inf"), float("inf")
    for _ in range(repeat):
        wall, start = time.perf_counter(), time.process_time()
        election = read_pb_file(path)
        read = time.process_time() - start
        result = tally(election, **OPTIONS.get(_name(path), {}))
        best = min(best, time.process_time() - start)
        best_read, best_wall = min(best_read, read), min(best_wall, time.perf_counter() - wall)
    official = sorted(p for p, x in election.projects.items() if x.extra.get("selected") == "1")
    verdict = "same" if result.selected == official else "DIFFERENT"
    if "selected" not in election.project_columns:
        verdict = "-"
    rule = default_rule(election) if _name(path) not in OPTIONS else "greedy, stop, caps"
    return Timing(best, best_read, best_wall, rule, len(election.ballots), verdict)


def _krakow_in_fresh_process(path: Path) -> tuple[float, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_krakow_child, args=(path, queue))
    child.start()
    memory_kb, seconds = queue.get()
    child.join()
    return memory_kb / 1024, seconds


def _krakow_child(path: Path, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    start = time.process_time()
    tally(read_pb_file(path))
    seconds = time.process_time() - start
    # ru_maxrss is in kilobytes on Linux: the whole process, interpreter and NumPy included.
    queue.put((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, seconds))


def _time_pabutools(path: Path, rule: str, timeout: float) -> float | None:
    """pabutools' time to read the file and count it with `rule`, or None after timeout."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_pabutools_child, args=(path, rule, queue))
    child.start()
    try:
        seconds: float = queue.get(timeout=timeout)
    except Empty:
        child.terminate()
        child.join()
        return None
    child.join()
    return seconds


def _pabutools_child(path: Path, rule: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from pabutools.election import Cost_Sat
    from pabutools.election.pabulib import parse_pabulib_from_string
    from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares

    start = time.process_time()
    instance, profile = parse_pabulib_from_string(read_pb_bytes(path).decode("utf-8-sig"))
    if rule == "mes":
        method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    else:
        # The add1 completion; for add1-comparison the cheap greedy comparison is left out.
        exhaustion_by_budget_increase(
            instance,
            profile,
            method_of_equal_shares,
            {"sat_class": Cost_Sat},
            budget_step=profile.num_ballots(),
            exhaustive_stop=False,
        )
    queue.put(time.process_time() - start)


# The generated city ----------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "samenhang-bench"
SWIECIE = PABULIB / "Poland_Swiecie_2023.pb.gz"
WIELICZKA = PABULIB / "Poland_Wieliczka_2023_Green_Budget.pb.gz"
#: What is measured, and its target in seconds (or MB for memory).
TARGETS = {
    "read city": 1.0,
    "tally city --rule greedy": 2.0,
    "tally city --rule mes": 3.0,
    "tally city --rule mes-add1": 8.0,
    "tally Swiecie": 0.5,
    "tally Wieliczka": 1.0,
    "peak memory (MB)": 1024.0,
}
#: Runs a `samenhang` command of the code in the folder given first (a `git archive` of the
#: baseline), with this venv's packages.
BASELINE_LAUNCHER = """
import importlib.machinery, importlib.util, sys
root = sys.argv.pop(1)
spec = importlib.machinery.ModuleSpec("samenhang", None, is_package=True)
spec.submodule_search_locations = [root + "/platform"]
sys.modules["samenhang"] = importlib.util.module_from_spec(spec)
if sys.argv[1] == "--read":
    import time
    from samenhang.voting.rules import read_pb_file
    start, wall = time.process_time(), time.perf_counter()
    read_pb_file(sys.argv[2])
    print(time.process_time() - start, time.perf_counter() - wall)
else:
    from samenhang.cli import main
    sys.argv[0] = "samenhang"
    main()
"""


@dataclass
class Run:
    wall: float
    cpu: float
    memory_mb: float
    output: bytes


def city_benchmark(seed: int, repeat: int, baseline: str | None) -> None:
    """Whole commands on the generated city and two real rounds: the best of `repeat` runs
    (wall-clock, and the CPU time of the process), the highest peak memory of any."""
    city = CACHE / f"city-{seed}.pb"
    if not city.exists():
        from samenhang.voting.rules import write_pb_file
        from samenhang.voting.rules.city import generate_city

        print(f"Generating the city (seed {seed}) in {city} ...", flush=True)
        CACHE.mkdir(parents=True, exist_ok=True)
        write_pb_file(generate_city(seed=seed), city)
    size = city.stat().st_size / 1e6
    print(f"City: {city} ({size:.1f} MB), seed {seed}; best of {repeat} runs.")
    print(f"Load average before: {_load()}", flush=True)
    here = Path(sys.executable).parent / "samenhang"
    cases = {
        "read city": ["--read", str(city)],
        "tally city --rule greedy": ["tally", str(city), "--rule", "greedy", "--json"],
        "tally city --rule mes": ["tally", str(city), "--rule", "mes", "--json"],
        "tally city --rule mes-add1": ["tally", str(city), "--rule", "mes-add1", "--json"],
        "tally Swiecie": ["tally", str(SWIECIE), "--json"],
        "tally Wieliczka": ["tally", str(WIELICZKA), "--json"],
    }
    with tempfile.TemporaryDirectory() as folder:
        commands: dict[str, list[str]] = {"after": [str(here)]}
        if baseline:
            commands = {"before": _baseline_command(baseline, Path(folder)), **commands}
        results: dict[str, dict[str, Run]] = {version: {} for version in commands}
        for name, arguments in cases.items():
            for _ in range(repeat):
                # Interleaved, so that both versions share the machine's ups and downs.
                for version, command in commands.items():
                    run = _run(command, arguments)
                    best = results[version].get(name)
                    if best is None or run.wall < best.wall:
                        memory = max(run.memory_mb, best.memory_mb if best else 0.0)
                        results[version][name] = Run(run.wall, run.cpu, memory, run.output)
                    else:
                        best.cpu = min(best.cpu, run.cpu)
                        best.memory_mb = max(best.memory_mb, run.memory_mb)
    print(f"Load average after:  {_load()}\n")
    _print_table(results, list(cases))


def _baseline_command(ref: str, folder: Path) -> list[str]:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "platform", "blueprints"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    # `samenhang.blueprints` lives beside `platform/` in the repository.
    (folder / "platform" / "blueprints").symlink_to(folder / "blueprints")
    (folder / "launch.py").write_text(BASELINE_LAUNCHER)
    return [sys.executable, str(folder / "launch.py"), str(folder)]


def _run(command: list[str], arguments: list[str]) -> Run:
    if arguments[0] == "--read" and len(command) == 1:
        # The current engine: read in a fresh process, timed inside it.
        command = [sys.executable, "-c", READ_CHILD]
    wall = time.perf_counter()
    child = subprocess.Popen([*command, *arguments], stdout=subprocess.PIPE)
    output = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - wall
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{' '.join(command + arguments)} failed with exit code {child.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    if arguments[0] == "--read":
        # Only the reading, without starting Python.
        cpu, wall = (float(x) for x in output.split())
        output = b""
    return Run(wall, cpu, usage.ru_maxrss / 1024, output)


READ_CHILD = """
import sys, time
from samenhang.voting.rules import read_pb_file
start, wall = time.process_time(), time.perf_counter()
read_pb_file(sys.argv[2])
print(time.process_time() - start, time.perf_counter() - wall)
"""


def _print_table(results: dict[str, dict[str, Run]], names: list[str]) -> None:
    versions = list(results)
    header = f"{'measure':28} {'target':>7}"
    for version in versions:
        header += f" {version + ' wall':>12} {version + ' cpu':>11}"
    if len(versions) == 2:
        header += f" {'faster (cpu)':>12}"
    print(header + "  met")
    after = results[versions[-1]]
    for name in names:
        line = f"{name:28} {TARGETS[name]:7.2f}"
        for version in versions:
            run = results[version][name]
            line += f" {run.wall:12.3f} {run.cpu:11.3f}"
        if len(versions) == 2:
            line += f" {results[versions[0]][name].cpu / after[name].cpu:11.1f}x"
        print(f"{line}  {'yes' if after[name].wall < TARGETS[name] else 'NO'}")
    memory = {v: max(run.memory_mb for run in results[v].values()) for v in versions}
    line = f"{'peak memory (MB)':28} {TARGETS['peak memory (MB)']:7.0f}"
    for version in versions:
        line += f" {memory[version]:12.0f} {'':11}"
    if len(versions) == 2:
        line += f" {memory[versions[0]] / memory[versions[-1]]:11.1f}x"
    print(f"{line}  {'yes' if memory[versions[-1]] < TARGETS['peak memory (MB)'] else 'NO'}")
    if len(versions) == 2:
        same = [
            name
            for name in names
            if _outcome(results["before"][name].output) == _outcome(after[name].output)
        ]
        print(f"\nSame outcome and explanations before and after: {len(same)} of {len(names)}.")


def _outcome(output: bytes) -> object:
    return json.loads(output) if output else None


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} CPUs)"


if __name__ == "__main__":
    main()
