"""What every response gets on its way out, in one pass over the header list it is sent with.

Every response gets the security headers (unless its view set its own), its request ID, gzip when it is
text the browser accepts compressed, and one JSON line in the request log. This WSGI middleware does all
of it around the Flask app, on the plain list of (name, value) pairs Werkzeug hands to the server.

They were four after_request hooks, each reading and writing Werkzeug's Headers: a list searched by
lower-cased name for every get or set, a KeyError raised and caught for every header not there. That was
0.1 ms a request, a fifth of what the certificate API itself costs (issue #21, bench/overhead.py); here the
names are lower-cased once.

Flask calls start_response before it returns the body, as every Werkzeug response does; the middleware
holds that call until it has decided on the body's coding, then makes it.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable

from flask import Flask

from .compression import COMPRESSIBLE_TYPES, MIN_COMPRESS_BYTES, gzip_bytes
from .observability import REQUEST_ID_ENVIRON_KEY, REQUEST_ID_RE, request_log

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
    "connect-src 'self'", "manifest-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
    "frame-ancestors 'none'",
])
#: sent with every response whose view did not set the header itself
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
#: only with HTTPS (SESSION_COOKIE_SECURE): a browser would otherwise refuse plain HTTP to a test server
STRICT_TRANSPORT = ("Strict-Transport-Security", "max-age=31536000")
#: a body larger than this is left as it is rather than held whole in memory a second time
MAX_COMPRESS_BYTES = 4 * 1024 * 1024

_SECURITY = tuple((name.lower(), (name, value)) for name, value in SECURITY_HEADERS)
Headers = list[tuple[str, str]]


class FinishResponses:
    """WSGI middleware around the Flask app (inside ProxyFix, which must see the request first)."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.config = app.config
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex[:16]
        environ[REQUEST_ID_ENVIRON_KEY] = request_id
        held: list = []

        def hold(status: str, headers: Headers, exc_info=None):
            held[:] = (status, headers, exc_info)
            return _write_refused

        body = self.wsgi_app(environ, hold)
        status, headers, exc_info = held
        names = {name.lower(): index for index, (name, _value) in enumerate(headers)}
        headers.extend(header for name, header in _SECURITY if name not in names)
        if self.config.get("SESSION_COOKIE_SECURE") and "strict-transport-security" not in names:
            headers.append(STRICT_TRANSPORT)
        headers.append(("X-Request-ID", request_id))
        content_type = headers[names["content-type"]][1] if "content-type" in names else ""
        if content_type.partition(";")[0].strip().lower() in COMPRESSIBLE_TYPES:
            body = _gzip_if_accepted(environ, status, headers, names, body)
        if self.config.get("REQUEST_LOG"):
            request_log.info({"event": "request", "method": environ.get("REQUEST_METHOD"), "path": _path(environ),
                              "status": int(status[:3]),
                              "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                              "request_id": request_id, "remote_addr": environ.get("REMOTE_ADDR")})
        start_response(status, headers, exc_info)
        return body


def _gzip_if_accepted(environ: dict, status: str, headers: Headers, names: dict[str, int],
                      body: Iterable[bytes]) -> Iterable[bytes]:
    """Text is sent gzip-compressed to a browser that accepts it, and says it varies with Accept-Encoding.

    A streamed body (no Content-Length) compresses itself as it goes (compression.streamed_response); a
    file that can be fetched in ranges (Accept-Ranges) is sent as stored, or its ranges would not match."""
    _add_vary(headers, names, "Accept-Encoding")
    if (not status.startswith("200") or "content-encoding" in names or "accept-ranges" in names
            or "content-length" not in names or environ.get("REQUEST_METHOD") == "HEAD"
            or "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", "").lower()):
        return body
    length = headers[names["content-length"]][1]
    if not length.isdigit() or not MIN_COMPRESS_BYTES <= int(length) <= MAX_COMPRESS_BYTES:
        return body
    try:
        compressed = gzip_bytes(b"".join(body))
    finally:
        if hasattr(body, "close"):
            body.close()
    headers[names["content-length"]] = ("Content-Length", str(len(compressed)))
    headers.append(("Content-Encoding", "gzip"))
    if "etag" in names:  # the same content in another coding: still the same resource for If-None-Match
        name, etag = headers[names["etag"]]
        if not etag.startswith("W/"):
            headers[names["etag"]] = (name, "W/" + etag)
    return [compressed]


def _add_vary(headers: Headers, names: dict[str, int], value: str) -> None:
    if "vary" not in names:
        headers.append(("Vary", value))
        return
    name, present = headers[names["vary"]]
    if value.lower() not in {token.strip().lower() for token in present.split(",")}:
        headers[names["vary"]] = (name, f"{present}, {value}" if present.strip() else value)


def _path(environ: dict) -> str:
    # as request.path has it: WSGI carries the path as latin-1 characters of its UTF-8 bytes
    raw = environ.get("PATH_INFO", "")
    return "/" + raw.encode("latin-1", "replace").decode("utf-8", "replace").lstrip("/")


def _write_refused(_data: bytes) -> None:
    raise RuntimeError("the app wrote its body through write(); Flask responses return it")


def install(app: Flask) -> None:
    app.wsgi_app = FinishResponses(app, app.wsgi_app)
