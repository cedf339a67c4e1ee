"""Settings: defaults, then the environment, then an explicit override (tests)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: The repository root in an editable install; templates, translations and migrations live here.
ROOT = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "dev-only-insecure-secret-key"  # refused in production by check_config

LOCALES: dict[str, str] = {
    "nl": "Nederlands",
    "en": "English",
    "tr": "Türkçe",
    "ar": "العربية",
    "pl": "Polski",
    "uk": "Українська",
}
RTL_LOCALES = frozenset({"ar"})


class ConfigError(RuntimeError):
    """The settings are unsafe or inconsistent; the app refuses to start."""


def _default_database_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'samenhang.sqlite3'}"


def build_config(instance_path: Path, override: Mapping[str, Any] | None = None) -> dict[str, Any]:
    env = os.environ
    environment = env.get("SAMENHANG_ENV", "development")
    production = environment == "production"
    config: dict[str, Any] = {
        "SAMENHANG_ENV": environment,
        "SECRET_KEY": env.get("SAMENHANG_SECRET_KEY", DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or _default_database_url(instance_path),
        # No pool_pre_ping: samenhang.db tries only connections that sat idle.
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "BABEL_DEFAULT_LOCALE": env.get("SAMENHANG_DEFAULT_LOCALE", "nl"),
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "MIGRATIONS_DIR": str(ROOT / "migrations"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 14,
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 8,
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        #: Redis, shared by every app server: rate limits (and the readiness check).
        "REDIS_URL": env.get("REDIS_URL"),
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL", "memory://"),
        #: Live turnout by language while a round votes (`samenhang.voting.live`): a Redis
        #: of its own (best without persistence, see docs/ballot-secrecy.md), else REDIS_URL,
        #: else counted in the process; and how old the figures shown may be, in seconds.
        "LIVE_TURNOUT_REDIS_URL": env.get("SAMENHANG_LIVE_TURNOUT_REDIS_URL"),
        "LIVE_TURNOUT_REFRESH_SECONDS": int(env.get("SAMENHANG_LIVE_TURNOUT_REFRESH", "300")),
        #: Public pages for visitors not signed in, rendered once per content generation
        #: (blueprints/caching.py): on or off, how old one may be at most (seconds), how
        #: many per process, how often the generation is read from Redis (seconds).
        "PAGE_CACHE": env.get("SAMENHANG_PAGE_CACHE", "1") == "1",
        "PAGE_CACHE_TTL": float(env.get("SAMENHANG_PAGE_CACHE_TTL", "60")),
        "PAGE_CACHE_SIZE": int(env.get("SAMENHANG_PAGE_CACHE_SIZE", "1024")),
        "PAGE_CACHE_GENERATION_POLL": float(env.get("SAMENHANG_PAGE_CACHE_GENERATION_POLL", "1")),
        #: text (development) or json (one object per line, with the request id).
        "LOG_FORMAT": env.get("SAMENHANG_LOG_FORMAT", "json" if production else "text"),
        "LOG_LEVEL": env.get("SAMENHANG_LOG_LEVEL", "INFO"),
        #: One log line per request (method, path without query, status, duration).
        "LOG_REQUESTS": env.get("SAMENHANG_LOG_REQUESTS", "1" if production else "0") == "1",
        #: How many reverse proxies (TLS terminator, load balancer) stand before the app;
        #: their X-Forwarded-For hops are trusted, no more.
        "TRUSTED_PROXIES": int(env.get("SAMENHANG_TRUSTED_PROXIES", "0")),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_SIGNIN": env.get("SAMENHANG_RATELIMIT_SIGNIN", "10 per minute;50 per hour"),
        "RATELIMIT_SIGNIN_ADDRESS": env.get(
            "SAMENHANG_RATELIMIT_SIGNIN_ADDRESS", "30 per minute;300 per hour"
        ),
        "RATELIMIT_SIGNUP": env.get("SAMENHANG_RATELIMIT_SIGNUP", "10 per hour"),
        "RATELIMIT_PASSWORD_RESET": env.get("SAMENHANG_RATELIMIT_PASSWORD_RESET", "5 per hour"),
        #: Look-ups in the polling station register, per volunteer.
        "RATELIMIT_REGISTER": env.get("SAMENHANG_RATELIMIT_REGISTER", "10 per minute;200 per hour"),
        # Typing the code of an address letter (each letter also allows only a few misses).
        "RATELIMIT_ADDRESS_CODE": env.get("SAMENHANG_RATELIMIT_ADDRESS_CODE", "10 per hour"),
        # console: mails are written to the log; smtp: sent with the SMTP_* settings;
        # memory: kept in app.extensions["outbox"] (tests).
        "MAIL_BACKEND": env.get("SAMENHANG_MAIL_BACKEND", "smtp" if production else "console"),
        "MAIL_FROM": env.get("SAMENHANG_MAIL_FROM", "Samenhang <noreply@samenhang.localhost>"),
        "SMTP_HOST": env.get("SAMENHANG_SMTP_HOST", "localhost"),
        "SMTP_PORT": int(env.get("SAMENHANG_SMTP_PORT", "587")),
        "SMTP_USERNAME": env.get("SAMENHANG_SMTP_USERNAME"),
        "SMTP_PASSWORD": env.get("SAMENHANG_SMTP_PASSWORD"),
        "SMTP_STARTTLS": env.get("SAMENHANG_SMTP_STARTTLS", "1") == "1",
        #: Where residents reach the site: links in mails sent outside a request, and the
        #: address and QR codes on stemcode letters. Production refuses a local address.
        "BASE_URL": env.get("SAMENHANG_BASE_URL", "http://127.0.0.1:5000"),
        "CONTACT_EMAIL": env.get("SAMENHANG_CONTACT_EMAIL", "contact@samenhang.localhost"),
        #: Extra themes (design tokens) of municipalities, one folder each: see docs/themes.md.
        "THEMES_DIR": env.get("SAMENHANG_THEMES_DIR", str(instance_path / "themes")),
        #: `module:Class` of a machine-translation provider; none by default.
        "MACHINE_TRANSLATOR": env.get("SAMENHANG_MACHINE_TRANSLATOR"),
        #: Where uploaded photos and letter PDFs are kept (`samenhang.storage`): local (a
        #: folder, the instance folder by default) or s3 (a private bucket, for several app
        #: servers). The S3 keys, when unset, come from boto3's own chain (AWS_* variables).
        "STORAGE": env.get("SAMENHANG_STORAGE", "local"),
        "STORAGE_DIR": env.get("SAMENHANG_STORAGE_DIR"),
        "S3_BUCKET": env.get("SAMENHANG_S3_BUCKET"),
        "S3_PREFIX": env.get("SAMENHANG_S3_PREFIX", ""),
        "S3_ENDPOINT_URL": env.get("SAMENHANG_S3_ENDPOINT_URL"),
        "S3_REGION": env.get("SAMENHANG_S3_REGION"),
        "S3_ACCESS_KEY_ID": env.get("SAMENHANG_S3_ACCESS_KEY_ID"),
        "S3_SECRET_ACCESS_KEY": env.get("SAMENHANG_S3_SECRET_ACCESS_KEY"),
        #: auto, path (most MinIO set-ups) or virtual.
        "S3_ADDRESSING_STYLE": env.get("SAMENHANG_S3_ADDRESSING_STYLE", "auto"),
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY"),
        "STRIPE_PUBLISHABLE_KEY": env.get("STRIPE_PUBLISHABLE_KEY"),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET"),
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE"),
        # campaigns: where bank transfers go (the example IBAN of the Dutch banks by default),
        # and where Stripe.js is loaded from on the payment page.
        "CAMPAIGNS_BANK_IBAN": env.get("SAMENHANG_CAMPAIGNS_IBAN", "NL91 ABNA 0417 1643 00"),
        "CAMPAIGNS_BANK_NAME": env.get("SAMENHANG_CAMPAIGNS_BANK_NAME", "Stichting Samenhang"),
        "STRIPE_JS_URL": env.get("STRIPE_JS_URL", "https://js.stripe.com/v3/"),
    }
    if override:
        config.update(override)
    check_config(config)
    return config


def check_config(config: Mapping[str, Any]) -> None:
    if config["SAMENHANG_ENV"] != "production":
        return
    secret = config["SECRET_KEY"]
    if not secret or secret == DEV_SECRET_KEY or len(secret) < 32:
        raise ConfigError(
            "SAMENHANG_ENV=production needs SAMENHANG_SECRET_KEY: a random value of at least "
            '32 characters, e.g. python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    if config["BABEL_DEFAULT_LOCALE"] not in LOCALES:
        raise ConfigError(f"SAMENHANG_DEFAULT_LOCALE must be one of {', '.join(LOCALES)}")
    if not config.get("DEBUG") and not config.get("TESTING"):
        check_base_url(str(config.get("BASE_URL") or ""))


#: Host names that only ever reach the machine itself.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


def check_base_url(base_url: str) -> None:
    """SAMENHANG_BASE_URL is printed on stemcode letters (and in the QR codes) and used in
    mails: in production it must be the public address, never this machine's own."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if (
        parts.scheme not in ("http", "https")
        or not host
        or host in LOCAL_HOSTS
        or host.endswith(".localhost")
        or host.startswith("127.")
    ):
        raise ConfigError(
            "SAMENHANG_BASE_URL must be the public address residents reach the site at, like"
            f" https://stem.groningen.nl (it is printed on the stemcode letters); not {base_url!r}"
        )
