"""Static files a phone downloads once: content-hashed URLs, a year of caching, the web app manifest.

Registered app-wide by web.init_app:

- ``url_for('static', filename=…)`` adds ``?v=<content hash>``, and a static file asked
  for with its current hash is cached by the browser for a year (``immutable``): a
  changed file gets a new URL, so nobody downloads the same stylesheet twice. Text
  files are kept gzip-compressed in memory and sent compressed when the browser accepts it;
- ``/manifest.webmanifest`` names the app, its colours and icons, so a phone can put
  Rawat on its home screen and open it like an app.
"""
from __future__ import annotations

import hashlib
import json
import mimetypes
import os
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, abort, current_app, request, url_for
from werkzeug.security import safe_join

from .compression import COMPRESSIBLE_TYPES, MIN_COMPRESS_BYTES, accepts_gzip, gzip_bytes

IMMUTABLE = "public, max-age=31536000, immutable"
#: a URL without the current hash (an old page, a typed URL): cached briefly, then asked again
SHORT_CACHE = "public, max-age=3600"


@lru_cache(maxsize=64)
def _static_file(path: str, mtime_ns: int, size: int) -> tuple[str, bytes, bytes]:
    """(short sha256, bytes, gzip bytes) of a static file, read once per version of the file."""
    data = Path(path).read_bytes()
    return hashlib.sha256(data).hexdigest()[:12], data, gzip_bytes(data, level=9)


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
    response.headers["Cache-Control"] = IMMUTABLE if request.args.get("v") == version else SHORT_CACHE
    return response.make_conditional(request)


# --- the web app manifest -------------------------------------------------------------------

#: the colours of lms/static/rawat.css: --brand (the header) and --bg (the page)
THEME_COLOR = "#0b6e4f"
BACKGROUND_COLOR = "#f7f5f0"
#: the manifest is read by the phone, not shown in a page: Rawat's first language, Indonesian
MANIFEST_DESCRIPTION = ("Pelatihan dan sertifikat gratis bagi keluarga dan relawan yang merawat lansia "
                        "atau penyandang disabilitas di rumah.")
#: (file in lms/static, sizes, type, purpose); the PNGs are drawn by tools/make-icons.py
MANIFEST_ICONS = (
    ("favicon.svg", "any", "image/svg+xml", "any"),
    ("icon-192.png", "192x192", "image/png", "any"),
    ("icon-512.png", "512x512", "image/png", "any"),
    ("icon-maskable-512.png", "512x512", "image/png", "maskable"),
)


def manifest_data() -> dict:
    return {
        "id": "/",
        "name": "Rawat",
        "short_name": "Rawat",
        "description": MANIFEST_DESCRIPTION,
        "lang": "id",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [{"src": url_for("static", filename=name), "sizes": sizes, "type": kind, "purpose": purpose}
                  for name, sizes, kind, purpose in MANIFEST_ICONS],
    }


def web_manifest():
    """/manifest.webmanifest: what a phone needs to add Rawat to its home screen."""
    body = json.dumps(manifest_data(), ensure_ascii=False, indent=1).encode("utf-8")
    response = Response(body, mimetype="application/manifest+json")
    response.set_etag(hashlib.sha256(body).hexdigest()[:16])
    # Its URL has no hash (browsers expect it to stay put); the icons it names do.
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.url_default_functions.setdefault(None, []).append(add_static_version)
    if "static" in app.view_functions:
        app.view_functions["static"] = serve_static
    app.add_url_rule("/manifest.webmanifest", "web_manifest", web_manifest)
