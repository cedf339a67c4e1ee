"""Several app servers: two gunicorn instances on different ports, one PostgreSQL database
and one Redis. A resident signs in on one and supports an initiative on the other with the
same cookie; the sign-in rate limit is counted across both (it lives in Redis)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from redis import Redis

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVER = sa.engine.make_url(
    os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
#: Its own Redis database (the job tests use 9 to 14), emptied before and after.
# Its own Redis database: it flushes it, and test_limits.py counts in 15.
REDIS_URL = "redis://127.0.0.1:6379/5"
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
SIGNIN_LIMIT = 3

# It starts its own servers on the machine's PostgreSQL and Redis, needs no app fixture and
# is the same on both test databases: one pass (with the other `pure` tests) is enough.
pytestmark = pytest.mark.pure


def _recreate(name: str) -> str:
    admin = sa.create_engine(SERVER.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return SERVER.set(database=name).render_as_string(hide_password=False)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [BIN / "samenhang", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"samenhang {' '.join(args)}:\n{done.stdout}\n{done.stderr}"


def _wait(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the app stopped while starting:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    pytest.fail(f"no answer on /healthz within 60 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    database = _recreate(f"two_servers_{worker}")
    redis = Redis.from_url(REDIS_URL)
    redis.flushdb()
    env = {
        **os.environ,
        "SAMENHANG_ENV": "development",
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        # One secret for both: a cookie signed by one is good on the other.
        "SAMENHANG_SECRET_KEY": secrets.token_urlsafe(48),
        "SAMENHANG_MAIL_BACKEND": "console",
        "SAMENHANG_RATELIMIT_SIGNIN": f"{SIGNIN_LIMIT} per minute",
        # The content generation of shared pages read from Redis on every request.
        "SAMENHANG_PAGE_CACHE_GENERATION_POLL": "0",
    }
    urls, processes = [], []
    try:
        for name in ("a", "b"):
            instance = tmp_path_factory.mktemp(f"server-{name}")  # nothing shared on disk
            server_env = {**env, "SAMENHANG_INSTANCE_PATH": str(instance)}
            if name == "a":
                _run(server_env, "db", "upgrade")
                _run(server_env, "seed-demo")
            port = _free_port()
            log = instance / "server.log"
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(
                        [
                            BIN / "gunicorn",
                            "--bind",
                            f"127.0.0.1:{port}",
                            "--workers",
                            "1",
                            "--threads",
                            "2",
                            "samenhang.app:create_app()",
                        ],
                        cwd=ROOT,
                        env=server_env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
            urls.append(f"http://127.0.0.1:{port}")
            _wait(urls[-1], processes[-1], log)
        yield {"a": urls[0], "b": urls[1], "database": database}
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        redis.flushdb()
        engine = sa.create_engine(SERVER.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "two_servers_{worker}" WITH (FORCE)'))
        engine.dispose()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """One resident's browser: one cookie jar for both servers (cookies ignore the port)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(url, data=body, method="POST"))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        request.add_header("Accept-Language", "en")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def csrf(self, url: str) -> str:
        status, text = self.get(url)
        assert status == 200, (url, status)
        found = CSRF.search(text)
        assert found, f"no csrf token on {url}"
        return found.group(1)


def _signin(browser: Browser, server: str, email: str, password: str) -> int:
    token = browser.csrf(f"{server}/signin")
    status, _ = browser.post(
        f"{server}/signin", {"csrf_token": token, "email": email, "password": password}
    )
    return status


def test_a_resident_signs_in_on_one_server_and_supports_on_the_other(
    servers: dict[str, str],
) -> None:
    a, b = servers["a"], servers["b"]
    engine = sa.create_engine(servers["database"])
    with engine.connect() as conn:
        fatma = conn.execute(
            sa.text("SELECT id FROM users WHERE email = 'fatma@demo.samenhang.nl'")
        ).one()
        initiative = conn.scalar(
            sa.text(
                "SELECT id FROM initiatives WHERE state = 'published'"
                " AND author_id != :u AND id NOT IN"
                " (SELECT initiative_id FROM initiative_supports WHERE user_id = :u)"
                " ORDER BY id LIMIT 1"
            ),
            {"u": fatma.id},
        )
    assert initiative is not None

    # A visitor reads the page on both servers: each keeps a shared copy.
    visitor = Browser()
    before = {server: visitor.get(f"{server}/initiatives/{initiative}") for server in (a, b)}
    assert all(status == 200 for status, _ in before.values())
    count = re.compile(r'<h2 id="support-heading">(\d+) ')
    supporters = int(count.findall(before[a][1])[0])

    browser = Browser()
    assert _signin(browser, a, "fatma@demo.samenhang.nl", "samenhang-demo") == 302
    # Server B knows her by the cookie server A set.
    status, account = browser.get(f"{b}/profile")
    assert status == 200 and "Fatma" in account
    token = browser.csrf(f"{b}/initiatives/{initiative}")
    status, _ = browser.post(f"{b}/initiatives/{initiative}/support", {"csrf_token": token})
    assert status in (302, 303)
    with engine.connect() as conn:
        supported = conn.scalar(
            sa.text(
                "SELECT count(*) FROM initiative_supports WHERE initiative_id = :i AND user_id = :u"
            ),
            {"i": initiative, "u": fatma.id},
        )
    engine.dispose()
    assert supported == 1
    # ... and server A sees it too: nothing of it lived in one server's memory.
    status, page = browser.get(f"{a}/initiatives/{initiative}")
    assert status == 200 and "Withdraw my support" in page
    # The support moved the content generation in Redis: neither server answers the visitor
    # its old shared copy, not even server A, where nothing was written.
    for server in (a, b):
        status, page = visitor.get(f"{server}/initiatives/{initiative}")
        assert status == 200 and count.findall(page) == [str(supporters + 1)], server


def test_the_signin_limit_is_counted_across_both_servers(servers: dict[str, str]) -> None:
    browser = Browser()
    wrong = [servers["a"], servers["b"], servers["a"]][:SIGNIN_LIMIT]
    for server in wrong:
        assert _signin(browser, server, "piotr@demo.samenhang.nl", "wrong-password") == 422
    # Neither server alone saw the limit's number of misses: Redis counted them together.
    assert _signin(browser, servers["b"], "piotr@demo.samenhang.nl", "wrong-password") == 429
