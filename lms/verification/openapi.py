"""The OpenAPI 3.1 document of the verification API (served at /api/openapi.json).

tests/verification/test_api.py checks the API's real responses against these schemas.
"""
from __future__ import annotations

import datetime as dt

from ..certificates.signing import canonical_payload, payload_fields
from ..certificates.urls import KEYS_PATH

DESCRIPTION = """\
Check a Rawat certificate without an account: by its ID (GET), or by its Open Badges 3.0
credential (POST). At most 30 requests per minute per address by default, all together
(HTTP 429 beyond, with an error body).

**Certificate IDs** look like `RWT-2026-7K3M-9QXH-F`: prefix, year of issue, 8 random
symbols and a check symbol, in Crockford base 32 (`0123456789ABCDEFGHJKMNPQRSTVWXYZ`).
Lower case, spaces, missing dashes and the look-alikes O→0, I→1, L→1 are accepted.
The check symbol: fold every symbol value v (prefix and year included) with
`c = 2·c ⊕ v` in GF(32) (polynomial x⁵+x²+1, starting from c = 0); the check symbol
is `2·c`, so a correct ID folds to 0. Any single wrong symbol and any swap of two
neighbouring symbols is reported as `typo` (HTTP 400) instead of `not_found`.

**Signatures.** Each certificate's essential fields are signed with Ed25519. The
signed bytes (`signature.payload`) are a JSON object serialised with sorted keys, no
whitespace, UTF-8 without escaping
(`json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`),
in one of two versions, named by its `v`:

- version 1: `{v, id, holder, course, course_version, hours, completed, valid_until, issuer, kid}`.
  Every certificate without observed skills, including all issued before skills existed:
  their bytes and signatures are unchanged.
- version 2: the same fields plus `skills`, the practical skills a care manager saw the
  holder do competently, in the course's order, each
  `{id, title, observed, observer, observer_role, confirmed_on_paper, competency_unit}`
  (see the `ObservedSkill` schema). `certificate.skills` in the answer is this same list;
  it is `[]` for a version 1 certificate.

`signature.value` is the signature, base64url without padding; the public key
`kid` is published at `/.well-known/rawat-keys.json` with its validity period. The
QR code printed on a certificate opens `/verifikasi/<id>?k=<kid>&s=<signature>`,
so a verifier holding the published keys can check the printed fields offline.

**Credentials.** Every certificate is also an Open Badges 3.0 `OpenBadgeCredential`
(W3C Verifiable Credentials 2.0) with a Data Integrity proof, cryptosuite
`eddsa-rdfc-2022`, made with the same Ed25519 keys. The issuer is the `did:web` of this
server; its DID document (`/.well-known/did.json`) lists every key that ever signed as a
`Multikey`. Revocation is a signed Bitstring Status List
(`/api/v1/credentials/status/{number}`, named by each credential's `credentialStatus`).
`POST /api/v1/credentials/verify` checks one for you; the README ("Checking a credential
offline") tells how to check one without this server.
"""


def _error_schema() -> dict:
    return {
        "type": "object",
        "required": ["error"],
        "additionalProperties": False,
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "integer", "description": "the HTTP status code"},
                    "message": {"type": "string", "description": "for people, in the site's language"},
                    "reason": {"type": "string",
                               "enum": ["malformed", "typo", "not_found", "no_keys", "not_credential", "too_large"],
                               "description": "for programs"},
                    "request_id": {"type": "string", "description": "quote it when reporting a problem"},
                },
            },
        },
    }


def _observed_skill_schema() -> dict:
    return {
        "type": "object",
        "required": ["id", "title", "observed", "observer", "observer_role", "confirmed_on_paper", "competency_unit"],
        "additionalProperties": False,
        "description": "a practical skill the holder was seen doing competently, as signed (payload version 2)",
        "properties": {
            "id": {"type": "string", "description": "the skill's id in the course files"},
            "title": {"type": "string", "description": "the skill as printed"},
            "observed": {"type": "string", "format": "date",
                         "description": "the day it was seen done, in the issuer's time zone"},
            "observer": {"type": "string", "description": "the observer's name as printed"},
            "observer_role": {"type": "string", "enum": ["trainer", "admin"],
                              "description": "trainer: a care manager (pendamping) accompanying the holder"},
            "confirmed_on_paper": {"type": "boolean",
                                   "description": "the holder confirmed by signing the printed observation sheet "
                                                  "(an account without a phone of its own), not from their account"},
            "competency_unit": {"type": ["string", "null"],
                                "description": "the SKKNI/BNSP competency unit the skill relates to, if any"},
        },
    }


