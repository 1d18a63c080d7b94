"""Checking a certificate: by the ID someone typed or scanned, by the PDF file itself, or by its
Open Badges credential (JSON, or baked into the badge PNG).

Read-only, except that a status list changed since it was last signed is signed again when a
credential check reads it (credentials.services.status_list_document).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import current_app

from ..certificates.keys import load_keyring
from ..certificates.models import Certificate, CertificateDocument
from ..certificates.public_id import parse
from ..certificates.queries import certificate_status, get_by_public_id, payload_of
from ..certificates.signing import canonical_payload, find_id_in_bytes, inspect_pdf, verify_payload
from ..credentials.models import CertificateCredential
from ..credentials.services import status_list_document
from ..credentials.status_list import bit_is_set, decode
from ..credentials.verifying import NotACredential, inspect_credential, read_credential
from ..extensions import db
from ..timeutil import utcnow
from .screening import Screening, screen_pdf

PDF_MAGIC = b"%PDF-"


@dataclass
class IdVerdict:
    """The answer for an ID."""

    #: valid, revoked, expired (the register has it); withdrawn (at the holder's request: the register no
    #: longer holds who it was given to, and `certificate` is None); invalid (its register entry fails its own
    #: signature); typo (check symbol wrong); not_found; malformed
    status: str
    entered: str
    canonical: str | None = None
    certificate: Certificate | None = None
    #: None when no QR signature was given, else whether it matched
    qr_signature_ok: bool | None = None
    #: the exact bytes the register entry's signature was checked against (signing.canonical_payload)
    signed_payload: bytes | None = None

    @property
    def found(self) -> bool:
        return self.certificate is not None and self.status in ("valid", "revoked", "expired")

    @property
    def shown_as(self) -> str:
        """The result panel the page shows: the register's status, or qr_mismatch.

        A QR code whose signature does not match was not made by Rawat for this record (or was
        changed): it gets a warning of its own, never the register's "valid" panel, whatever
        the register says about the ID it names.
        """
        return "qr_mismatch" if self.qr_signature_ok is False else self.status


def check_id(text: str | None, *, qr_kid: str | None = None, qr_signature: str | None = None) -> IdVerdict:
    """Read the ID as typed and look it up; checks the register entry's own Ed25519 signature."""
    entered = (text or "").strip()[:64]
    parsed = parse(entered)
    if not parsed.ok:
        return IdVerdict(parsed.state, entered, parsed.canonical)
    certificate = get_by_public_id(parsed.canonical)
    if certificate is None:
        return IdVerdict("not_found", entered, parsed.canonical)
    if certificate.withdrawn_at is not None:
        # Nothing signed is left to check (the name is gone), and a QR code's signature says nothing more.
        return IdVerdict("withdrawn", entered, parsed.canonical)
    keyring = load_keyring()
    fields = payload_of(certificate)
    payload = canonical_payload(fields)
    if not verify_payload(keyring, fields, certificate.signature, issued_at=certificate.issued_at, payload=payload):
        return IdVerdict("invalid", entered, parsed.canonical)
    verdict = IdVerdict(certificate_status(certificate), entered, parsed.canonical, certificate,
                        signed_payload=payload)
    if qr_signature is not None or qr_kid is not None:
        verdict.qr_signature_ok = (qr_kid == certificate.key_id and verify_payload(
            keyring, fields, qr_signature, issued_at=certificate.issued_at, payload=payload))
    return verdict


@dataclass
class FileVerdict:
    """The answer for an uploaded file: a PDF, or a credential (JSON or baked PNG)."""

    #: genuine (the file we issued, unchanged), altered, not_ours, revoked (genuine file of a
    #: revoked certificate), withdrawn (our file of a certificate withdrawn at its holder's request;
    #: `certificate` is None), unknown (a credential our key signed whose certificate is no longer in
    #: the register), not_pdf / not_credential (neither kind of file)
    outcome: str
    certificate: Certificate | None = None
    #: the certificate's status when the file is genuine: valid, expired, revoked
    status: str | None = None
    public_id: str | None = None
    #: "pdf" or "credential"
    kind: str = "pdf"
    #: for a credential, what each check found (the API returns them): proof, issuer_key, status_list, dates
    checks: dict = field(default_factory=dict)


