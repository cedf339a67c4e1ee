"""Public pages per second, as a ratio to the app's own /healthz in the same run.

    .venv/bin/python benchmarks/pages.py [--clients 50] [--seconds 10] [--skip-seed]

1. creates (after dropping) its own PostgreSQL database (`--database`, `bench_pages` by
   default), migrates it and loads the demo data (`samenhang seed-demo`);
2. starts gunicorn on 127.0.0.1 (a free port) with the real app, as benchmarks/ballots.py
   does (same options: --workers, --threads, ...);
3. for /healthz and then each page, `--clients` keep-alive clients request it for
   `--seconds`; reports requests/s, p50 and p99 latency, the ratio to /healthz, and checks
   every answer was 200;
4. stops gunicorn. The database is left for inspection (dropped by the next run).

With `--city` (a scale, 1 = full) the database also gets the realistic city of the issue
(`samenhang seed-load`, platform/loadseed.py: 50 wijken, 10,000 initiatives, 200 rounds,
300,000 ballots, 100,000 ledger entries; about a minute on PostgreSQL), and its wijk
pages are measured too. `samenhang seed-load --scale 0.01` on its own makes a smaller one.

The clients are visitors who are not signed in, so they get the shared copies of the pages
(blueprints/caching.py); `SAMENHANG_PAGE_CACHE=0` in the environment measures rendering.

Only 127.0.0.1 is contacted; the time is bounded (pages x seconds).
The issue's targets: every public page >= 0.5x /healthz with p99 < 200 ms; a published
results page >= 0.9x.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ballots import (  # a sibling script, not a package
    BIN,
    HOST,
    PG,
    ROOT,
    Connection,
    _free_port,
    _pct,
    start_server,
    stop_server,
)

DATABASE = "bench_pages"
PAGES = [
    "/healthz",
    "/",
    "/g/groningen/korrewegwijk",
    "/g/groningen/korrewegwijk/initiatives",
    "/g/groningen",
    "/g/groningen/korrewegwijk/stemdag",
    "/stemdag/2",
    "/initiatives/1",
    "/stemdag/2/results",
    "/api/v1/initiatives",
]


def _env(instance: str, database: str = DATABASE) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": PG + database,
        "SAMENHANG_INSTANCE_PATH": instance,
        "SAMENHANG_SECRET_KEY": "benchmark-secret-key-benchmark-secret-key-0123",
        "SAMENHANG_MAIL_BACKEND": "memory",
    }


#: What every browser sends: its language and the compressions it reads (a page of 52
#: projects is ~10x smaller gzipped, and the server keeps shared pages gzipped).
BROWSER_HEADERS = "Accept-Language: nl\r\nAccept-Encoding: gzip, deflate, br\r\n"

CITY_PAGES = ["/g/loadstad/wijk-01", "/g/loadstad/wijk-01/initiatives"]


def prepare(env: dict[str, str], database: str = DATABASE, city: float | None = None) -> None:
    for command in (["dropdb", "--if-exists"], ["createdb"]):
        subprocess.run([*command, "-h", HOST, "-U", "postgres", database], check=True)
    commands = [["db", "upgrade"], ["seed-demo"]]
    if city:
        commands.append(["seed-load", "--scale", str(city)])
    for command in commands:
        subprocess.run(
            [BIN / "samenhang", *command], env=env, cwd=ROOT, check=True, capture_output=True
        )


async def measure(port: int, path: str, clients: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    statuses: set[int] = set()
    deadline = time.monotonic() + seconds

    async def client() -> None:
        conn = Connection(port)
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                status, _, _ = await conn.request("GET", path, headers=BROWSER_HEADERS)
                latencies.append(time.perf_counter() - started)
                statuses.add(status)
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    if statuses != {200}:
        raise SystemExit(f"{path} answered {sorted(statuses)}")
    return {
        "per_s": len(latencies) / elapsed,
        "p50_ms": _pct(latencies, 0.50),
        "p99_ms": _pct(latencies, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--skip-seed", action="store_true", help="keep the database of a run")
    parser.add_argument(
        "--database", default=DATABASE, help="the PostgreSQL database to (re)create and use"
    )
    parser.add_argument(
        "--city", type=float, default=None, help="also load the benchmark city at this scale"
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--keep-alive", type=int, default=30)
    parser.add_argument("--preload", action="store_true")
    parser.add_argument("--reuse-port", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("pages", nargs="*", default=PAGES[1:], help="paths besides /healthz")
    args = parser.parse_args()
    instance = str(ROOT / "instance" / args.database)
    env = _env(instance, args.database)
    if not args.skip_seed:
        prepare(env, args.database, args.city)
    if args.city and args.pages == PAGES[1:]:
        args.pages = [*args.pages, *CITY_PAGES]
    port = _free_port()
    server = start_server(env, port, args)
    try:
        asyncio.run(measure(port, "/healthz", args.clients, 2))  # warm every worker
        results = {}
        for path in ["/healthz", *args.pages]:
            results[path] = asyncio.run(measure(port, path, args.clients, args.seconds))
    finally:
        stop_server(server)
    base = results["/healthz"]["per_s"]
    load = os.getloadavg()[0]
    print(f"{args.clients} clients, {args.seconds:.0f} s per page, load average {load:.1f}")
    print(f"{'page':45} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for path, row in results.items():
        print(
            f"{path:45} {row['per_s']:8.0f} {row['per_s'] / base:6.2f} "
            f"{row['p50_ms']:8.1f} {row['p99_ms']:8.1f}"
        )


if __name__ == "__main__":
    main()
