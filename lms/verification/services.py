"""Checking a certificate: by the ID someone typed or scanned, or by the PDF file itself.

Read-only: nothing here writes to the database.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..certificates.keys import load_keyring
from ..certificates.models import Certificate
from ..certificates.public_id import parse
from ..certificates.queries import certificate_status, get_by_public_id, payload_of
from ..certificates.signing import inspect_pdf, verify_payload

PDF_MAGIC = b"%PDF-"


@dataclass
class IdVerdict:
    """The answer for an ID."""

    #: valid, revoked, expired (the register has it); invalid (its register entry fails its own
    #: signature); typo (check symbol wrong); not_found; malformed
    status: str
    entered: str
    canonical: str | None = None
    certificate: Certificate | None = None
    #: None when no QR signature was given, else whether it matched
    qr_signature_ok: bool | None = None

    @property
    def found(self) -> bool:
        return self.certificate is not None and self.status in ("valid", "revoked", "expired")


def check_id(text: str | None, *, qr_kid: str | None = None, qr_signature: str | None = None) -> IdVerdict:
    """Read the ID as typed and look it up; checks the register entry's own Ed25519 signature."""
    entered = (text or "").strip()[:64]
    parsed = parse(entered)
    if not parsed.ok:
        return IdVerdict(parsed.state, entered, parsed.canonical)
    certificate = get_by_public_id(parsed.canonical)
    if certificate is None:
        return IdVerdict("not_found", entered, parsed.canonical)
    keyring = load_keyring()
    fields = payload_of(certificate)
    if not verify_payload(keyring, fields, certificate.signature, issued_at=certificate.issued_at):
        return IdVerdict("invalid", entered, parsed.canonical)
    verdict = IdVerdict(certificate_status(certificate), entered, parsed.canonical, certificate)
    if qr_signature is not None or qr_kid is not None:
        verdict.qr_signature_ok = (qr_kid == certificate.key_id and verify_payload(
            keyring, fields, qr_signature, issued_at=certificate.issued_at))
    return verdict


@dataclass
class FileVerdict:
    """The answer for an uploaded PDF."""

    #: genuine (the file we issued, unchanged), altered, not_ours, revoked (genuine file of a
    #: revoked certificate), not_pdf
    outcome: str
    certificate: Certificate | None = None
    #: the certificate's status when the file is genuine: valid, expired, revoked
    status: str | None = None
    public_id: str | None = None


def check_pdf(data: bytes) -> FileVerdict:
    """Is this file a certificate we issued, unchanged? Signature first, then the register."""
    if not data.lstrip()[:1024].startswith(PDF_MAGIC) and PDF_MAGIC not in data[:1024]:
        return FileVerdict("not_pdf")
    keyring = load_keyring()
    inspection = inspect_pdf(keyring, data)
    certificate = None
    parsed = parse(inspection.public_id) if inspection.public_id else None
    if parsed is not None and parsed.ok:
        certificate = get_by_public_id(parsed.canonical)
    public_id = certificate.public_id if certificate else inspection.public_id
    if inspection.state in ("unreadable", "unsigned"):
        # A damaged or re-saved copy of one of ours has lost its proof; anything else is not ours.
        if certificate is not None and inspection.state == "unreadable":
            return FileVerdict("altered", certificate, public_id=public_id)
        return FileVerdict("not_ours", public_id=public_id)
    if inspection.kid is None:
        # Signed, but not with any key we ever had: intact or not, it is not our document.
        if not inspection.intact and certificate is not None and _looks_like_ours(keyring, data):
            return FileVerdict("altered", certificate, public_id=public_id)
        return FileVerdict("not_ours", public_id=public_id)
    if not inspection.intact or not inspection.covers_whole_file:
        return FileVerdict("altered", certificate, public_id=public_id)
    if certificate is None:
        return FileVerdict("not_ours", public_id=public_id)
    from ..certificates.models import CertificateDocument
    from ..extensions import db

    document = db.session.get(CertificateDocument, certificate.id)
    if document is None or document.sha256 != inspection.sha256:
        return FileVerdict("altered", certificate, public_id=public_id)
    if not verify_payload(keyring, payload_of(certificate), certificate.signature, issued_at=certificate.issued_at):
        return FileVerdict("altered", certificate, public_id=public_id)
    status = certificate_status(certificate)
    return FileVerdict("revoked" if status == "revoked" else "genuine", certificate, status, public_id)


def _looks_like_ours(keyring, data: bytes) -> bool:
    """A signature that could not be checked, whose embedded certificate is one of ours.

    The CMS blob sits hex-encoded in the signature's /Contents, so look for the hex form.
    """
    from cryptography.hazmat.primitives import serialization

    lowered = data.lower()
    return any(key.signing_cert.public_bytes(serialization.Encoding.DER).hex().encode("ascii") in lowered
               for key in keyring.keys.values())
