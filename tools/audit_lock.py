"""Known vulnerabilities in the locked versions (`make test`, `make audit`).

Runs pip-audit over a lock file against PyPI's advisory data. Without the network (no
advisory data can be had offline) it says so and succeeds, so that `make test` runs on a
machine without internet; a vulnerability found always fails.

    python tools/audit_lock.py requirements.lock
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

#: PyPI's JSON API is where pip-audit's default service ("pypi") reads advisories.
ADVISORY_SERVICE = "https://pypi.org/pypi/pip/json"
#: Seconds to wait for it: a machine without network should not hold up the tests.
TIMEOUT = 5

#: Advisories judged not to apply, each with the reason (pip-audit `--ignore-vuln`).
IGNORED: dict[str, str] = {}


def advisory_service_reachable() -> bool:
    try:
        with urllib.request.urlopen(ADVISORY_SERVICE, timeout=TIMEOUT) as answer:
            return bool(answer.status == 200)
    except (OSError, urllib.error.URLError):
        return False


#: What pip-audit's errors say when the network goes away halfway.
_NETWORK_TROUBLE = re.compile(
    r"ConnectionError|ConnectTimeout|ReadTimeout|timed out|Max retries|Temporary failure"
    r"|Name or service not known|Network is unreachable"
)


def _skipped(reason: str) -> int:
    print(f"pip-audit skipped: no advisory data offline ({reason}). Run `make audit` online.")
    return 0


def main(lock_file: str) -> int:
    if not advisory_service_reachable():
        return _skipped(f"{ADVISORY_SERVICE} did not answer within {TIMEOUT} s")
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [
        str(pip_audit),
        "--requirement",
        lock_file,
        "--require-hashes",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--timeout",
        str(TIMEOUT * 3),
    ]
    for vuln_id in IGNORED:
        command += ["--ignore-vuln", vuln_id]
    print("pip-audit:", lock_file, flush=True)
    run = subprocess.run(command, check=False, capture_output=True, text=True)
    try:
        report = json.loads(run.stdout)
    except ValueError:
        if _NETWORK_TROUBLE.search(run.stderr):
            return _skipped("the advisory service stopped answering")
        sys.stderr.write(run.stderr)
        return run.returncode or 1
    dependencies = report.get("dependencies", [])
    found = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dep in found:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
    if found:
        print(
            "pip-audit: known vulnerabilities in the locked versions. Raise the version in"
            " pyproject.toml and run `make lock`, or add the id to IGNORED with the reason."
        )
        return 1
    if dependencies and len(skipped) == len(dependencies):
        # A mirror of PyPI without the per-version data answers, but knows no advisories.
        return _skipped(f"the advisory service has no data for any of {len(skipped)} packages")
    for dep in skipped:
        print(f"not audited: {dep['name']} {dep.get('version', '')}: {dep['skip_reason']}")
    print(f"pip-audit: no known vulnerabilities in {len(dependencies) - len(skipped)} packages.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock"))
