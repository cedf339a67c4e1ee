"""Serving a file from the store (`samenhang.storage`) after the view's own access check."""

from __future__ import annotations

from flask import abort, send_file
from werkzeug.wrappers import Response

from samenhang.storage import StoredFile, storage


def send_stored(
    key: str | StoredFile | None,
    *,
    mimetype: str,
    max_age: int,
    download_name: str | None = None,
) -> Response:
    """The file at `key` (or one already opened), streamed with ETag and Last-Modified so a
    browser may ask "changed?" and get a 304; 404 when there is no such file."""
    stored = storage().open(key) if isinstance(key, str) else key
    if stored is None:
        abort(404)
    response = send_file(
        stored.stream,
        mimetype=mimetype,
        max_age=max_age,
        etag=stored.etag,
        last_modified=stored.modified,
        as_attachment=download_name is not None,
        download_name=download_name,
    )
    if response.status_code == 200:
        response.content_length = stored.size
    return response
