"""The public API against its own OpenAPI document (/api/openapi.json), with schemathesis.

The schema is loaded from the app itself (WSGI, no network). For every operation,
schemathesis generates requests from the document (and requests that break it) and
checks each answer: no server error, a documented status, the documented content type
and headers, a body matching the documented schema. Some generated certificate IDs are
replaced by the IDs of certificates seeded in the database (valid, revoked, expired, one with observed skills),
written the ways people type them, so the "found" answers are checked as well as the
malformed, typo and not-found ones. Example counts stay small so this runs in seconds.
"""
from __future__ import annotations

import gzip
from collections import Counter

import pytest
import schemathesis
from flask.globals import _cv_app
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lms.certificates.public_id import new_public_id
from lms.certificates.queries import get_by_public_id
from lms.certificates.services import revoke
from lms.extensions import db
from tests.certificates.fixtures import certify, years_ago  # noqa: F401  (certify is a fixture)
from tests.credentials.helpers import credential_of

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]
# Not run: positive_data_acceptance (a string the schema allows may still be a malformed ID or
# one with a typing error: 400 is the documented answer), and the stateful checks (GET only).

# Why not @schema.parametrize(): the lazy pytest loader (schemathesis.pytest.from_fixture, needed
# to build the schema from the test app) breaks on pytest 9 (`Function` has no `_nodeid`, 4.32.5).
# The same engine is driven here directly: each operation's own Hypothesis strategies.


def isolated(app):
    """The app as a WSGI callable, as an HTTP client sees it.

    Every request gets its own app context (see IsolatedClient), and a gzip-coded body is
    decoded as requests, curl --compressed or a browser would (werkzeug's test client does not).
    """

    def wsgi(environ, start_response):
        answer = {}

        def capture(status, headers, exc_info=None):
            answer.update(status=status, headers=headers, exc_info=exc_info)
            return lambda _data: None

        token = _cv_app.set(None)
        try:
            body = b"".join(app(environ, capture))
        finally:
            _cv_app.reset(token)
            db.session.expire_all()
        headers = answer["headers"]
        if ("Content-Encoding", "gzip") in headers:
            body = gzip.decompress(body)
            headers = [(name, value) for name, value in headers if name not in ("Content-Encoding", "Content-Length")]
            headers.append(("Content-Length", str(len(body))))
        start_response(answer["status"], headers, answer["exc_info"])
        return [body]

    return wsgi


@pytest.fixture
def seeded(certify, make_course, make_user):  # noqa: F811  (the fixture imported above)
    """Public IDs of a valid, a revoked and an expired certificate, and one listing observed skills
    (payload version 2), committed for this test."""
    from datetime import datetime

    from lms.accounts.models import Role
    from tests.certificates.test_skills_on_certificate import competent, skill_modules

    valid = certify()
    revoked = certify(slug="kursus-dua")
    revoke(revoked, "Dicabut oleh admin.")
    expired = certify(completed_at=years_ago(3), slug="kursus-tiga")
    course = make_course("kursus-keterampilan", modules=skill_modules(), course={"practice": "optional"})
    learner, trainer = make_user(), make_user(Role.TRAINER, full_name="Ani Wulandari")
    competent(learner, course, "memindahkan", trainer, datetime(2026, 11, 3, 3, 0), on_paper=True)
    with_skills = certify(user=learner, course=course)
    assert with_skills.observed_skills
    db.session.commit()
    return [valid.public_id, revoked.public_id, expired.public_id, with_skills.public_id]


@pytest.fixture
def api_schema(app, seeded):
    """The OpenAPI document as the app serves it, loaded by schemathesis through WSGI."""
    previous = app.config["VERIFICATION_RATE_LIMIT"]
    app.config["VERIFICATION_RATE_LIMIT"] = "100000 per minute"  # many requests from one address here
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", isolated(app))
    finally:
        app.config["VERIFICATION_RATE_LIMIT"] = previous


def operations(schema) -> dict:
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[operation.definition.raw["operationId"]] = operation
    return found


def typed_variants(public_id: str) -> st.SearchStrategy[str]:
    """An ID as people type it: any case, dashes or spaces or neither, O for 0, I or L for 1, no prefix."""
    compact = public_id.replace("-", "")
    return st.sampled_from([
        public_id, public_id.lower(), compact, compact.lower(), " ".join(public_id.split("-")),
        public_id.replace("0", "O").replace("1", "l"), public_id[len("RWT-"):],
    ])


def seeded_credential(public_id: str) -> dict:
    """The signed credential of a seeded certificate, as its holder downloads it."""
    return credential_of(get_by_public_id(public_id))


