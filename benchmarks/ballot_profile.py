"""CPU milliseconds and SQL statements per ballot request, measured in-process.

    .venv/bin/python benchmarks/ballot_profile.py [--ballots 300] [--pyinstrument form-get]

The HTTP benchmark (`ballots.py`) shares the machine with its client and PostgreSQL, and
with whatever else runs, so its ballots/s are noisy. This measures the app alone: the
same seeded round (`ballots.seed`, PostgreSQL database `bench_ballots`), the app's test
client (CSRF on), and per request kind the process CPU time and the number of SQL
statements. `--pyinstrument KIND` prints a profile of that kind (form-get, form-post, api).

Only 127.0.0.1 is contacted (PostgreSQL); the number of requests is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ballots

KINDS = ("form-get", "form-post", "api", "healthz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ballots", type=int, default=300)
    parser.add_argument("--pyinstrument", choices=KINDS)
    parser.add_argument("--cprofile", choices=KINDS, help="CPU time by function (cProfile)")
    parser.add_argument("--sql", action="store_true", help="print the statements of one ballot")
    args = parser.parse_args()
    env = ballots._env(tempfile.mkdtemp(prefix="bench-ballots-"))
    ballots.prepare_database(env)
    round_id, projects, codes = ballots.seed(env, 2 * args.ballots)
    os.environ.update(env)

    from sqlalchemy import event

    from samenhang.app import create_app
    from samenhang.extensions import db

    app = create_app()
    statements: dict[str, int] = defaultdict(int)
    current = ["warm-up"]
    with app.app_context():
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda *a, **k: statements.__setitem__(current[0], statements[current[0]] + 1),
        )
        if args.sql:
            event.listen(
                db.engine,
                "before_cursor_execute",
                lambda conn, cursor, statement, *rest: shown.append(
                    f"[{current[0]}] {' '.join(statement.split())[:300]}"
                ),
            )
    shown: list[str] = []
    cpu: dict[str, list[float]] = defaultdict(list)
    profiler = None
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        args.pyinstrument = args.cprofile
    choice = [projects[0], projects[2]]

    def timed(kind: str, call):
        current[0] = kind
        if profiler is not None and kind == args.pyinstrument:
            profiler.enable() if args.cprofile else profiler.start()
        started = time.process_time()
        result = call()
        cpu[kind].append(time.process_time() - started)
        if profiler is not None and kind == args.pyinstrument:
            profiler.disable() if args.cprofile else profiler.stop()
        current[0] = "other"
        return result

    def one(code: str, measured: bool) -> None:
        name = (lambda k: k) if measured else (lambda k: "warm-up")
        with app.test_client() as client:
            page = timed(name("form-get"), lambda: client.get(f"/stemdag/{round_id}/vote"))
            assert page.status_code == 200, page.status_code
            match = ballots.CSRF.search(page.get_data(as_text=True))
            assert match
            token = match.group(1) or match.group(2)
            data = {"csrf_token": token, "choice": ",".join(map(str, choice)), "code": code}
            sent = timed(
                name("form-post"),
                lambda: client.post(f"/stemdag/{round_id}/vote/cast", data=data),
            )
            assert sent.status_code == 303, (sent.status_code, sent.get_data(as_text=True)[:500])
        with app.test_client() as client:
            answer = timed(
                name("api"),
                lambda: client.post(
                    f"/stemdag/{round_id}/ballots",
                    data=json.dumps({"code": codes.pop(), "choice": choice}),
                    content_type="application/json",
                ),
            )
            assert answer.status_code == 201, answer.status_code
            # The yardstick: the machine is shared, and its speed varies with the load.
            timed(name("healthz"), lambda: client.get("/healthz"))

    for _ in range(10):
        one(codes.pop(), measured=False)
    shown.clear()
    count = args.ballots - 10
    for n in range(count):
        one(codes.pop(), measured=True)
        if n == 0 and shown:
            print("\n".join(shown))
            shown.clear()
    # The median, not the mean: the machine is shared, and a request now and then waits
    # for a core (or for the collector) at a cost that is not its own.
    median = {kind: 1000 * statistics.median(cpu[kind]) for kind in KINDS}
    for kind in KINDS:
        print(
            f"{kind:10} {median[kind]:6.2f} ms CPU (median; mean"
            f" {1000 * statistics.fmean(cpu[kind]):.2f}),"
            f" {statements[kind] / count:4.1f} SQL statements per request"
        )
    form_path = median["form-get"] + median["form-post"]
    print(
        f"form path  {form_path:6.2f} ms CPU/ballot; as multiples of /healthz:"
        f" form path {form_path / median['healthz']:.1f}×, api"
        f" {median['api'] / median['healthz']:.1f}×"
    )
    if args.cprofile:
        import pstats

        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(90)
    elif profiler is not None:
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
