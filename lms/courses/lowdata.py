"""Fewer bytes on prepaid data: gzip for text responses, content-hashed static files.

Registered on the app by the courses blueprint (see ``init_app`` below, called from
courses/__init__.py), because learners reading lessons on a phone are who it is for:

- every text response over ~500 bytes (HTML, CSS, JavaScript, JSON, SVG) is sent
  gzip-compressed when the browser accepts it, with ``Vary: Accept-Encoding``;
- ``url_for('static', filename=…)`` adds ``?v=<content hash>``, and a static file asked
  for with its current hash is cached by the browser for a year (``immutable``): a
  changed file gets a new URL, so nobody downloads the same stylesheet twice.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, abort, current_app, request
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
#: below this the gzip header costs more than it saves
MIN_COMPRESS_BYTES = 500
COMPRESSIBLE_TYPES = {
    "text/html", "text/css", "text/plain", "text/csv", "text/javascript", "application/javascript",
    "application/json", "application/manifest+json", "image/svg+xml", "application/xml", "text/xml",
}
GZIP_LEVEL = 6


def accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def _add_vary(response: Response, value: str) -> None:
    present = {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}
    if value.lower() not in present:
        response.vary.add(value)


def compress_response(response: Response) -> Response:
    """Gzip a finished text response when the browser accepts it (after_request hook)."""
    if response.mimetype not in COMPRESSIBLE_TYPES:
        return response
    _add_vary(response, "Accept-Encoding")
    if (response.status_code != 200 or response.direct_passthrough or response.is_streamed
            or "Content-Encoding" in response.headers or request.method == "HEAD" or not accepts_gzip()):
        return response
    data = response.get_data()
    if len(data) < MIN_COMPRESS_BYTES:
        return response
    compressed = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    response.set_data(compressed)
    response.headers["Content-Encoding"] = "gzip"
    etag, _weak = response.get_etag()
    if etag:  # the same content in another coding: still the same resource for If-None-Match (weak)
        response.set_etag(etag, weak=True)
    return response


# --- static files ----------------------------------------------------------------------


@lru_cache(maxsize=64)
def _static_file(path: str, mtime_ns: int, size: int) -> tuple[str, bytes, bytes]:
    """(short sha256, bytes, gzip bytes) of a static file, read once per version of the file."""
    data = Path(path).read_bytes()
    return hashlib.sha256(data).hexdigest()[:12], data, gzip.compress(data, compresslevel=9, mtime=0)


def _static_path(filename: str) -> str | None:
    folder = current_app.static_folder
    path = safe_join(folder, filename) if folder else None
    return path if path and os.path.isfile(path) else None


def static_entry(filename: str) -> tuple[str, bytes, bytes] | None:
    path = _static_path(filename)
    if path is None:
        return None
    stat = os.stat(path)
    return _static_file(path, stat.st_mtime_ns, stat.st_size)


def static_version(filename: str) -> str | None:
    """The short content hash url_for('static') puts in the URL."""
    entry = static_entry(filename)
    return entry[0] if entry else None


def add_static_version(endpoint: str, values: dict) -> None:
    """url_defaults hook: url_for('static', filename=f) -> /static/f?v=<hash>."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = static_version(values["filename"])
        if version:
            values["v"] = version


def serve_static(filename: str):
    """A static file, compressed when possible; cached for a year when asked for by its current hash."""
    entry = static_entry(filename)
    if entry is None:
        abort(404)
    version, data, compressed = entry
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    use_gzip = mimetype in COMPRESSIBLE_TYPES and len(data) >= MIN_COMPRESS_BYTES and accepts_gzip()
    response = Response(compressed if use_gzip else data, mimetype=mimetype)
    if mimetype in COMPRESSIBLE_TYPES:
        response.vary.add("Accept-Encoding")
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(version + ("-gz" if use_gzip else ""))
    response.headers["Cache-Control"] = IMMUTABLE if request.args.get("v") == version else "public, max-age=3600"
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.url_default_functions.setdefault(None, []).append(add_static_version)
    if "static" in app.view_functions:
        app.view_functions["static"] = serve_static
    app.after_request_funcs.setdefault(None, []).insert(0, compress_response)
