"""Where uploaded photos and made files (letter PDFs) are kept: one small interface, two
places.

- `local` (the default): files under a folder, the instance folder unless
  `SAMENHANG_STORAGE_DIR` says otherwise. Enough for one app server.
- `s3`: a bucket of an S3-compatible object store (AWS, MinIO, Ceph, a cloud provider's),
  so that several app servers see the same files.

Keys are relative paths such as `uploads/initiatives/<name>-1024.jpg`; the database keeps
only the random part of the name. Nothing is served from the store directly: views read a
file (`open`) after their own access check, so the bucket stays private.

    storage().put("uploads/initiatives/ab12-480.jpg", data, "image/jpeg")
    stored = storage().open("uploads/initiatives/ab12-480.jpg")  # None when it is not there
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from samenhang.config import ConfigError
from samenhang.extensions import db

#: Lower-case letters, digits, `-`, `_` and `.`, in `/`-separated parts; no `..`, no leading
#: `/`: a key never reaches outside the folder or the bucket's prefix.
_KEY = re.compile(r"[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*")


class InvalidKey(ValueError):
    pass


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key) or ".." in key:
        raise InvalidKey(f"not a storage key: {key!r}")
    return key


@dataclass
class StoredFile:
    """A file read from the store: its content as a stream (close it, or hand it to a
    response that does), and what HTTP caching needs."""

    stream: IO[bytes]
    size: int
    modified: datetime
    etag: str


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def open(self, key: str) -> StoredFile | None: ...

    def get(self, key: str) -> bytes | None: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


class _Reads:
    def open(self, key: str) -> StoredFile | None:
        raise NotImplementedError

    def get(self, key: str) -> bytes | None:
        """The whole file, or None."""
        stored = self.open(key)
        if stored is None:
            return None
        with stored.stream:
            return stored.stream.read()


class LocalStorage(_Reads):
    """Files in a folder. Written under a temporary name and renamed, so a reader never
    sees half a file; readable by the app's own user only (letters carry codes)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> StoredFile | None:
        path = self._path(key)
        try:
            stream = path.open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        info = os.fstat(stream.fileno())
        return StoredFile(
            stream=stream,
            size=info.st_size,
            modified=datetime.fromtimestamp(info.st_mtime, UTC),
            etag=f"{int(info.st_mtime_ns)}-{info.st_size}",
        )

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage(_Reads):
    """Objects in an S3 bucket, under an optional prefix. The bucket must not be public:
    the app serves what it holds after its own checks."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket = client, bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type
        )

    def open(self, key: str) -> StoredFile | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey:
            return None
        return StoredFile(
            stream=answer["Body"],
            size=answer["ContentLength"],
            modified=answer["LastModified"],
            etag=answer["ETag"].strip('"'),
        )

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        # Deleting a key that is not there is no error in S3.
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))


def open_storage(config: dict[str, Any], instance_path: str) -> Storage:
    """The store the settings name (see README, "Settings")."""
    kind = config.get("STORAGE", "local")
    if kind == "local":
        return LocalStorage(Path(config.get("STORAGE_DIR") or instance_path))
    if kind == "s3":
        bucket = config.get("S3_BUCKET")
        if not bucket:
            raise ConfigError("SAMENHANG_STORAGE=s3 needs SAMENHANG_S3_BUCKET")
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3",
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or None,
            # Unset: boto3's own chain (AWS_* variables, a profile, the machine's role).
            aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": config.get("S3_ADDRESSING_STYLE") or "auto"},
            ),
        )
        return S3Storage(client, bucket, config.get("S3_PREFIX") or "")
    raise ConfigError(f"SAMENHANG_STORAGE must be local or s3, not {kind!r}")


def init_app(app: Flask) -> None:
    app.extensions["samenhang.storage"] = open_storage(app.config, app.instance_path)


def storage() -> Storage:
    """The app's store."""
    return current_app.extensions["samenhang.storage"]  # type: ignore[no-any-return]


# --- deleting once the database agrees -----------------------------------------------------

_DOOMED = "samenhang.storage.doomed"


def delete_after_commit(keys: Iterable[str]) -> None:
    """Delete these files once the current transaction commits: a rolled-back removal
    leaves the row, so it must leave the file too."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even before any SQL, forgets them
    doomed = session.info.setdefault(_DOOMED, [])
    doomed.extend((storage(), check_key(key)) for key in keys)


@event.listens_for(Session, "after_commit")
def _delete_committed(session: Session) -> None:
    for store, key in session.info.pop(_DOOMED, []):
        try:
            store.delete(key)
        except Exception:  # a file left behind is untidy, not wrong: the row is gone
            current_app.logger.exception("could not delete %s", key)


@event.listens_for(Session, "after_soft_rollback")
def _keep_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_DOOMED, None)
