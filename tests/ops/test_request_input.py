"""Out-of-range numbers, page numbers, JSON and body sizes: a clear 4xx, never a 500.

lms/routing.py (URL numbers), lms/pagination.py (?page=), lms/request_body.py (JSON,
NUL, body sizes) and the sync API (lms/courses/sync.py).
"""
from __future__ import annotations

import io
import json
import re
import uuid

import pytest

from lms.accounts.models import Role
from lms.courses.views_offline import SYNC_MAX_BYTES
from lms.request_body import MAX_JSON_DEPTH

SYNC = "/api/v1/progress/sync"
CSRF_META_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
TOO_LARGE = {"id": "Yang Anda kirim terlalu besar.", "en": "What you sent is too large."}


def sync_token(browser) -> str:
    return CSRF_META_RE.search(browser.get("/dasbor").get_data(as_text=True)).group(1)


def send(browser, body: str | bytes, **kwargs):
    return browser.client.post(SYNC, data=body, content_type="application/json",
                               headers={"X-CSRFToken": sync_token(browser)}, **kwargs)


# --- numbers in URLs -----------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["99999999999999999999", "9223372036854775808", "2147483648", "1" * 5000])
@pytest.mark.parametrize("url", ["/kursus/k/kuis/m/percobaan/{n}", "/kelompok/{n}", "/tulis/{n}",
                                 "/admin/pengguna/{n}/keluar-semua"])
def test_an_id_no_row_can_have_is_a_404(sign_in, url, number):
    browser = sign_in(Role.ADMIN)
    response = browser.get(url.format(n=number))
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_the_largest_id_a_row_can_have_still_reaches_the_view(sign_in):
    browser = sign_in(Role.ADMIN, locale="en")
    response = browser.get(f"/kelompok/{2**31 - 1}")
    assert response.status_code in (403, 404)
    assert "Page not found" in response.get_data(as_text=True) or response.status_code == 403


def test_nul_in_a_url_is_a_404(sign_in):
    browser = sign_in()
    for url in ("/kursus/a%00b", "/gabung/%00", "/verifikasi/RWT%00", "/kursus/x/aset/images/%00.png"):
        assert browser.get(url).status_code == 404, url


# --- page cursors (lms/pagination.py: keyset pages) -------------------------------------------------

@pytest.mark.parametrize("url", ["/admin/pengguna", "/admin/sertifikat", "/admin/audit"])
@pytest.mark.parametrize("cursor", ["99999999999999999999", "-5", "0", "abc", "%00", "1" * 5000, "9" * 30,
                                    "2026-12-03T05:00:00_0", "2026-12-03T05:00:00_99999999999",
                                    "2026-12-03T05:00:00+07:00_5", "9999-12-31T23:59:59.999999_1", "_", "x_1"])
def test_any_cursor_shows_a_page(sign_in, url, cursor):
    browser = sign_in(Role.ADMIN)
    for name in ("older", "newer", "page"):
        assert browser.get(f"{url}?{name}={cursor}").status_code == 200


def test_a_cursor_past_the_end_offers_the_way_back(app, sign_in, make_user):
    browser = sign_in(Role.ADMIN)
    body = browser.get("/admin/pengguna?older=2000-01-01T00:00:00_1").get_data(as_text=True)
    assert "Anggota" not in body and 'rel="prev"' in body and 'rel="next"' not in body
    # "newer" than before the first row: the rows after it (here, all of them)
    newest = browser.get("/admin/pengguna").get_data(as_text=True)
    assert re.findall(r"Peserta Uji \d+|Admin[^<]*", browser.get("/admin/pengguna?newer=2000-01-01T00:00:00_1")
                      .get_data(as_text=True)) == re.findall(r"Peserta Uji \d+|Admin[^<]*", newest)


def test_the_audit_log_takes_the_last_day_there_is(sign_in):
    browser = sign_in(Role.ADMIN)
    for dates in ("from=9999-12-31&to=9999-12-31", "from=0001-01-01&to=0001-01-01", "to=9999-99-99"):
        assert browser.get(f"/admin/audit?{dates}").status_code == 200, dates


def test_nul_in_a_search_box_is_dropped(sign_in):
    """PostgreSQL refuses NUL in text: the parsed query has none (lms/request_body.py)."""
    browser = sign_in(Role.ADMIN)
    for url in ("/admin/pengguna?q=a%00b", "/admin/sertifikat?q=%00", "/kursus?q=%00"):
        assert browser.get(url).status_code == 200, url


# --- the sync API's JSON -------------------------------------------------------------------------

def mark(**fields):
    return {"id": str(uuid.uuid4()), "course": "kursus-uji", "lesson": "pelajaran-a",
            "done_at": "2026-05-01T08:30:00+07:00", **fields}


@pytest.mark.parametrize("done_at", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59",
                                     "9999-12-31T23:59:59.999999-00:01"])
def test_a_time_past_the_calendar_is_a_bad_time(sign_in, make_course, done_at):
    make_course()
    response = send(sign_in(), json.dumps({"marks": [mark(done_at=done_at)]}))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_marks"
    assert [p["code"] for p in error["marks"]] == ["bad_time"]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 20_000])
