"""Browser tests: the real app in its own process, Debian's Chromium driven by Playwright,
axe-core for the accessibility rules.

Needs `apt-get install -y chromium fonts-noto-core` (never `playwright install`) and
`make tests/browser/axe.min.js`. Without them the tests are skipped locally and fail in CI.
Run only these: `.venv/bin/python -m pytest -m browser`.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from samenhang.demo import DEMO_PASSWORD

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE_JS = HERE / "axe.min.js"
SCREENSHOTS = ROOT / "screenshots"
BIN = Path(sys.executable).parent

# Verified on this kind of machine (2 cores, Debian's chromium): running as root needs
# --no-sandbox, and the /usr/bin/chromium wrapper's /dev/shm check is unreliable here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser is a browser test, even without its own marker, so the
    PostgreSQL pass of `make test` (-m "not browser") never runs one by accident."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


def missing(what: str, fix: str) -> NoReturn:
    """Skip locally with the fix in the message; in CI a missing piece is a failure."""
    message = f"{what} is missing: {fix}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI must never skip the browser tests)", pytrace=False)
    pytest.skip(message)


# -- the app under test ---------------------------------------------------------------------


def _compile_translations() -> None:
    """`make test` compiles the catalogs first; do it here too when run on its own."""
    stale = [
        po
        for po in ROOT.glob("translations/*/LC_MESSAGES/messages.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        subprocess.run(
            [BIN / "pybabel", "compile", "--directory", "translations", "--domain", "messages"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [BIN / "samenhang", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.fail(f"samenhang {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _wait_until_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the app stopped while starting:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(f"the app did not answer /healthz within 30 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app (gunicorn, as in production) on a free port, with its own instance
    folder and SQLite database, migrated and loaded with the demo data."""
    _compile_translations()
    instance = tmp_path_factory.mktemp("browser-instance")
    env = {
        **os.environ,
        "SAMENHANG_ENV": "development",
        "SAMENHANG_INSTANCE_PATH": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'samenhang.sqlite3'}",
        "SAMENHANG_SECRET_KEY": secrets.token_urlsafe(48),
        "SAMENHANG_DEFAULT_LOCALE": "nl",
        "SAMENHANG_MAIL_BACKEND": "console",
        "SAMENHANG_RATELIMIT_SIGNIN": "1000 per minute",
        "SAMENHANG_RATELIMIT_PASSWORD_RESET": "1000 per minute",
        "SAMENHANG_RATELIMIT_ADDRESS_CODE": "1000 per minute",
    }
    env.pop("REDIS_URL", None)
    _run_cli(env, "db", "upgrade")
    _run_cli(env, "seed-demo")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = instance / "server.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [
                BIN / "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "samenhang.app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# -- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        missing(str(CHROMIUM), "apt-get install -y chromium fonts-noto-core")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        missing(str(AXE_JS.relative_to(ROOT)), f"make {AXE_JS.relative_to(ROOT)} (needs npm)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def signed_in_state(browser: Browser, base_url: str) -> Callable[[str], dict[str, Any]]:
    """The cookies of a signed-in demo user, signed in once per test session."""
    states: dict[str, dict[str, Any]] = {}

    def _state(email: str) -> dict[str, Any]:
        if email not in states:
            context = browser.new_context(base_url=base_url)
            page = context.new_page()
            page.goto("/signin")
            page.fill("#email", email)
            page.fill("#password", DEMO_PASSWORD)
            with page.expect_navigation():
                page.click("main form button[type=submit]")
            assert "/signin" not in page.url, f"could not sign in as {email}"
            states[email] = context.storage_state()
            context.close()
        return states[email]

    return _state


@pytest.fixture
def new_context(
    browser: Browser, base_url: str, signed_in_state: Callable[[str], dict[str, Any]]
) -> Iterator[Callable[..., BrowserContext]]:
    """One browser context per test (closed afterwards): a viewport width, a locale cookie,
    optionally a signed-in user and JavaScript switched off."""
    contexts: list[BrowserContext] = []

    def _new(
        width: int = 360,
        locale: str = "nl",
        login: str | None = None,
        javascript: bool = True,
    ) -> BrowserContext:
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": width, "height": 800},
            java_script_enabled=javascript,
            storage_state=signed_in_state(login) if login else None,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_cookies([{"name": "locale", "value": locale, "url": base_url}])
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()
