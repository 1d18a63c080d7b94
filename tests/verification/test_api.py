"""The JSON API and its OpenAPI document: every real response matches the documented schema."""
from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from lms.certificates.keys import b64url_decode, load_keyring
from lms.certificates.public_id import new_public_id
from lms.certificates.services import revoke
from lms.extensions import db
from tests.certificates.fixtures import years_ago

OPENAPI_URI = "urn:rawat:openapi"


@pytest.fixture
def openapi(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def validator(document: dict, schema_name: str) -> Draft202012Validator:
    registry = Registry().with_resource(OPENAPI_URI,
                                        Resource.from_contents(document, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"{OPENAPI_URI}#/components/schemas/{schema_name}"}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def documented_schema(document: dict, path: str, method: str, status: int) -> str:
    response = document["paths"][path][method]["responses"][str(status)]
    return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def assert_matches(document, path, status, response):
    """The response has the status and matches the schema the document gives for it."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    schema = documented_schema(document, path, "get", status)
    errors = sorted(validator(document, schema).iter_errors(response.get_json()), key=str)
    assert not errors, [e.message for e in errors]


def test_openapi_document_is_31_and_self_consistent(openapi):
    assert openapi["openapi"].startswith("3.1")
    Draft202012Validator.check_schema(openapi["components"]["schemas"]["CertificateResult"])
    Draft202012Validator.check_schema(openapi["components"]["schemas"]["Error"])
    assert "/api/v1/certificates/{id}" in openapi["paths"]
    assert "sort_keys=True" in openapi["info"]["description"]  # the signed payload is documented


def test_every_status_matches_the_documented_schemas(client, certify, openapi):
    path = "/api/v1/certificates/{id}"
    valid = certify()
    revoked = certify(slug="kursus-dua")
    revoke(revoked, "Dicabut oleh admin.")
    expired = certify(completed_at=years_ago(3), slug="kursus-tiga")
    db.session.commit()
    bodies = {}
    for certificate in (valid, revoked, expired):
        response = client.get(f"/api/v1/certificates/{certificate.public_id}")
        assert_matches(openapi, path, 200, response)
        bodies[certificate.public_id] = response.get_json()
    assert [bodies[c.public_id]["status"] for c in (valid, revoked, expired)] == ["valid", "revoked", "expired"]
    assert bodies[revoked.public_id]["revocation"]["reason"] == "Dicabut oleh admin."
    assert bodies[valid.public_id]["certificate"]["holder"] == valid.holder_name
    typo = valid.public_id[:-1] + ("0" if valid.public_id[-1] != "0" else "1")
    for raw, status, reason in [(typo, 400, "typo"), ("not-an-id", 400, "malformed"),
                                (new_public_id(2026), 404, "not_found")]:
        response = client.get(f"/api/v1/certificates/{raw}")
        assert_matches(openapi, path, status, response)
        assert response.get_json()["error"]["reason"] == reason


def test_a_tampered_register_entry_is_invalid_in_the_api(client, certify, openapi):
    certificate = certify()
    certificate.hours = 99
    db.session.commit()
    response = client.get(f"/api/v1/certificates/{certificate.public_id}")
    assert_matches(openapi, "/api/v1/certificates/{id}", 200, response)
    body = response.get_json()
    assert body["status"] == "invalid" and body["certificate"] is None


def test_the_api_signature_checks_offline_with_the_published_keys(client, certify):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    certificate = certify()
    body = client.get(f"/api/v1/certificates/{certificate.public_id}").get_json()
    keys = client.get("/.well-known/rawat-keys.json").get_json()
    key = next(k for k in keys["keys"] if k["kid"] == body["signature"]["kid"])
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(key["public_key"]))
    payload = body["signature"]["payload"]
    public.verify(b64url_decode(body["signature"]["value"]), payload.encode("utf-8"))  # raises if wrong
    fields = json.loads(payload)
    assert fields["id"] == certificate.public_id and fields["holder"] == body["certificate"]["holder"]
    assert payload == json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_keys_document_matches_its_schema(client, openapi):
    response = client.get("/.well-known/rawat-keys.json")
    assert_matches(openapi, "/.well-known/rawat-keys.json", 200, response)
    body = response.get_json()
    assert body["current"] == load_keyring().current_kid
    assert all(k["alg"] == "Ed25519" and len(b64url_decode(k["public_key"])) == 32 for k in body["keys"])
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_api_is_get_only_with_documented_errors(client, certify, openapi):
    certificate = certify()
    for method in (client.post, client.put, client.delete):
        response = method(f"/api/v1/certificates/{certificate.public_id}")
        assert_matches(openapi, "/api/v1/certificates/{id}", 405, response)


def test_the_api_is_rate_limited_with_an_error_body(app, client, certify, openapi, monkeypatch):
    certificate = certify()
    monkeypatch.setitem(app.config, "VERIFICATION_RATE_LIMIT", "2 per minute")
    responses = [client.get(f"/api/v1/certificates/{certificate.public_id}") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert_matches(openapi, "/api/v1/certificates/{id}", 429, responses[-1])
    # when to try again: within the minute the budget counts
    assert 1 <= int(responses[-1].headers["Retry-After"]) <= 60