def _revocation_schema() -> dict:
    return {"oneOf": [{"type": "null"}, {
        "type": "object", "required": ["revoked_at", "reason"], "additionalProperties": False,
        "properties": {"revoked_at": {"type": "string", "format": "date-time"}, "reason": {"type": "string"}},
    }]}


def _certificate_result_schema() -> dict:
    return {
        "type": "object",
        "required": ["id", "status", "message", "certificate", "revocation", "renews", "renewed_by", "signature"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": "^RWT-[0-9]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-"
                                                 "[0-9A-HJKMNP-TV-Z]$"},
            "status": {"type": "string", "enum": ["valid", "revoked", "expired", "withdrawn", "invalid"],
                       "description": "withdrawn: at the holder's request, when they deleted their account; the "
                                      "register no longer says who it was given to; invalid: the register entry "
                                      "does not match its own signature (no other field is given for either)"},
            "message": {"type": "string"},
            "certificate": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/CertificateFields"}]},
            "revocation": _revocation_schema(),
            "renews": {"type": ["string", "null"], "description": "ID of the expired certificate this one renews"},
            "renewed_by": {"type": ["string", "null"], "description": "ID of the certificate that renewed this one"},
            "signature": {
                "oneOf": [{"type": "null"}, {
                    "type": "object", "required": ["alg", "kid", "value", "payload", "keys_url"],
                    "additionalProperties": False,
                    "properties": {
                        "alg": {"const": "Ed25519"},
                        "kid": {"type": "string"},
                        "value": {"type": "string", "pattern": "^[A-Za-z0-9_-]{86}$"},
                        "payload": {"type": "string", "description": "the exact signed text (UTF-8)"},
                        "keys_url": {"type": "string", "format": "uri"},
                    },
                }],
            },
        },
    }


def _certificate_fields_schema() -> dict:
    date = {"type": "string", "format": "date"}
    return {
        "type": "object",
        "required": ["holder", "course", "course_version", "hours", "completed", "valid_until", "issuer", "skills"],
        "additionalProperties": False,
        "properties": {
            "holder": {"type": "string", "description": "the learner's name as printed"},
            "course": {"type": "string"},
            "course_version": {"type": "integer"},
            "hours": {"type": "integer", "description": "hours of study (JP)"},
            "completed": date,
            "valid_until": {"oneOf": [date, {"type": "null"}], "description": "last day of validity; null: no expiry"},
            "issuer": {"type": "string"},
            "skills": {"type": "array", "items": {"$ref": "#/components/schemas/ObservedSkill"},
                       "description": "the observed skills, in the course's order; the same list as the signed "
                                      "payload's (version 2), [] for none"},
        },
    }


def _credential_check_schema() -> dict:
    return {
        "type": "object",
        "required": ["outcome", "status", "message", "id", "checks", "certificate", "revocation"],
        "additionalProperties": False,
        "properties": {
            "outcome": {"type": "string", "enum": ["genuine", "revoked", "withdrawn", "altered", "not_ours",
                                                   "unknown"],
                        "description": "genuine: the credential Rawat issued, unchanged (see status for expiry); "
                                       "revoked: genuine, but the certificate was revoked; withdrawn: Rawat's "
                                       "proof, but the certificate was withdrawn at the holder's request (no "
                                       "certificate fields are given); altered: it names "
                                       "Rawat's key but its proof fails (changed after signing); not_ours: no proof "
                                       "made with Rawat's keys; unknown: Rawat's proof, but no such certificate in "
                                       "the register now"},
            "status": {"type": ["string", "null"], "enum": ["valid", "expired", "revoked", "withdrawn", None],
                       "description": "the certificate's status when genuine, revoked or withdrawn, else null"},
            "message": {"type": "string", "description": "for people, in the site's language"},
            "id": {"type": ["string", "null"], "description": "the certificate ID the credential names, if any"},
            "checks": {
                "type": "object", "required": ["proof", "issuer_key", "status_list", "dates"],
                "additionalProperties": False,
                "properties": {
                    "proof": {"enum": ["verified", "altered", "not_ours"]},
                    "issuer_key": {"type": ["string", "null"], "description": "the kid of our key that made the proof"},
                    "status_list": {"enum": ["revoked", "not_revoked", None],
                                    "description": "the credential's bit in its signed status list"},
                    "dates": {"enum": ["valid", "expired", None], "description": "validUntil against today"},
                },
            },
            "certificate": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/CertificateFields"}]},
            "revocation": _revocation_schema(),
        },
    }


