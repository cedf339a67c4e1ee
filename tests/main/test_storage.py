"""The file store (`samenhang.storage`): the local folder and an S3 bucket (moto's server)
behave alike; keys never reach outside; files of a removal go only once it commits."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from conftest import S3_TEST_SETTINGS
from flask import Flask

from samenhang.config import ConfigError
from samenhang.extensions import db
from samenhang.storage import (
    InvalidKey,
    LocalStorage,
    S3Storage,
    delete_after_commit,
    open_storage,
)


def test_put_open_get_exists_delete(either_storage: Any) -> None:
    key = "uploads/tests/abc-480.jpg"
    assert not either_storage.exists(key)
    assert either_storage.open(key) is None and either_storage.get(key) is None
    either_storage.delete(key)  # deleting what is not there is no error

    either_storage.put(key, b"first", "image/jpeg")
    either_storage.put(key, b"second version", "image/jpeg")  # a put replaces
    assert either_storage.exists(key)
    assert either_storage.get(key) == b"second version"
    stored = either_storage.open(key)
    assert stored is not None
    with stored.stream:
        assert stored.stream.read() == b"second version"
    assert stored.size == len(b"second version") and stored.etag and stored.modified.tzinfo

    either_storage.delete(key)
    assert not either_storage.exists(key) and either_storage.get(key) is None


@pytest.mark.parametrize(
    "key",
    ["", "/etc/passwd", "../secret", "uploads/../../secret", "uploads//x", "Uploads/x", "a/./b/"],
)
def test_a_key_never_reaches_outside(either_storage: Any, key: str) -> None:
    for call in (
        lambda: either_storage.put(key, b"x", "text/plain"),
        lambda: either_storage.get(key),
        lambda: either_storage.exists(key),
        lambda: either_storage.delete(key),
    ):
        with pytest.raises(InvalidKey):
            call()


def test_local_files_are_written_whole_and_for_the_app_only(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    store.put("letters/1-1-abc.pdf", b"%PDF", "application/pdf")
    path = tmp_path / "letters" / "1-1-abc.pdf"
    assert path.read_bytes() == b"%PDF"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["1-1-abc.pdf"]  # no temporary left


def test_s3_keeps_objects_under_its_prefix(s3_storage: S3Storage) -> None:
    prefixed = S3Storage(s3_storage.client, s3_storage.bucket, "/stad/")
    prefixed.put("uploads/x/a-480.jpg", b"jpeg", "image/jpeg")
    listed = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket)["Contents"]
    assert [item["Key"] for item in listed] == ["stad/uploads/x/a-480.jpg"]
    head = s3_storage.client.head_object(Bucket=s3_storage.bucket, Key="stad/uploads/x/a-480.jpg")
    assert head["ContentType"] == "image/jpeg"
    assert not s3_storage.exists("uploads/x/a-480.jpg") and prefixed.exists("uploads/x/a-480.jpg")


def test_the_settings_choose_the_store(app: Flask, tmp_path: Path) -> None:
    default = open_storage({}, app.instance_path)
    assert isinstance(default, LocalStorage) and default.root == Path(app.instance_path)
    chosen = open_storage({"STORAGE": "local", "STORAGE_DIR": str(tmp_path)}, "/nowhere")
    assert isinstance(chosen, LocalStorage) and chosen.root == tmp_path
    s3 = open_storage({**S3_TEST_SETTINGS, "S3_BUCKET": "b", "S3_PREFIX": "p"}, "/nowhere")
    assert isinstance(s3, S3Storage) and (s3.bucket, s3.prefix) == ("b", "p/")
    with pytest.raises(ConfigError, match="SAMENHANG_S3_BUCKET"):
        open_storage({"STORAGE": "s3"}, "/nowhere")
    with pytest.raises(ConfigError, match="local or s3"):
        open_storage({"STORAGE": "ftp"}, "/nowhere")


def test_files_of_a_removal_go_only_once_it_commits(db_session: Any, either_storage: Any) -> None:
    either_storage.put("uploads/tests/kept-480.jpg", b"a", "image/jpeg")
    either_storage.put("uploads/tests/gone-480.jpg", b"b", "image/jpeg")

    delete_after_commit(["uploads/tests/kept-480.jpg"])
    db.session.rollback()
    assert either_storage.exists("uploads/tests/kept-480.jpg")

    delete_after_commit(["uploads/tests/gone-480.jpg"])
    assert either_storage.exists("uploads/tests/gone-480.jpg")
    db.session.commit()
    assert not either_storage.exists("uploads/tests/gone-480.jpg")
    assert either_storage.exists("uploads/tests/kept-480.jpg")
    either_storage.delete("uploads/tests/kept-480.jpg")
