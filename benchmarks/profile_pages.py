"""CPU milliseconds per request of the public pages, in-process (no server, no network),
and where they go: a profiler's view to decide what to make cheaper.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_pages \
        .venv/bin/python benchmarks/profile_pages.py [--batches 5] [--profile PATH] [PATH...]

The database must hold the demo data (`samenhang seed-demo`), as benchmarks/pages.py makes.
For each page it warms up, then times `--batches` of `--requests` GETs through
`app.test_client()` with `time.process_time()` (CPU of this process: the app and the
database driver, not PostgreSQL's own work) and shows the least batch: other work on a
shared machine only adds to it. `--profile PATH` prints pyinstrument's tree of that page.
It measures rendering, so the shared page cache (blueprints/caching.py) is off; `--cached`
turns it on and measures what an anonymous visitor's request costs once a page is shared.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import PAGES  # a sibling script, not a package

os.environ.setdefault("SAMENHANG_SECRET_KEY", "benchmark-secret-key-benchmark-secret-key-0123")
os.environ.setdefault("SAMENHANG_MAIL_BACKEND", "memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="per batch")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--profile", default=None, help="a path to profile with pyinstrument")
    parser.add_argument("--cached", action="store_true", help="with the shared page cache")
    parser.add_argument("pages", nargs="*", default=PAGES)
    args = parser.parse_args()
    os.environ["SAMENHANG_PAGE_CACHE"] = "1" if args.cached else "0"

    from samenhang.app import create_app

    app = create_app()
    client = app.test_client()
    headers = {"Accept-Language": "nl"}
    print(f"{'page':45} {'CPU ms':>8} {'queries':>8}")
    for path in args.pages:
        for _ in range(5):
            assert client.get(path, headers=headers).status_code == 200, path
        # The least of several batches: other work on a shared machine only adds to it.
        batches = []
        for _ in range(args.batches):
            started = time.process_time()
            for _ in range(args.requests):
                client.get(path, headers=headers)
            batches.append((time.process_time() - started) * 1000 / args.requests)
        cpu_ms = min(batches)
        print(f"{path:45} {cpu_ms:8.2f} {_queries(app, client, path, headers):8d}")
    if args.profile:
        from pyinstrument import Profiler

        with Profiler(interval=0.001) as profiler:
            for _ in range(args.requests):
                client.get(args.profile, headers=headers)
        print(profiler.output_text(unicode=True, color=False, show_all=False))


def _queries(app, client, path: str, headers: dict[str, str]) -> int:
    from sqlalchemy import event

    from samenhang.extensions import db

    count = 0

    def _count(*_args: object) -> None:
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _count)
    try:
        client.get(path, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", _count)
    return count


if __name__ == "__main__":
    main()