def _credential_request_body() -> dict:
    return {
        "required": True,
        "description": "the credential: its JSON as downloaded, the badge PNG with the credential baked in, "
                       "or either as the field `file` of a form",
        "content": {
            "application/json": {"schema": {"type": "object", "description": "an OpenBadgeCredential"}},
            "image/png": {"schema": {"contentMediaType": "image/png"}},
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                # any bytes: the credential's JSON file or the badge PNG
                "properties": {"file": {"contentMediaType": "application/octet-stream"}}}},
        },
    }


def certificate_example(server: str) -> dict:
    """A valid certificate with two observed skills, as the API answers (the signature value is made up)."""
    skills = [
        {"id": "mencuci-tangan", "title": "Mencuci tangan dengan benar", "observed": "2026-11-12",
         "observer": "Ani Wulandari", "observer_role": "trainer", "confirmed_on_paper": False,
         "competency_unit": None},
        {"id": "memindahkan-ke-kursi-roda", "title": "Memindahkan dari tempat tidur ke kursi roda",
         "observed": "2026-11-20", "observer": "Ani Wulandari", "observer_role": "trainer",
         "confirmed_on_paper": True, "competency_unit": None},
    ]
    certificate = {"holder": "Siti Aminah", "course": "Perawatan Dasar Lansia", "course_version": 1, "hours": 16,
                   "completed": "2026-11-23", "valid_until": "2028-11-22", "issuer": "Rawat", "skills": skills}
    public_id, kid = "RWT-2026-7K3M-9QXH-F", "rk-20261123-3fa1"
    payload = canonical_payload(payload_fields(
        public_id=public_id, holder=certificate["holder"], course=certificate["course"], course_version=1, hours=16,
        completed=dt.date(2026, 11, 23), valid_until=dt.date(2028, 11, 22), issuer="Rawat", kid=kid, skills=skills))
    return {
        "id": public_id, "status": "valid", "message": "This certificate is valid.", "certificate": certificate,
        "revocation": None, "renews": None, "renewed_by": None,
        "signature": {"alg": "Ed25519", "kid": kid, "value": "Q" * 86, "payload": payload.decode("utf-8"),
                      "keys_url": server + KEYS_PATH},
    }


def _keys_schema() -> dict:
    return {
        "type": "object",
        "required": ["issuer", "current", "keys", "trust_roots_pem"],
        "properties": {
            "issuer": {"type": "string"},
            "current": {"type": "string"},
            "trust_roots_pem": {"type": "array", "items": {"type": "string"}},
            "keys": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kid", "alg", "public_key", "jwk", "valid_from", "valid_until", "status",
                                 "x509_sha256", "x509_chain_pem"],
                    "properties": {
                        "kid": {"type": "string"},
                        "alg": {"const": "Ed25519"},
                        "public_key": {"type": "string", "description": "raw 32-byte key, base64url"},
                        "jwk": {"type": "object"},
                        "valid_from": {"type": "string", "format": "date-time"},
                        "valid_until": {"type": ["string", "null"], "format": "date-time",
                                        "description": "null while the key is current"},
                        "status": {"enum": ["current", "retired"]},
                        "x509_sha256": {"type": "string"},
                        "x509_chain_pem": {"type": "string"},
                    },
                },
            },
        },
    }


