"""Ballots per second over HTTP: gunicorn + PostgreSQL on 127.0.0.1, 50 concurrent voters.

    .venv/bin/python benchmarks/ballots.py [--ballots 3000] [--clients 50] [--workers 4]

What it does, and undoes:
1. creates (after dropping) its own PostgreSQL database `bench_ballots` and migrates it;
2. seeds a wijk, a round open for voting with 6 projects and N stemcodes;
3. starts gunicorn on 127.0.0.1 (a free port) with the real app (CSRF on);
4. each of `--clients` threads votes as a fresh voter would: GET the ballot page (session
   cookie and CSRF token), then POST the ballot with a code of its own; until all codes
   are used or `--seconds` have passed;
5. reports ballots/s and p50/p99 latency (of the POST, and of GET+POST), then checks that
   there is exactly one ballot per used code and that a used code is refused;
6. stops gunicorn. The database is left for inspection (dropped by the next run).

Only 127.0.0.1 is contacted; the number of requests and the time are bounded.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
DATABASE = "bench_ballots"
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(instance: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": PG + DATABASE,
        "SAMENHANG_INSTANCE_PATH": instance,
        "SAMENHANG_SECRET_KEY": "benchmark-secret-key-benchmark-secret-key-0123",
        "SAMENHANG_MAIL_BACKEND": "console",
    }


def prepare_database(env: dict[str, str]) -> None:
    for command in (["dropdb", "--if-exists"], ["createdb"]):
        subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    subprocess.run(
        [BIN / "samenhang", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
    )


def seed(env: dict[str, str], count: int) -> tuple[int, list[int], list[str]]:
    """A round open for voting with `count` codes; returns (round id, project ids, codes)."""
    os.environ.update(env)
    from samenhang.accounts.models import Role, User
    from samenhang.app import create_app
    from samenhang.extensions import db
    from samenhang.places.models import Municipality, Wijk
    from samenhang.voting import services
    from samenhang.voting.models import BallotType, Eligibility, Phase, Rule

    app = create_app()
    with app.app_context():
        municipality = Municipality(name="Bench", slug="bench", cbs_code="GM0001")
        wijk = Wijk(
            municipality=municipality, name="Benchwijk", slug="benchwijk", cbs_code="WK000101"
        )
        manager = User(
            email="manager@bench.example", password_hash="x", display_name="M", role=Role.admin
        )
        db.session.add_all([municipality, wijk, manager])
        db.session.flush()
        round_ = services.create_round(
            manager,
            wijk,
            services.RoundData(
                title="Benchmark",
                budget_cents=5_000_000,
                ballot_type=BallotType.approval,
                rule=Rule.greedy,
                eligibility=Eligibility.codes,
                min_projects=1,
                max_projects=3,
            ),
        )
        services.change_phase(manager, round_, Phase.ideas)
        projects = []
        for n in range(6):
            project = services.propose_project(
                manager,
                round_,
                services.ProjectData(f"Project {n}", "Een project.", 500_000 + n * 10_000, "nl"),
            )
            services.review_project(manager, project, True, "")
            projects.append(project.id)
        services.change_phase(manager, round_, Phase.review)
        services.change_phase(manager, round_, Phase.voting)
        codes = []
        while len(codes) < count:
            issued = services.generate_codes(manager, round_, min(5000, count - len(codes)))
            codes += [code for _, code in issued]
        db.session.commit()
        return round_.id, projects, codes


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        "samenhang.app:create_app()",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


class Voter:
    """One client: a keep-alive connection; a fresh session (cookie) per ballot."""

    def __init__(self, port: int, round_id: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.round_id = round_id

    def _request(self, method: str, path: str, body: str | None, headers: dict[str, str]):
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response, response.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def vote(self, code: str, projects: list[int]) -> tuple[int, float, float]:
        """Returns (status of the POST, seconds for GET+POST, seconds for the POST)."""
        started = time.perf_counter()
        response, page = self._request("GET", f"/stemdag/{self.round_id}/vote", None, {})
        cookie = response.getheader("Set-Cookie", "").split(";")[0]
        match = CSRF.search(page.decode())
        if response.status != 200 or not match:
            return response.status, time.perf_counter() - started, 0.0
        token = match.group(1) or match.group(2)
        body = urllib.parse.urlencode(
            {
                "csrf_token": token,
                "choice": ",".join(map(str, projects)),
                "code": code,
            }
        )
        posted = time.perf_counter()
        response, _ = self._request(
            "POST",
            f"/stemdag/{self.round_id}/vote/cast",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        done = time.perf_counter()
        return response.status, done - started, done - posted


def run(
    port: int, round_id: int, projects: list[int], codes: list[str], clients: int, seconds: float
) -> dict[str, object]:
    lock = threading.Lock()
    queue = list(reversed(codes))
    results: list[tuple[str, int, float, float]] = []
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        voter = Voter(port, round_id)
        choice = [projects[index % len(projects)], projects[(index + 2) % len(projects)]]
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    return
                code = queue.pop()
            status, total, post = voter.vote(code, choice)
            with lock:
                results.append((code, status, total, post))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.perf_counter() - started
    ok = [r for r in results if r[1] == 303]
    post = sorted(r[3] for r in ok)
    total = sorted(r[2] for r in ok)

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else 0.0

    return {
        "ballots": len(ok),
        "failed": len(results) - len(ok),
        "statuses": sorted({r[1] for r in results}),
        "seconds": elapsed,
        "ballots_per_s": len(ok) / elapsed,
        "post_p50_ms": pct(post, 0.50),
        "post_p99_ms": pct(post, 0.99),
        "ballot_p50_ms": pct(total, 0.50),
        "ballot_p99_ms": pct(total, 0.99),
        "mean_ms": statistics.mean(total) * 1000 if total else 0.0,
        "used_codes": [r[0] for r in ok],
    }


def verify(
    env: dict[str, str], round_id: int, used: int, port: int, sample: list[str], projects: list[int]
) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(PG + DATABASE)
    with engine.connect() as conn:
        ballots = conn.execute(
            sa.text("SELECT count(*) FROM stemdag_ballots WHERE round_id = :r"), {"r": round_id}
        ).scalar()
        spent = conn.execute(
            sa.text("SELECT count(*) FROM stemdag_codes WHERE round_id = :r AND status = 'spent'"),
            {"r": round_id},
        ).scalar()
        voters = conn.execute(
            sa.text(
                "SELECT count(*), count(DISTINCT stemcode_id) FROM stemdag_voters"
                " WHERE round_id = :r"
            ),
            {"r": round_id},
        ).one()
    engine.dispose()
    print(
        f"check: {ballots} ballots, {spent} spent codes, {voters[0]} register rows "
        f"({voters[1]} distinct codes), {used} accepted answers"
    )
    assert ballots == spent == voters[0] == voters[1] == used, "not one ballot per code"
    voter = Voter(port, round_id)
    again = [voter.vote(code, projects[:1])[0] for code in sample]
    assert all(status == 422 for status in again), again
    print(f"check: {len(sample)} used codes voted again -> all refused (422)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ballots", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="bench-ballots-")
    env = _env(instance)
    prepare_database(env)
    round_id, projects, codes = seed(env, args.ballots)
    port = _free_port()
    server = start_server(env, port, args.workers, args.threads)
    try:
        Voter(port, round_id).vote("WARM-WARM-WARM", projects[:1])  # warm-up, refused
        result = run(port, round_id, projects, codes, args.clients, args.seconds)
        print(
            f"{result['ballots']} ballots in {result['seconds']:.1f} s with {args.clients} clients"
            f" (gunicorn {args.workers}x{args.threads} gthread): "
            f"{result['ballots_per_s']:.0f} ballots/s; "
            f"POST p50 {result['post_p50_ms']:.0f} ms, p99 {result['post_p99_ms']:.0f} ms; "
            f"GET+POST p50 {result['ballot_p50_ms']:.0f} ms, p99 {result['ballot_p99_ms']:.0f} ms;"
            f" failed: {result['failed']} {result['statuses']}"
        )
        used = result["used_codes"]
        assert isinstance(used, list)
        verify(env, round_id, len(used), port, used[:20], projects)
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