def check_pdf(data: bytes) -> FileVerdict:
    """Is this file a certificate we issued, unchanged? A first look, the signature, then the register.

    The first look (screening.py) answers anything that cannot be one of our files without
    parsing it, so junk costs milliseconds; pyHanko only reads files our key signed.
    """
    if PDF_MAGIC not in data[:1024]:
        return FileVerdict("not_pdf")
    keyring = load_keyring()
    screening = screen_pdf(keyring, data, max_bytes=current_app.config.get("VERIFICATION_UPLOAD_MAX_BYTES"))
    if not screening.passed:
        return _without_parsing(screening, data)
    inspection = inspect_pdf(keyring, data)
    certificate = _named_certificate(inspection.public_id)
    public_id = certificate.public_id if certificate else inspection.public_id
    if inspection.state in ("unreadable", "unsigned") or inspection.kid is None:
        # Our key signed it (the first look checked), yet pyHanko cannot confirm it: damaged.
        return FileVerdict("altered" if certificate else "not_ours", certificate, public_id=public_id)
    if not inspection.intact or not inspection.covers_whole_file:
        return FileVerdict("altered", certificate, public_id=public_id)
    if certificate is None:
        return FileVerdict("not_ours", public_id=public_id)
    if certificate.withdrawn_at is not None:  # its stored PDF is gone with the holder's name
        return FileVerdict("withdrawn", status="withdrawn", public_id=public_id)
    document = db.session.get(CertificateDocument, certificate.id)
    if document is None or document.sha256 != inspection.sha256:
        return FileVerdict("altered", certificate, public_id=public_id)
    if not verify_payload(keyring, payload_of(certificate), certificate.signature, issued_at=certificate.issued_at):
        return FileVerdict("altered", certificate, public_id=public_id)
    status = certificate_status(certificate)
    return FileVerdict("revoked" if status == "revoked" else "genuine", certificate, status, public_id)


def _named_certificate(public_id: str | None) -> Certificate | None:
    parsed = parse(public_id) if public_id else None
    return get_by_public_id(parsed.canonical) if parsed is not None and parsed.ok else None


def _without_parsing(screening: Screening, data: bytes) -> FileVerdict:
    """The answer for a file that failed the first look, from the ID it carries (no PDF parsing).

    A damaged copy of one of ours (truncated, bytes appended), one changed after signing, and
    one whose signature by our key no longer matches have all lost their proof: "altered", naming
    the certificate the file claims to be so the verifier can look it up. Files without a
    signature, or signed by someone else, are not ours, whatever they claim.
    """
    public_id = find_id_in_bytes(data)
    certificate = _named_certificate(public_id)
    public_id = certificate.public_id if certificate else public_id
    if screening.state == "tampered" or (screening.state in ("damaged", "updated") and certificate is not None):
        return FileVerdict("altered", certificate, public_id=public_id)
    return FileVerdict("not_ours", public_id=public_id)


def check_credential(data: bytes) -> FileVerdict:
    """Is this the credential we issued for a certificate, unchanged? Its proof, our key, the register,
    the status list and the dates, in that order (each later check only once the earlier one holds)."""
    try:
        document, _kind = read_credential(data)
    except NotACredential:
        return FileVerdict("not_credential", kind="credential")
    keyring = load_keyring()
    inspection = inspect_credential(keyring, document)
    certificate = get_by_public_id(inspection.public_id) if inspection.public_id else None
    checks = {"proof": inspection.state, "issuer_key": inspection.kid, "status_list": None, "dates": None}
    verdict = FileVerdict(inspection.state if inspection.state != "verified" else "genuine", certificate,
                          public_id=inspection.public_id, kind="credential", checks=checks)
    if inspection.state == "not_ours":
        verdict.certificate = None
        return verdict
    if inspection.state == "altered":
        return verdict
    stored = db.session.get(CertificateCredential, certificate.id) if certificate is not None else None
    if certificate is not None and certificate.withdrawn_at is not None:
        checks["status_list"] = "revoked" if stored is not None and _revoked_in_list(stored) else None
        verdict.outcome, verdict.status, verdict.certificate = "withdrawn", "withdrawn", None
        return verdict
    if certificate is None or stored is None:
        verdict.outcome = "unknown"
        return verdict
    # Our proof over a credential we did not store for this certificate (or a register entry that
    # fails its own signature) is not the credential we issued.
    same = _proof_value(stored.document) == (document.get("proof") or {}).get("proofValue")
    if not same or not verify_payload(keyring, payload_of(certificate), certificate.signature,
                                      issued_at=certificate.issued_at):
        verdict.outcome = "altered"
        return verdict
    checks["status_list"] = "revoked" if _revoked_in_list(stored) else "not_revoked"
    status = certificate_status(certificate)
    checks["dates"] = "expired" if status == "expired" or _past(inspection.valid_until) else "valid"
    verdict.status = status
    verdict.outcome = "revoked" if status == "revoked" else "genuine"
    return verdict


def _proof_value(text: str) -> str | None:
    return (json.loads(text).get("proof") or {}).get("proofValue")


def _revoked_in_list(stored) -> bool:
    """The certificate's bit in its signed status list, as any verifier reads it."""
    listing = json.loads(status_list_document(stored.status_list))
    return bit_is_set(decode(listing["credentialSubject"]["encodedList"]), stored.status_index)


def _past(moment) -> bool:
    return moment is not None and moment < utcnow()