def _error_response(description: str, *, retry_after: bool = False) -> dict:
    response = {"description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if retry_after:
        response["headers"] = {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}
    return response


def openapi_document(server: str) -> dict:
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "Rawat certificate verification", "version": "1.2.0", "description": DESCRIPTION},
        "servers": [{"url": server}],
        "paths": {
            "/api/v1/certificates/{id}": {
                "get": {
                    "operationId": "getCertificate",
                    "summary": "Status and public fields of a certificate",
                    "parameters": [{
                        "name": "id", "in": "path", "required": True,
                        "description": "the certificate ID, e.g. RWT-2026-7K3M-9QXH-F",
                        "schema": {"type": "string", "maxLength": 64},
                    }],
                    "responses": {
                        "200": {"description": "The certificate is in the register (status valid, revoked, "
                                               "expired, withdrawn or invalid).",
                                "content": {"application/json": {
                                    "schema": {"$ref": "#/components/schemas/CertificateResult"},
                                    "example": certificate_example(server)}}},
                        "400": _error_response("Not an ID (reason malformed), or an ID with a typing error "
                                               "(reason typo)."),
                        "404": _error_response("No certificate has this ID (reason not_found)."),
                        "405": _error_response("Only GET is allowed."),
                        "429": _error_response("Too many requests from this address; wait a minute.",
                                               retry_after=True),
                        "503": _error_response("The service is temporarily unavailable: the database cannot be "
                                               "reached (try again after Retry-After seconds), or no signing keys "
                                               "are configured (reason no_keys).", retry_after=True),
                    },
                },
            },
            "/api/v1/credentials/verify": {
                "post": {
                    "operationId": "verifyCredential",
                    "summary": "Check an Open Badges 3.0 credential (JSON or baked PNG)",
                    "requestBody": _credential_request_body(),
                    "responses": {
                        "200": {"description": "The credential was checked; `outcome` says what was found.",
                                "content": {"application/json": {
                                    "schema": {"$ref": "#/components/schemas/CredentialCheck"}}}},
                        "400": _error_response("Not a credential (reason not_credential)."),
                        "413": _error_response("Larger than any credential (reason too_large)."),
                        "429": _error_response("Too many requests from this address; wait a minute.",
                                               retry_after=True),
                        "503": _error_response("The service is temporarily unavailable (reason no_keys, or the "
                                               "database cannot be reached).", retry_after=True),
                    },
                },
            },
            "/api/v1/credentials/status/{number}": {
                "get": {
                    "operationId": "getStatusList",
                    "summary": "A signed Bitstring Status List credential (revocation)",
                    "parameters": [{"name": "number", "in": "path", "required": True,
                                    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}],
                    "responses": {
                        "200": {"description": "A BitstringStatusListCredential with an eddsa-rdfc-2022 proof: "
                                               "bit n of the GZIP-compressed, multibase base64url `encodedList` "
                                               "is 1 when the credential with statusListIndex n is revoked.",
                                "content": {"application/json": {"schema": {"type": "object"}}}},
                        "404": _error_response("No such list."),
                        "503": _error_response("No keys are configured (reason no_keys)."),
                    },
                },
            },
            "/.well-known/did.json": {
                "get": {
                    "operationId": "getDidDocument",
                    "summary": "The issuer's DID document (did:web): every signing key as a Multikey",
                    "responses": {
                        "200": {"description": "The DID document.",
                                "content": {"application/json": {"schema": {
                                    "type": "object", "required": ["id", "verificationMethod", "assertionMethod"]}}}},
                        "503": _error_response("No keys are configured (reason no_keys)."),
                    },
                },
            },
            KEYS_PATH: {
                "get": {
                    "operationId": "getKeys",
                    "summary": "Public keys, current and retired, with their validity",
                    "responses": {
                        "200": {"description": "The keys.", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Keys"}}}},
                        "503": _error_response("No keys are configured (reason no_keys)."),
                    },
                },
            },
        },
        "components": {
            "schemas": {
                "CertificateResult": _certificate_result_schema(),
                "CertificateFields": _certificate_fields_schema(),
                "CredentialCheck": _credential_check_schema(),
                "ObservedSkill": _observed_skill_schema(),
                "Error": _error_schema(),
                "Keys": _keys_schema(),
            },
            "headers": {
                "RetryAfter": {"description": "seconds to wait before trying again",
                               "schema": {"type": "integer", "minimum": 0}},
            },
        },
    }
