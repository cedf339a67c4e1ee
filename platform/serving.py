"""`samenhang serve`: gunicorn with settings sized by the machine, for production."""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication


def default_settings(cpus: int | None = None) -> dict[str, Any]:
    """Threads, not more processes: a request mostly waits on PostgreSQL, and each process
    holds its own copy of the app and its database pool."""
    cpus = cpus or os.cpu_count() or 1
    return {
        "bind": os.environ.get("SAMENHANG_BIND", "127.0.0.1:8000"),
        "workers": int(os.environ.get("SAMENHANG_WORKERS", cpus + 1)),
        "worker_class": "gthread",
        "threads": int(os.environ.get("SAMENHANG_THREADS", 4)),
        # Behind a reverse proxy that buffers slow clients; a request longer than this is a
        # fault to fix, not to wait for (long work runs as a job).
        "timeout": 30,
        "graceful_timeout": 30,
        "keepalive": 5,
        # A worker is replaced now and then, so a slow leak cannot grow without end.
        "max_requests": 5000,
        "max_requests_jitter": 500,
        "accesslog": None,  # the app logs each request itself, with its request id
        "errorlog": "-",
        "forwarded_allow_ips": os.environ.get("SAMENHANG_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    }


class Server(BaseApplication):  # type: ignore[misc] - gunicorn has no type hints
    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from samenhang.app import create_app

        return create_app()


def serve(**overrides: Any) -> None:
    settings = default_settings()
    settings.update({key: value for key, value in overrides.items() if value is not None})
    Server(settings).run()
