"""Ballots per second over HTTP: gunicorn + PostgreSQL on 127.0.0.1, 50 concurrent voters.

    .venv/bin/python benchmarks/ballots.py [--ballots 3000] [--clients 50] [--mode api]

What it does, and undoes:
1. creates (after dropping) its own PostgreSQL database `bench_ballots` and migrates it;
2. seeds a wijk, a round open for voting with 6 projects and N stemcodes;
3. starts gunicorn on 127.0.0.1 (a free port) with the real app (CSRF on);
4. `--clients` voters, each on its own keep-alive connection, vote until all codes are
   used or `--seconds` have passed. `--mode api` (the default): one POST of the code and
   the choice to the stemcode endpoint `/stemdag/<round>/ballots`, as a kiosk or a ballot
   page's script does. `--mode form`: GET the ballot page (session cookie and CSRF token),
   then POST the ballot form, as a browser does at its last step;
5. reports ballots/s, p50/p99 latency, and where the machine's CPU went while voting:
   this client, gunicorn, PostgreSQL and anything else running (read from /proc), then
   checks that there is exactly one ballot per used code and that a used code is refused;
6. stops gunicorn. The database is left for inspection (dropped by the next run).

The client is cheap on purpose (asyncio, raw HTTP/1.1 over one connection per voter), as it
shares the machine with the server it measures; its CPU share is reported.

Only 127.0.0.1 is contacted; the number of requests and the time are bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
DATABASE = "bench_ballots"
HOST = "127.0.0.1"
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
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
        subprocess.run([*command, "-h", HOST, "-U", "postgres", DATABASE], check=True)
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
            actor=manager,
        )
        services.change_phase(round_, Phase.ideas, actor=manager)
        projects = []
        for n in range(6):
            project = services.propose_project(
                round_,
                services.ProjectData(f"Project {n}", "Een project.", 500_000 + n * 10_000, "nl"),
                actor=manager,
            )
            services.review_project(project, True, "", actor=manager)
            projects.append(project.id)
        services.change_phase(round_, Phase.review, actor=manager)
        services.change_phase(round_, Phase.voting, actor=manager)
        codes = []
        while len(codes) < count:
            issued = services.generate_codes(round_, min(5000, count - len(codes)), actor=manager)
            codes += [code for _, code in issued]
        db.session.commit()
        round_id = round_.id
        db.session.remove()
        db.engine.dispose()
        return round_id, projects, codes


def start_server(env: dict[str, str], port: int, args: argparse.Namespace) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--keep-alive",
        str(args.keep_alive),
        "--backlog",
        "512",
        "--log-level",
        "warning",
        *(["--preload"] if args.preload else []),
        # Each worker its own listening socket: the kernel spreads the connections over
        # the workers. Without it, one worker accepts (nearly) all keep-alive connections.
        *(["--reuse-port"] if args.reuse_port else []),
        "samenhang.app:create_app()",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=2) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                if sock.recv(12).startswith(b"HTTP/1.1"):
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


# --- where the CPU goes (Linux /proc) ----------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[str, int, float]]:
    """pid -> (command name, process group, CPU seconds so far)."""
    found = {}
    for name in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2 :].split()
        found[int(name)] = (comm, int(rest[2]), (int(rest[11]) + int(rest[12])) / TICKS)
    return found


def _machine() -> tuple[float, float]:
    """(busy, total) CPU seconds of all cores since boot."""
    try:
        with open("/proc/stat") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


@dataclass
class CpuSnapshot:
    processes: dict[int, tuple[str, int, float]] = field(default_factory=_processes)
    machine: tuple[float, float] = field(default_factory=_machine)
    client: float = field(default_factory=time.process_time)


def cpu_report(before: CpuSnapshot, after: CpuSnapshot, server_group: int) -> dict[str, float]:
    """CPU seconds spent in between by this client, gunicorn, PostgreSQL and the rest."""
    spent = {"client": after.client - before.client, "gunicorn": 0.0, "postgres": 0.0}
    me = os.getpid()
    for pid, (comm, group, seconds) in after.processes.items():
        delta = seconds - before.processes.get(pid, (comm, group, 0.0))[2]
        if pid == me:
            continue
        if group == server_group:
            spent["gunicorn"] += delta
        elif comm.startswith("postgres"):
            spent["postgres"] += delta
    busy = after.machine[0] - before.machine[0]
    spent["capacity"] = after.machine[1] - before.machine[1]
    spent["other"] = max(0.0, busy - spent["client"] - spent["gunicorn"] - spent["postgres"])
    spent["idle"] = max(0.0, spent["capacity"] - busy)
    return spent


# --- the client: raw HTTP/1.1 over asyncio streams, one keep-alive connection per voter ---


class Closed(Exception):
    """The server closed the connection before it answered."""


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers in lower case, body). Reconnects once if the server closed the
        idle connection before reading the request (nothing was sent back at all)."""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {len(body)}\r\n"
            f"{headers}\r\n"
        ).encode()
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            try:
                self.writer.write(head + body)
                return await self._response()
            except (Closed, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> tuple[int, dict[str, str], bytes]:
        assert self.reader is not None
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if not exc.partial:
                raise Closed from exc
            raise
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                body += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readuntil(b"\r\n")
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body


class Voter:
    """One voter after another on one connection; a fresh session (cookie) per ballot."""

    def __init__(self, port: int, round_id: int, mode: str) -> None:
        self.conn = Connection(port)
        self.round_id = round_id
        self.mode = mode

    async def vote(self, code: str, projects: list[int]) -> tuple[int, float, float]:
        """(status of the POST, seconds for the whole ballot, seconds for the POST)."""
        if self.mode == "api":
            body = json.dumps({"code": code, "choice": projects}).encode()
            started = time.perf_counter()
            status, _, _ = await self.conn.request(
                "POST",
                f"/stemdag/{self.round_id}/ballots",
                body,
                "Content-Type: application/json\r\n",
            )
            took = time.perf_counter() - started
            return status, took, took
        started = time.perf_counter()
        choice = ",".join(map(str, projects))
        status, headers, page = await self.conn.request("GET", f"/stemdag/{self.round_id}/vote")
        cookie = headers.get("set-cookie", "").split(";")[0]
        match = CSRF.search(page.decode())
        if status != 200 or not match:
            return status, time.perf_counter() - started, 0.0
        body = urllib.parse.urlencode(
            {"csrf_token": match.group(1) or match.group(2), "choice": choice, "code": code}
        ).encode()
        posted = time.perf_counter()
        status, _, _ = await self.conn.request(
            "POST",
            f"/stemdag/{self.round_id}/vote/cast",
            body,
            f"Content-Type: application/x-www-form-urlencoded\r\nCookie: {cookie}\r\n",
        )
        done = time.perf_counter()
        return status, done - started, done - posted


def _pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else 0.0


async def _run(
    port: int, round_id: int, projects: list[int], codes: list[str], args: argparse.Namespace
) -> dict[str, object]:
    queue = list(reversed(codes))
    results: list[tuple[str, int, float, float]] = []
    deadline = time.monotonic() + args.seconds
    accepted = 201 if args.mode == "api" else 303

    async def client(index: int) -> None:
        voter = Voter(port, round_id, args.mode)
        choice = [projects[index % len(projects)], projects[(index + 2) % len(projects)]]
        try:
            while queue and time.monotonic() < deadline:
                code = queue.pop()
                status, total, post = await voter.vote(code, choice)
                results.append((code, status, total, post))
        finally:
            voter.conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(args.clients)))
    elapsed = time.perf_counter() - started
    ok = [r for r in results if r[1] == accepted]
    return {
        "ballots": len(ok),
        "failed": len(results) - len(ok),
        "statuses": sorted({r[1] for r in results}),
        "seconds": elapsed,
        "ballots_per_s": len(ok) / elapsed,
        "post_p50_ms": _pct(sorted(r[3] for r in ok), 0.50),
        "post_p99_ms": _pct(sorted(r[3] for r in ok), 0.99),
        "ballot_p50_ms": _pct(sorted(r[2] for r in ok), 0.50),
        "ballot_p99_ms": _pct(sorted(r[2] for r in ok), 0.99),
        "used_codes": [r[0] for r in ok],
    }


