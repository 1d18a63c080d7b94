"""Property-based input for the JSON endpoints: whatever is sent, a JSON answer, never a 5xx.

hypothesis builds arbitrary JSON documents (and mark-shaped ones, so the checks past the
envelope are reached) for POST /api/v1/progress/sync, and arbitrary path segments and
query strings for every GET route that answers JSON (found in the URL map).
"""
from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lms.accounts.models import Role
from tests.conftest import Browser

SYNC = "/api/v1/progress/sync"
CSRF_META_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
NASTY_TEXT = st.sampled_from(["", "\x00", "\ud800", "kursus-uji", "pelajaran-a", "9999-12-31T23:59:59-23:59",
                              "0001-01-01T00:00:00+23:59", "2026-05-01T08:30:00+07:00",
                              "6f1c5d2e-3c4b-4a8e-9a55-3d8f5c2b1a00",
                              "z" * 5000, "Z", "[{", "%s%n"])
TEXT = st.one_of(NASTY_TEXT, st.text(max_size=50))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63), st.floats(), TEXT)
ANY_JSON = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                        st.dictionaries(TEXT, inner, max_size=5)), max_leaves=30)
FIELD = st.one_of(NASTY_TEXT, NASTY_TEXT, ANY_JSON)  # mostly text: what gets furthest into the checks
MARK = st.fixed_dictionaries({"course": FIELD, "lesson": FIELD, "done_at": FIELD},
                             optional={"id": st.one_of(st.uuids().map(str), ANY_JSON), "extra": ANY_JSON})
BATCH = st.one_of(ANY_JSON, st.fixed_dictionaries({"marks": st.lists(st.one_of(MARK, ANY_JSON), max_size=5)}),
                  st.fixed_dictionaries({"marks": st.lists(MARK, max_size=3)}, optional={"other": ANY_JSON}))


@pytest.fixture
def phone(app, make_user, make_course):
    """A learner's signed-in client and its CSRF token."""
    make_course()
    user = make_user(Role.LEARNER)
    browser = Browser(app.test_client())
    browser.login(user.phone.replace("+62", "0"))
    token = CSRF_META_RE.search(browser.get("/dasbor").get_data(as_text=True)).group(1)
    return browser.client, token


def _json_answer(response, *statuses):
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json"
    return response.get_json()


@given(payload=BATCH)
@example(payload={"marks": [{"id": "6f1c5d2e-3c4b-4a8e-9a55-3d8f5c2b1a00", "course": "kursus-uji",
                             "lesson": "pelajaran-a", "done_at": "9999-12-31T23:59:59-23:59"}]})
@example(payload={"marks": [{"course": "\ud800", "lesson": "\x00", "done_at": []}]})
@FUZZ
def test_sync_takes_any_json(phone, payload):
    from lms.extensions import rate_limits

    rate_limits.reset()
    client, token = phone
    # ensure_ascii keeps a lone surrogate as the escape \ud800 (what a phone could send)
    body = json.dumps(payload, ensure_ascii=True, allow_nan=True)
    answer = _json_answer(client.post(SYNC, data=body, content_type="application/json",
                                      headers={"X-CSRFToken": token}), 200, 400, 413)
    if "error" in answer:
        assert answer["error"]["message"]


@given(body=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))))
@FUZZ
def test_sync_takes_any_bytes(phone, body):
    from lms.extensions import rate_limits

    rate_limits.reset()
    client, token = phone
    _json_answer(client.post(SYNC, data=body, content_type="application/json", headers={"X-CSRFToken": token}),
                 200, 400)


def json_get_routes(app) -> list:
    """GET rules that answer JSON: the API, the key list, the offline bundles."""
    return [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods
            and (rule.rule.startswith("/api/") or rule.rule.startswith("/.well-known/") or rule.rule.endswith(".json"))]


@given(segment=st.one_of(TEXT, st.integers().map(str)), query=st.dictionaries(TEXT, TEXT, max_size=3),
       data=st.data())
@FUZZ
def test_json_get_routes_take_any_path_and_query(app, segment, query, data):
    rules = json_get_routes(app)
    assert len(rules) >= 4
    rule = data.draw(st.sampled_from(sorted(rules, key=lambda r: r.rule)), label="rule")
    url = rule.rule
    for name in rule.arguments:
        value = quote(segment.encode("utf-8", "surrogatepass"), safe="") or "x"
        url = re.sub(r"<(?:[^<>:]+:)?" + name + ">", lambda _m, value=value: value, url)
    query_string = "&".join(f"{quote(k.encode('utf-8', 'surrogatepass'), safe='')}="
                            f"{quote(v.encode('utf-8', 'surrogatepass'), safe='')}" for k, v in query.items())
    response = app.test_client().get(url + ("?" + query_string if query_string else ""))
    assert response.status_code < 500, (url, query, response.status_code)
    if response.status_code != 404 or rule.rule.startswith("/api/"):
        assert response.mimetype in ("application/json", "text/html"), (url, response.mimetype)
    if rule.rule.startswith("/api/"):
        assert response.mimetype == "application/json", (url, response.status_code)
