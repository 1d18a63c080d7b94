"""Low data, app-wide: gzip for text responses, content-hashed static files cached for a year,
and the web app manifest (lms/compression.py, lms/static_assets.py, registered by lms/web.py)."""
from __future__ import annotations

import gzip
import io
import json
import re

import pytest
from flask import Flask, url_for
from PIL import Image

from lms import web
from tests.conftest import PROJECT_ROOT

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
IMMUTABLE = "public, max-age=31536000, immutable"
STATIC = PROJECT_ROOT / "lms" / "static"
# every CSRF token on a page (the menu's forms, a WTForms field, the meta tag): each carries the second it was made
CSRF = re.compile(r'(name="csrf_token"(?: type="hidden")? value|name="csrf-token" content)="[^"]+"')


def _body(response) -> bytes:
    data = response.get_data()
    return gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data


# --- gzip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/kursus", "/masuk"])
def test_pages_are_gzipped_for_browsers_that_accept_it(client, url):
    plain = client.get(url)
    packed = client.get(url, headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 2
    # Same page (only the per-request CSRF token may differ), and still every security header.
    assert CSRF.sub("", gzip.decompress(packed.data).decode()) == CSRF.sub("", plain.get_data(as_text=True))
    assert packed.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]
    assert packed.headers["X-Content-Type-Options"] == "nosniff"


def test_small_and_binary_responses_are_not_gzipped(client):
    small = client.get("/healthz", headers=GZIP)
    assert small.status_code == 200 and "Content-Encoding" not in small.headers
    icon = client.get("/static/icon-192.png", headers=GZIP)
    assert icon.status_code == 200 and icon.mimetype == "image/png" and "Content-Encoding" not in icon.headers
    assert icon.data == (STATIC / "icon-192.png").read_bytes()


def test_head_requests_and_errors_are_sent_as_they_are(client):
    assert "Content-Encoding" not in client.head("/", headers=GZIP).headers
    missing = client.get("/tidak-ada-halaman-ini", headers=GZIP)
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers


# --- static files -------------------------------------------------------------------------


def test_static_urls_carry_a_content_hash_and_are_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/rawat\.css\?v=[0-9a-f]{12})"', page)
    js = re.search(r'src="(/static/offline\.js\?v=[0-9a-f]{12})"', page)
    assert css and js
    response = client.get(css.group(1), headers=GZIP)
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Content-Encoding"] == "gzip"
    source = (STATIC / "rawat.css").read_bytes()
    assert gzip.decompress(response.data) == source
    assert client.get(css.group(1)).data == source
    again = client.get(css.group(1), headers={**GZIP, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_an_old_or_missing_hash_is_served_but_not_cached_for_long(client):
    response = client.get("/static/rawat.css?v=000000000000")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert client.get("/static/nothing-here.css").status_code == 404
    assert client.get("/static/../lms/config.py").status_code == 404


def test_url_for_static_adds_the_version(app):
    with app.test_request_context():
        assert re.fullmatch(r"/static/favicon\.svg\?v=[0-9a-f]{12}", url_for("static", filename="favicon.svg"))
        assert url_for("static", filename="nope.css") == "/static/nope.css"


@pytest.mark.own_app
def test_the_web_layer_alone_brings_gzip_hashed_static_files_and_the_manifest():
    """No feature blueprint needed: web.init_app sets it all up for any page of the app."""
    app = Flask("lms")  # lms/static, lms/templates
    app.config.update(LANGUAGES=("id", "en"), BABEL_DEFAULT_LOCALE="id")
    web.init_app(app)

    @app.route("/panjang")
    def long_page():
        return "<!doctype html><p>" + "Cuci tangan dengan sabun. " * 100 + "</p>"

    client = app.test_client()
    response = client.get("/panjang", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data).count(b"Cuci tangan") == 100
    with app.test_request_context():
        css = url_for("static", filename="rawat.css")
    assert re.fullmatch(r"/static/rawat\.css\?v=[0-9a-f]{12}", css)
    assert client.get(css).headers["Cache-Control"] == IMMUTABLE
    assert client.get("/manifest.webmanifest").mimetype == "application/manifest+json"


# --- the web app manifest -----------------------------------------------------------------


def _css_colour(name: str) -> str:
    return re.search(rf"--{name}:(#[0-9a-fA-F]{{6}})", (STATIC / "rawat.css").read_text()).group(1).lower()


def test_the_manifest_describes_rawat_in_indonesian_with_the_sites_colours(client):
    response = client.get("/manifest.webmanifest", headers=GZIP)
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(_body(response))
    assert manifest["name"] == "Rawat" and manifest["short_name"] == "Rawat"
    assert manifest["lang"] == "id"
    assert "merawat lansia" in manifest["description"] and "penyandang disabilitas" in manifest["description"]
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["id"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == _css_colour("brand")  # the header
    assert manifest["background_color"] == _css_colour("bg")  # the page
    again = client.get("/manifest.webmanifest", headers={**GZIP, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_manifest_icons_are_served_and_are_what_they_say(client):
    manifest = json.loads(_body(client.get("/manifest.webmanifest")))
    pngs = {}
    for icon in manifest["icons"]:
        assert re.fullmatch(r"/static/[\w-]+\.(png|svg)\?v=[0-9a-f]{12}", icon["src"])
        response = client.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == icon["type"]
        assert response.headers["Cache-Control"] == IMMUTABLE
        if icon["type"] == "image/png":
            with Image.open(io.BytesIO(response.data)) as image:
                assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]
            pngs[(icon["sizes"], icon["purpose"])] = response.data
        else:
            assert icon["sizes"] == "any" and response.data.startswith(b"<svg")
    # What Android asks for: 192 and 512 pixel PNGs, and a full-bleed one it may crop to its own shape.
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= set(pngs)
    with Image.open(io.BytesIO(pngs[("512x512", "maskable")])) as maskable:
        corner = maskable.convert("RGB").getpixel((2, 2))
    assert "#%02x%02x%02x" % corner == _css_colour("brand")


def test_every_page_links_the_manifest_and_the_policy_allows_it(client):
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert f'<meta name="theme-color" content="{_css_colour("brand")}">' in page
    assert "manifest-src 'self'" in response.headers["Content-Security-Policy"].split("; ")