def test_deep_json_is_refused_before_it_is_parsed(sign_in, depth):
    browser = sign_in(locale="en")
    response = send(browser, "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "too_deep", "message": f"The JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels)."}


def test_json_nested_100000_deep_is_too_large_to_read(sign_in):
    response = send(sign_in(), "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 413
    assert response.get_json()["error"]["message"].startswith(TOO_LARGE["id"])


def test_brackets_inside_strings_do_not_count_as_nesting(sign_in, make_course):
    make_course()
    response = send(sign_in(), json.dumps({"marks": [mark(lesson="[" * 500 + "{" * 500)]}))
    assert response.status_code == 400
    assert [p["code"] for p in response.get_json()["error"]["marks"]] == ["unknown_lesson"]


@pytest.mark.parametrize("text", ["\\ud800", "a\\udfffb", "\\udc00\\ud800"])
def test_a_lone_surrogate_is_refused(sign_in, make_course, text):
    make_course()
    body = json.dumps({"marks": [mark()]}).replace("pelajaran-a", text)
    response = send(sign_in(locale="en"), body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_text"
    assert "lone surrogate" in response.get_json()["error"]["message"]


def test_a_surrogate_pair_is_text_like_any_other(sign_in, make_course):
    make_course()
    response = send(sign_in(), json.dumps({"marks": [mark(lesson="\U0001f600")]}))  # written \ud83d\ude00
    assert response.status_code == 400
    assert [p["code"] for p in response.get_json()["error"]["marks"]] == ["unknown_lesson"]


@pytest.mark.parametrize("body", [b"\xff\xfe\x00", b"{", b"9" * 5000, b"\x00"])
def test_a_body_that_is_not_json_is_a_json_400(sign_in, body):
    response = send(sign_in(), body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in ("bad_json", "bad_request")


def test_nul_in_a_course_slug_is_an_unknown_course(sign_in, make_course):
    make_course()
    response = send(sign_in(), json.dumps({"marks": [mark(course="kursus\u0000uji")]}))
    assert response.status_code == 400
    assert [p["code"] for p in response.get_json()["error"]["marks"]] == ["unknown_course"]


# --- body sizes ----------------------------------------------------------------------------------

class Unreadable(io.BytesIO):
    """A body that must not be read: its announced size (Content-Length) alone decides."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readinto = readline = read


def test_a_large_body_to_the_sync_api_is_refused_unread(sign_in):
    browser = sign_in()
    token = sync_token(browser)
    response = browser.client.post(SYNC, input_stream=Unreadable(), content_type="application/json",
                                   headers={"X-CSRFToken": token},
                                   environ_overrides={"CONTENT_LENGTH": str(100 * 1024 * 1024)})
    assert response.status_code == 413, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == 413 and error["message"].startswith(TOO_LARGE["id"])


def test_a_chunked_body_without_length_is_cut_at_the_limit(sign_in):
    """No Content-Length (Transfer-Encoding: chunked): refused once the limit is read, not at the end."""
    browser = sign_in()
    token = sync_token(browser)
    stream = io.BytesIO(b"[" + b" " * (SYNC_MAX_BYTES * 4) + b"]")
    response = browser.client.post(SYNC, input_stream=stream, content_type="application/json",
                                   headers={"X-CSRFToken": token, "Transfer-Encoding": "chunked"},
                                   environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413
    assert stream.tell() <= SYNC_MAX_BYTES + 64 * 1024  # what was read: about the limit, not 256 KB


def test_a_full_batch_fits_the_sync_limit(sign_in, make_course):
    make_course()
    marks = [mark(course="k" * 80, lesson="l" * 80, done_at="2026-05-01T08:30:00.123456+07:00") for _ in range(200)]
    body = json.dumps({"marks": marks})
    assert len(body) < SYNC_MAX_BYTES
    response = send(sign_in(), body)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_marks"


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_form_too_large_gets_a_friendly_413_page(app, client, language):
    client.set_cookie("lang", language)
    body = "identifier=" + "x" * (app.config["FORM_MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/masuk", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert TOO_LARGE[language] in response.get_data(as_text=True)


def test_no_route_takes_more_than_the_global_limit(app, sign_in):
    """An upload sets its own limit (a 5 MB PDF); MAX_CONTENT_LENGTH still caps it."""
    browser = sign_in()
    previous = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    try:
        response = browser.client.post("/verifikasi/pdf", input_stream=Unreadable(),
                                       content_type="multipart/form-data; boundary=x",
                                       environ_overrides={"CONTENT_LENGTH": str(2 * 1024 * 1024)})
        assert response.status_code == 413
    finally:
        app.config["MAX_CONTENT_LENGTH"] = previous


def test_an_upload_still_takes_its_own_limit(sign_in):
    """A 3 MB PDF is over the form limit (1 MB) but within the upload's (5 MB): it is read and checked."""
    browser = sign_in()
    page = browser.get("/verifikasi").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = browser.client.post("/verifikasi/pdf", data={
        "csrf_token": token, "document": (io.BytesIO(b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024)), "big.pdf")})
    assert response.status_code in (200, 400)

