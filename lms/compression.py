"""Fewer bytes on prepaid data: every text response is sent gzip-compressed.

Every text response over ~500 bytes (HTML, CSS, JavaScript, JSON, SVG, the web app
manifest) goes out gzip-compressed when the browser accepts it, with ``Vary: Accept-Encoding``;
an ETag becomes weak, since the same resource is then sent in another coding. finishing.py
does it for every response on its way out; this module holds the rules and the compressor.
"""
from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable, Iterator

from flask import Response, request

#: below this the gzip header costs more than it saves
MIN_COMPRESS_BYTES = 500
COMPRESSIBLE_TYPES = {
    "text/html", "text/css", "text/plain", "text/csv", "text/javascript", "application/javascript",
    "application/json", "application/manifest+json", "image/svg+xml", "application/xml", "text/xml",
}
GZIP_LEVEL = 6


def accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def gzip_bytes(data: bytes, level: int = GZIP_LEVEL) -> bytes:
    """Compressed the same way every time (no timestamp), so equal content gives equal bytes."""
    return gzip.compress(data, compresslevel=level, mtime=0)


def gzip_chunks(chunks: Iterable[bytes], level: int = GZIP_LEVEL) -> Iterator[bytes]:
    """A gzip stream of the chunks as they come (one gzip member, no timestamp)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: a gzip header and trailer
    for chunk in chunks:
        if out := compressor.compress(chunk):
            yield out
    yield compressor.flush()


def streamed_response(chunks: Iterable[str], mimetype: str, **kwargs) -> Response:
    """A download written while it is sent (a large export never sits whole in memory), gzip-compressed
    as it goes when the browser accepts it: a streamed body is otherwise sent as it is (compress_response
    leaves it alone). The chunks are written after the view has returned, outside the request: read
    what they need (rows, the time zone) before."""
    encoded = (chunk.encode() for chunk in chunks)
    response = Response(gzip_chunks(encoded) if accepts_gzip() else encoded, mimetype=mimetype, **kwargs)
    response.vary.add("Accept-Encoding")
    if accepts_gzip():
        response.headers["Content-Encoding"] = "gzip"
    return response