async def _warm_up(port: int, round_id: int, count: int) -> None:
    """Public round pages (not rate limited), so every worker has started its pool."""
    conns = [Connection(port) for _ in range(count)]
    await asyncio.gather(*(c.request("GET", f"/stemdag/{round_id}") for c in conns))
    for conn in conns:
        conn.close()


def verify(round_id: int, used: list[str], port: int, projects: list[int], mode: str) -> None:
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
        f"({voters[1]} distinct codes), {len(used)} accepted answers"
    )
    assert ballots == spent == voters[0] == voters[1] == len(used), "not one ballot per code"
    # A few only: refusals count against the rate limit for failed attempts (20 a minute).
    sample = used[:8]

    async def again() -> list[int]:
        voter = Voter(port, round_id, mode)
        try:
            return [(await voter.vote(code, projects[:1]))[0] for code in sample]
        finally:
            voter.conn.close()

    statuses = asyncio.run(again())
    refused = 409 if mode == "api" else 422
    assert all(status == refused for status in statuses), statuses
    print(f"check: {len(sample)} used codes voted again -> all refused ({refused})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ballots", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--mode", choices=["api", "form"], default="api")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--keep-alive", type=int, default=30)
    parser.add_argument("--preload", action="store_true")
    parser.add_argument(
        "--reuse-port", action=argparse.BooleanOptionalAction, default=True, help="SO_REUSEPORT"
    )
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="bench-ballots-")
    env = _env(instance)
    prepare_database(env)
    round_id, projects, codes = seed(env, args.ballots)
    port = _free_port()
    server = start_server(env, port, args)
    try:
        asyncio.run(_warm_up(port, round_id, 4 * args.workers))
        before = CpuSnapshot()
        result = asyncio.run(_run(port, round_id, projects, codes, args))
        cpu = cpu_report(before, CpuSnapshot(), server.pid)
        server_kind = f"{args.workers}x{args.threads} {args.worker_class}"
        if args.preload:
            server_kind += " preload"
        if args.reuse_port:
            server_kind += " reuse-port"
        latency = f"POST p50 {result['post_p50_ms']:.0f} ms, p99 {result['post_p99_ms']:.0f} ms"
        if args.mode == "form":
            latency += (
                f"; GET+POST p50 {result['ballot_p50_ms']:.0f} ms,"
                f" p99 {result['ballot_p99_ms']:.0f} ms"
            )
        print(
            f"{result['ballots']} ballots in {result['seconds']:.1f} s, --mode {args.mode},"
            f" {args.clients} clients, gunicorn {server_kind}:"
            f" {result['ballots_per_s']:.0f} ballots/s; {latency};"
            f" failed: {result['failed']} {result['statuses']}"
        )
        ballots = max(1, int(result["ballots"]))  # type: ignore[call-overload]
        capacity = cpu["capacity"] or 1.0
        print(
            "cpu: "
            + ", ".join(
                f"{name} {100 * cpu[name] / capacity:.0f}%"
                + (f" ({1000 * cpu[name] / ballots:.2f} ms/ballot)" if name != "idle" else "")
                for name in ("client", "gunicorn", "postgres", "other", "idle")
            )
            + f" of {capacity / result['seconds']:.1f} cores"  # type: ignore[operator]
        )
        used = result["used_codes"]
        assert isinstance(used, list)
        verify(round_id, used, port, projects, args.mode)
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
