"""JSON API (no account): a certificate's status, checking a credential, the published keys, the OpenAPI document."""
from __future__ import annotations

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..certificates.keys import KeysMissing, load_keyring
from ..certificates.queries import payload_of, renewed_by
from ..certificates.signing import canonical_payload
from ..certificates.urls import KEYS_PATH, base_url
from ..observability import current_request_id
from ..web import texts_per_language
from . import bp
from .openapi import openapi_document
from ..extensions import csrf, db
from .services import FileVerdict, IdVerdict, check_credential, check_id
from .views import limit_verification

PUBLIC_CORS = {"Access-Control-Allow-Origin": "*"}


def _iso_utc(moment) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


STATUS_MESSAGES = {
    "valid": _l("This certificate is valid."),
    "revoked": _l("This certificate was revoked."),
    "expired": _l("This certificate has expired."),
    "withdrawn": _l("Withdrawn at the holder's request."),
    "invalid": _l("This certificate's record does not match its signature. Do not accept it."),
}


def status_message(status: str) -> str:
    return _status_messages()[status]


@texts_per_language
def _status_messages() -> dict[str, str]:
    # once per language: an answer then needs no look-up of the catalog at all
    return {status: str(message) for status, message in STATUS_MESSAGES.items()}


def api_error(code: int, message: str, reason: str):
    body = {"code": code, "message": message, "reason": reason}
    if request_id := current_request_id():
        body["request_id"] = request_id
    response = jsonify(error=body)
    response.status_code = code
    response.headers.update(PUBLIC_CORS)
    return response


def certificate_fields(certificate) -> dict:
    """The certificate's public fields, as the register holds them (schema CertificateFields)."""
    return {
        "holder": certificate.holder_name, "course": certificate.course_title,
        "course_version": certificate.course_version, "hours": certificate.hours,
        "completed": certificate.completed_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None,
        "issuer": certificate.issuer,
        # the signed snapshot itself (payload version 2); [] when none were observed
        "skills": list(certificate.skills or []),
    }


def certificate_body(verdict: IdVerdict) -> dict:
    """The public answer for an ID that is in the register (see the OpenAPI document)."""
    certificate = verdict.certificate
    body = {"id": verdict.canonical, "status": verdict.status, "message": status_message(verdict.status),
            "certificate": None, "revocation": None, "renews": None, "renewed_by": None, "signature": None}
    if certificate is None:
        return body
    later = renewed_by(certificate)
    body.update({
        "certificate": certificate_fields(certificate),
        "revocation": None if certificate.revoked_at is None else {
            "revoked_at": _iso_utc(certificate.revoked_at), "reason": certificate.revocation_reason or "",
        },
        "renews": certificate.renews.public_id if certificate.renews else None,
        "renewed_by": later.public_id if later else None,
        "signature": {
            "alg": "Ed25519", "kid": certificate.key_id, "value": certificate.signature,
            "payload": (verdict.signed_payload or canonical_payload(payload_of(certificate))).decode("utf-8"),
            "keys_url": base_url() + KEYS_PATH,
        },
    })
    return body


@bp.route("/api/v1/certificates/<public_id>")
@limit_verification
def api_certificate(public_id: str):
    """Status and public fields of a certificate."""
    verdict = check_id(public_id)
    if verdict.status == "malformed":
        return api_error(400, _("This is not a certificate ID. An ID looks like RWT-2026-7K3M-9QXH-F."), "malformed")
    if verdict.status == "typo":
        return api_error(400, _("This ID contains a typing error (its check character does not match). "
                                "Check the ID again."), "typo")
    if verdict.status == "not_found":
        return api_error(404, _("No certificate has this ID."), "not_found")
    response = jsonify(certificate_body(verdict))
    response.headers.update(PUBLIC_CORS)
    response.headers["Cache-Control"] = "no-cache"
    return response


CREDENTIAL_MESSAGES = {
    "genuine": _l("This is the credential Rawat issued, unchanged."),
    "revoked": _l("This credential is genuine, but the certificate was revoked."),
    "altered": _l("This credential was changed after it was signed. Do not accept it."),
    "not_ours": _l("This credential has no valid proof made with Rawat's keys."),
    "unknown": _l("Signed by Rawat, but the register has no such certificate now."),
    "withdrawn": _l("Withdrawn at the holder's request."),
}


def credential_body(verdict: FileVerdict) -> dict:
    """The answer for a credential checked (schema CredentialCheck)."""
    certificate = verdict.certificate if verdict.outcome in ("genuine", "revoked") else None
    message = str(CREDENTIAL_MESSAGES[verdict.outcome])
    if verdict.outcome == "genuine" and verdict.status == "expired":
        message += " " + status_message("expired")
    return {
        "outcome": verdict.outcome,
        "status": verdict.status if certificate is not None or verdict.outcome == "withdrawn" else None,
        "message": message, "id": verdict.public_id, "checks": dict(verdict.checks),
        "certificate": certificate_fields(certificate) if certificate is not None else None,
        "revocation": None if certificate is None or certificate.revoked_at is None else {
            "revoked_at": _iso_utc(certificate.revoked_at), "reason": certificate.revocation_reason or "",
        },
    }


def _uploaded_credential(limit: int) -> bytes | None:
    """The body as sent: the credential's JSON, the baked PNG, or the field `file` of a form."""
    request.max_content_length = limit + 64 * 1024
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        return upload.read(limit + 1) if upload is not None else None
    return request.get_data(cache=False)


@bp.route("/api/v1/credentials/verify", methods=["POST"])
@csrf.exempt  # no account, no cookie: nothing a forged request could act on
@limit_verification
def api_verify_credential():
    """Check an Open Badges credential: its proof, our key, the status list and the dates."""
    limit = current_app.config["VERIFICATION_UPLOAD_MAX_BYTES"]
    data = _uploaded_credential(limit)
    if data is not None and len(data) > limit:
        return api_error(413, _("The file is too large."), "too_large")
    verdict = check_credential(data or b"")
    if verdict.outcome == "not_credential":
        return api_error(400, _("This is not a credential: send the credential's JSON, or the badge PNG with "
                                "the credential baked in."), "not_credential")
    db.session.commit()  # a status list changed since it was last signed is signed again while checking
    response = jsonify(credential_body(verdict))
    response.headers.update(PUBLIC_CORS)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/api/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of the verification API."""
    response = jsonify(openapi_document(base_url()))
    response.headers.update(PUBLIC_CORS)
    return response


@bp.route(KEYS_PATH)
def public_keys():
    """Every key that ever signed certificates: Ed25519 public keys and X.509 chains, with their validity."""
    try:
        document = load_keyring().public_document()
    except KeysMissing:
        current_app.logger.exception("no signing keys")
        return api_error(503, _("The service is temporarily unavailable."), "no_keys")
    response = jsonify(document)
    response.headers.update(PUBLIC_CORS)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