def steer(case, data, operation, seeded: list[str]) -> None:
    """Replace some generated values by ones that reach the database: seeded IDs (as typed, and with a
    typo), an existing status list, the seeded certificates' credentials (genuine and altered)."""
    if operation.path.endswith("/credentials/verify") and case.media_type == "application/json":
        choice = data.draw(st.sampled_from(["generated", "genuine", "altered"]), label="credential kind")
        if choice != "generated":
            case.body = seeded_credential(data.draw(st.sampled_from(seeded), label="certificate"))
            if choice == "altered":
                case.body["credentialSubject"]["name"] += " Palsu"
    if "number" in (case.path_parameters or {}) and data.draw(st.booleans(), label="an existing list"):
        case.path_parameters["number"] = 1
    if "id" in (case.path_parameters or {}):
        choice = data.draw(st.sampled_from(["generated", "found", "not_found", "typo"]), label="id kind")
        if choice == "found":
            case.path_parameters["id"] = data.draw(st.sampled_from(seeded).flatmap(typed_variants), label="id")
        elif choice == "not_found":
            case.path_parameters["id"] = new_public_id(2026)
        elif choice == "typo":
            known = data.draw(st.sampled_from(seeded), label="typed wrong")
            case.path_parameters["id"] = known[:-1] + ("0" if known[-1] != "0" else "1")


def exercise(operation, mode: GenerationMode, seeded: list[str], max_examples: int, checks=CHECKS) -> Counter:
    """Run the checks on generated requests for one operation; returns how often each status came back."""
    statuses: Counter = Counter()

    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink])
    def run(case, data):
        if mode is GenerationMode.POSITIVE:
            steer(case, data, operation, seeded)
        response = case.call_and_validate(checks=checks)
        statuses[response.status_code] += 1

    run()
    return statuses


#: JSON endpoints of the site's own pages, not of the public API: the signed-in learner's
#: offline progress (offline.js) and the care manager's offline observations (observe.js), sent
#: with the session cookie and the CSRF token; tests/practice/test_observation_sync.py covers the latter.
OWN_PAGE_ENDPOINTS = {("POST", "/api/v1/progress/sync"), ("POST", "/api/v1/observations/sync")}


def test_every_api_route_is_in_the_document(app, api_schema):
    """The document covers the app's whole public JSON API (so the run below covers it too)."""
    documented = {(op.method.upper(), op.path) for op in operations(api_schema).values()}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v") or rule.rule.startswith("/.well-known/"):
            path = rule.rule.replace("<public_id>", "{id}").replace("<int:number>", "{number}")
            served |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served - OWN_PAGE_ENDPOINTS == documented


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_documented(api_schema, seeded, mode):
    found = operations(api_schema)
    assert set(found) == {"getCertificate", "getKeys", "verifyCredential", "getStatusList", "getDidDocument"}
    expected = {
        # found, not found and refused IDs were all among the answers checked
        ("getCertificate", GenerationMode.POSITIVE): ({200, 400, 404}, {200, 400, 404}),
        ("getCertificate", GenerationMode.NEGATIVE): (set(), {400, 404}),
        # a genuine, an altered and a made-up credential are all answered (200); what is no credential, 400
        ("verifyCredential", GenerationMode.POSITIVE): ({200}, {200, 400}),
        ("verifyCredential", GenerationMode.NEGATIVE): (set(), {200, 400, 413}),
        ("getStatusList", GenerationMode.POSITIVE): ({200, 404}, {200, 404}),
        ("getStatusList", GenerationMode.NEGATIVE): (set(), {404}),
    }
    for operation_id, operation in found.items():
        if mode is GenerationMode.NEGATIVE and not operation.path_parameters and "requestBody" not in \
                operation.definition.raw:
            continue  # nothing in the request to get wrong
        examples = 40 if operation.path_parameters or operation_id == "verifyCredential" else 3
        statuses = exercise(operation, mode, seeded, max_examples=examples)
        must, may = expected.get((operation_id, mode), ({200}, {200}))
        assert must <= set(statuses) <= may, (operation_id, statuses)


def test_without_signing_keys_the_api_answers_a_documented_503(app, api_schema, seeded, tmp_path):
    """A misconfigured server (no keys): certificates that exist cannot be checked; still no 500."""
    previous = app.config["CERTIFICATE_KEY_DIR"], app.config["CERTIFICATE_KEYS_AUTO_INIT"]
    app.config["CERTIFICATE_KEY_DIR"], app.config["CERTIFICATE_KEYS_AUTO_INIT"] = str(tmp_path / "no-keys"), False
    try:
        found = operations(api_schema)
        # A documented 503 is the right answer here, so "no 5xx" gives way to: 503, never 500.
        checks = [check for check in CHECKS if check is not not_a_server_error]
        statuses = exercise(found["getCertificate"], GenerationMode.POSITIVE, seeded, max_examples=25, checks=checks)
        assert 503 in statuses and set(statuses) <= {400, 404, 503}, statuses
        assert set(exercise(found["getKeys"], GenerationMode.POSITIVE, seeded, max_examples=3, checks=checks)) == {503}
    finally:
        app.config["CERTIFICATE_KEY_DIR"], app.config["CERTIFICATE_KEYS_AUTO_INIT"] = previous
