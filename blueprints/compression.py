"""Gzip for text answers, so that a first page stays small without a proxy in front.

Pages and the NL Design System CSS shrink to a fifth. A proxy that compresses itself sees
`Content-Encoding` set and leaves the answer alone; a file answer keeps its ETag as a weak
one, so a browser's next `If-None-Match` still gets a 304.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

from samenhang.blueprints.assets import FILES, gzipped

COMPRESSIBLE = {
    "application/atom+xml",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "text/css",
    "text/csv",
    "text/html",
    "text/javascript",
    "text/plain",
}
#: Below this a gzip header costs more than it saves.
MIN_SIZE = 1024


def _wants_gzip(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype in COMPRESSIBLE
        and "Content-Encoding" not in response.headers
        and request.accept_encodings.quality("gzip") > 0
        # a generator answer is meant to stream; a file answer can be read whole
        and (response.direct_passthrough or not response.is_streamed)
    )


def init_compression(app: Flask) -> None:
    @app.after_request
    def compress(response: Response) -> Response:
        if not _wants_gzip(response):
            return response
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        etag, _ = response.get_etag()
        if etag and request.endpoint in FILES:
            response.set_data(gzipped(etag, data))
        else:
            response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        if etag:
            response.set_etag(etag, weak=True)
        return response
