"""Rate limits (lms/rate_limits.py): only limited views touch the counters, and each limit counts as it says.

Here because the verification budget (page, QR page, upload, API) is the most used limit; sign-ins too."""
from __future__ import annotations

import logging

import pytest

from lms import create_app
from lms.config import TestConfig
from tests.factories import DEFAULT_PASSWORD


class CountingStorage:
    """Wraps an app's limit storage and records each call (name, key)."""

    def __init__(self, storage):
        self.storage = storage
        self.calls: list[tuple[str, str]] = []

    def __getattr__(self, name):
        method = getattr(self.storage, name)

        def recorded(*args, **kwargs):
            self.calls.append((name, args[0] if args else ""))
            return method(*args, **kwargs)

        return recorded


@pytest.fixture
def counted(app):
    counter = app.extensions["rate_limits"]
    original = counter.storage
    counter.storage = CountingStorage(original)
    try:
        yield counter.storage
    finally:
        counter.storage = original


def test_a_page_without_a_limit_never_reads_the_counters(client, counted, certify):
    certificate = certify()
    for path in ("/", "/kursus", "/masuk", "/static/app.css", "/verifikasi"):
        client.get(path)
    assert counted.calls == []
    # the verification API counts once, an increment of its one shared budget
    client.get(f"/api/v1/certificates/{certificate.public_id}")
    assert [name for name, _key in counted.calls] == ["incr"]
    assert "/verification/" in counted.calls[0][1]


def test_a_counted_response_says_what_is_left(app, client, certify, monkeypatch):
    certificate = certify()
    monkeypatch.setitem(app.config, "VERIFICATION_RATE_LIMIT", "3 per minute")
    responses = [client.get(f"/api/v1/certificates/{certificate.public_id}") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.headers.get("X-RateLimit-Remaining") for r in responses[:3]] == ["2", "1", "0"]
    assert responses[0].headers["X-RateLimit-Limit"] == "3"
    assert 1 <= int(responses[3].headers["Retry-After"]) <= 60


def test_the_verification_budget_is_shared_by_the_page_and_the_api(app, client, certify, monkeypatch):
    certificate = certify()
    monkeypatch.setitem(app.config, "VERIFICATION_RATE_LIMIT", "2 per minute")
    page = client.get(f"/verifikasi/{certificate.public_id}")
    api = client.get(f"/api/v1/certificates/{certificate.public_id}")
    refused = client.get(f"/verifikasi/{certificate.public_id}")
    assert (page.status_code, api.status_code, refused.status_code) == (200, 200, 429)
    assert "text/html" in refused.content_type  # the page's own 429, in words


def test_only_failed_sign_ins_count_and_a_used_budget_refuses_even_the_right_password(app, make_user, browser,
                                                                                       monkeypatch):
    user = make_user()
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    def sign_in_with(password: str) -> int:
        return browser.post_form("/masuk", {"identifier": user.phone, "password": password}).status_code

    statuses = []
    for _ in range(2):  # two right passwords: nothing counted
        statuses.append(sign_in_with(DEFAULT_PASSWORD))
        browser.logout()
    statuses += [sign_in_with(f"salah {attempt}") for attempt in range(3)]
    statuses.append(sign_in_with(DEFAULT_PASSWORD))
    assert statuses == [302, 302, 400, 400, 400, 429]


def test_each_app_counts_in_its_own_storage(app, client, certify, tmp_path, monkeypatch):
    certificate = certify()
    other = create_app(TestConfig, instance_path=str(tmp_path / "instance"),
                       SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    assert other.extensions["rate_limits"].storage is not app.extensions["rate_limits"].storage
    monkeypatch.setitem(app.config, "VERIFICATION_RATE_LIMIT", "1 per minute")
    assert client.get(f"/api/v1/certificates/{certificate.public_id}").status_code == 200
    assert client.get(f"/api/v1/certificates/{certificate.public_id}").status_code == 429


def test_an_unreachable_counter_store_lets_requests_through_and_says_so(app, client, certify, caplog):
    from limits.storage import storage_from_string

    certificate = certify()
    counter = app.extensions["rate_limits"]
    original = counter.storage
    # nothing listens on port 9: every call fails at once
    counter.storage = storage_from_string("redis://127.0.0.1:9/0", socket_connect_timeout=0.2)
    try:
        with caplog.at_level(logging.ERROR, logger="lms.rate_limits"):
            response = client.get(f"/api/v1/certificates/{certificate.public_id}")
    finally:
        counter.storage = original
    assert response.status_code == 200
    assert "X-RateLimit-Remaining" not in response.headers
    assert "Rate limit storage unavailable" in caplog.text


def test_process_counts_start_again_when_the_window_ends_and_forget_old_windows(monkeypatch):
    from lms import rate_limits
    from lms.rate_limits import ProcessCounts

    clock = [1_000.0]
    monkeypatch.setattr(rate_limits.time, "time", lambda: clock[0])
    counts = ProcessCounts()
    assert [counts.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    assert counts.get("a") == 3 and counts.get_expiry("a") == 1_060.0
    clock[0] = 1_060.0  # the window has ended
    assert counts.get("a") == 0
    assert counts.incr("a", 60) == 1 and counts.get_expiry("a") == 1_120.0
    counts.incr("b", 1)
    clock[0] = 1_200.0
    counts._swept -= ProcessCounts.SWEEP_SECONDS + 1  # a minute has passed since the last sweep
    counts.incr("c", 60)
    assert set(counts._counts) == {"c"}
