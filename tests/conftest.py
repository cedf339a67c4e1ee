"""Test fixtures: one database per session built by the migrations, one transaction per test.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set
(`make test` runs the suite on both).
"""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession

from samenhang.app import create_app
from samenhang.extensions import db
from samenhang.mail import Mail

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
#: The real pabulib rounds the voting tests count: Assen as plain text (small, and edited by
#: the malformed-file tests), the others gzipped. See tests/voting/data/README.md.
PABULIB = Path(__file__).parent / "voting" / "data"


def pabulib_files(pattern: str = "*") -> list[Path]:
    """The shipped pabulib files whose name, without `.pb` or `.pb.gz`, matches `pattern`."""
    return sorted([*PABULIB.glob(f"{pattern}.pb"), *PABULIB.glob(f"{pattern}.pb.gz")])


def pabulib_file(name: str) -> Path:
    """The shipped pabulib file `name` (e.g. "Poland_Krakow_2024.pb"), plain or gzipped."""
    path = PABULIB / name
    return path if path.is_file() else PABULIB / f"{name}.gz"


def pabulib_name(path: Path) -> str:
    """The name of the `.pb` file at `path`, gzipped or not ("Poland_Krakow_2024.pb")."""
    return path.name.removesuffix(".gz")


class _BoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy picks the engine itself; in tests every session uses the one
    connection that holds the test's outer transaction."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        return self.bind


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a real server does: its own app context,
    `g`, database session and locale, never the test's own."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (test_gw0, ...)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        url = _worker_database(TEST_DATABASE_URL)
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


TEST_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_SIGNIN": "1000 per minute",
    "RATELIMIT_SIGNIN_ADDRESS": "1000 per minute",
    "RATELIMIT_SIGNUP": "1000 per minute",
    "RATELIMIT_PASSWORD_RESET": "1000 per minute",
    "RATELIMIT_REGISTER": "1000 per minute",
    "RATELIMIT_ADDRESS_CODE": "1000 per minute",
    "MAIL_BACKEND": "memory",
    # Tests assert the English msgids; tests of the Dutch default set it themselves.
    "BABEL_DEFAULT_LOCALE": "en",
    "SECRET_KEY": "test-secret-key",
}


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    os.environ["SAMENHANG_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    application = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    application.test_client_class = IsolatedClient
    with application.app_context():
        flask_migrate.upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Any]:
    """Everything a test does, including commits in requests, is rolled back afterwards."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        scoped = db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": _BoundSession,
            }
        )
        original = db.session
        db.session = scoped
        try:
            yield scoped
        finally:
            scoped.remove()
            db.session = original
            transaction.rollback()
            connection.close()
            # The rollback took back rows that shared pages may show: no commit said so.
            pages = app.extensions.get("shared_pages")
            if pages is not None:
                pages.cache.clear()


@pytest.fixture
def no_page_cache(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request renders its page: for tests that count what rendering costs."""
    monkeypatch.delitem(app.extensions, "shared_pages", raising=False)


@pytest.fixture
def outbox(app: Flask, db_session: Any) -> Iterator[list[Mail]]:
    box: list[Mail] = []
    app.extensions["outbox"] = box
    yield box
    app.extensions.pop("outbox", None)


@pytest.fixture
def client(app: Flask, db_session: Any, outbox: list[Mail]) -> FlaskClient:
    return app.test_client()


@pytest.fixture(autouse=True)
def _no_real_mail(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach an SMTP server."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a test tried to send real e-mail")

    monkeypatch.setattr("smtplib.SMTP", refuse)
    monkeypatch.setattr("smtplib.SMTP_SSL", refuse)


@pytest.fixture
def login(client: FlaskClient) -> Callable[[Any], FlaskClient]:
    """Sign in as a user through the real sign-in form."""
    from factories.accounts import PASSWORD

    def _login(user: Any) -> FlaskClient:
        response = client.post("/signin", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return client

    return _login


def link_from(mail: Mail) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


# --- the file store: the local folder (the default) or S3 (moto's server) --------------------

#: What the S3 tests give boto3: moto accepts any keys.
S3_TEST_SETTINGS = {
    "STORAGE": "s3",
    "S3_REGION": "eu-west-1",
    "S3_ACCESS_KEY_ID": "testing",
    "S3_SECRET_ACCESS_KEY": "testing",
    "S3_ADDRESSING_STYLE": "path",
}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A local S3 peer: moto's server in a thread, on 127.0.0.1 and a free port."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_storage(app: Flask, s3_endpoint: str) -> Iterator[Any]:
    """The app keeps its files in a fresh bucket of the S3 peer for this test."""
    import uuid

    from samenhang.storage import open_storage

    bucket = f"samenhang-test-{uuid.uuid4().hex[:12]}"
    settings = {**S3_TEST_SETTINGS, "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_endpoint}
    store = open_storage(settings, app.instance_path)
    store.client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    original = app.extensions["samenhang.storage"]
    app.extensions["samenhang.storage"] = store
    try:
        yield store
    finally:
        app.extensions["samenhang.storage"] = original


@pytest.fixture(params=["local", "s3"])
def either_storage(request: pytest.FixtureRequest, app: Flask) -> Any:
    """Run the test once with files in the local folder and once in an S3 bucket."""
    if request.param == "s3":
        return request.getfixturevalue("s3_storage")
    return app.extensions["samenhang.storage"]
