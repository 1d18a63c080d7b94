"""Signatures: Ed25519 over a certificate's canonical payload, and PAdES over its PDF.

The canonical payload (versions 1 and 2)
----------------------------------------
The fields below, serialised as JSON with keys sorted, no whitespace
(separators ``,`` and ``:``), non-ASCII characters written as themselves, encoded in
UTF-8 — i.e. ``json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``::

    v               1 or 2 (the payload version, below)
    id              "RWT-2026-7K3M-9QXH-F"
    holder          the learner's name as printed
    course          the course title as printed
    course_version  integer
    hours           integer, hours of study (JP)
    completed       "YYYY-MM-DD", the completion date (Asia/Jakarta by default)
    valid_until     "YYYY-MM-DD", or null when the certificate does not expire
    issuer          the issuing organisation
    kid             the id of the key that signed (see /.well-known/rawat-keys.json)
    skills          version 2 only: the practical skills a care manager saw the holder do
                    competently, in the course's order (module, then skill), each an object:
        id                  the skill's id in the course files, e.g. "memindahkan-ke-kursi-roda"
        title               the skill as printed
        observed            "YYYY-MM-DD", the day it was seen done (issuer's time zone)
        observer            the observer's name as printed
        observer_role       "trainer" (a care manager) or "admin"
        confirmed_on_paper  true when the holder confirmed by signing the printed sheet
        competency_unit     the SKKNI/BNSP unit code it relates to, or null

A certificate with observed skills is signed in version 2; one without (every certificate
issued before skills existed, and those of courses without practice) in version 1, which has
no ``skills`` key at all: its bytes are exactly what was always signed, so old signatures
keep verifying. A verifier reads ``v`` first.

The signature is Ed25519 (RFC 8032) over those bytes, written base64url without
padding (86 characters). It is stored with the certificate, returned by the API and
carried in the QR code (``…/verifikasi/<id>?k=<kid>&s=<signature>``), so anyone with
the published public keys can check a certificate without trusting this server.
Example (version 1): {"completed":"2026-11-23","course":"Perawatan Dasar Lansia","course_version":1,
"holder":"Siti Aminah","hours":16,"id":"RWT-2026-7K3M-9QXH-F","issuer":"Rawat",
"kid":"rk-20261123-3fa1","v":1,"valid_until":"2028-11-23"}
Version 2 adds, e.g., "skills":[{"competency_unit":null,"confirmed_on_paper":false,
"id":"memindahkan-ke-kursi-roda","observed":"2026-11-20","observer":"Ani Wulandari",
"observer_role":"trainer","title":"Memindahkan dari tempat tidur ke kursi roda"}] and "v":2.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import json
import logging
import re
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature

from .keys import Keyring, b64url, b64url_decode

#: the newest payload version; a certificate without observed skills is still signed in version 1
PAYLOAD_VERSION = 2
#: Info dictionary key that carries the certificate ID inside the PDF
PDF_ID_KEY = "/RawatCertificateId"
PDF_SIGNATURE_FIELD = "RawatSignature"
_ID_IN_BYTES = re.compile(rb"/RawatCertificateId\s*\((RWT-[0-9A-Z-]{16,24})\)")

log = logging.getLogger(__name__)


def payload_fields(*, public_id: str, holder: str, course: str, course_version: int, hours: int,
                   completed: dt.date, valid_until: dt.date | None, issuer: str, kid: str,
                   skills: list[dict] | None = None) -> dict:
    """The signed fields: version 2 with `skills` (entries as in the module docstring), else version 1."""
    fields = {
        "v": 1, "id": public_id, "holder": holder, "course": course,
        "course_version": int(course_version), "hours": int(hours), "completed": completed.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None, "issuer": issuer, "kid": kid,
    }
    if skills:
        fields.update(v=2, skills=[dict(skill) for skill in skills])
    return fields


def canonical_payload(fields: dict) -> bytes:
    """The exact bytes that are signed (see the module docstring)."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_payload(keyring: Keyring, fields: dict) -> str:
    """Sign with the current key; `fields["kid"]` must name it."""
    if fields.get("kid") != keyring.current_kid:
        raise ValueError("payload kid is not the current key")
    return b64url(keyring.ed25519_private().sign(canonical_payload(fields)))


def verify_payload(keyring: Keyring, fields: dict, signature: str | None, *,
                   issued_at: dt.datetime | None = None, payload: bytes | None = None) -> bool:
    """True when `signature` is a valid Ed25519 signature of `fields` by the key it names.

    The key must be one of ours (current or retired) and, when `issued_at` is given,
    must have been in service at that moment. `payload`: canonical_payload(fields), when the caller
    has it already (the API shows it).
    """
    key = keyring.get(fields.get("kid"))
    if key is None or not signature or len(signature) > 100:
        return False
    if issued_at is not None and not key.was_valid_at(issued_at):
        return False
    payload = canonical_payload(fields) if payload is None else payload
    # Ed25519 verification depends only on these three values: a match seen once stays a match.
    seen = (key.public_raw(), signature, payload)
    with _VERIFIED_LOCK:
        if seen in _VERIFIED:
            _VERIFIED.move_to_end(seen)
            return True
    try:
        key.ed25519_public.verify(b64url_decode(signature), payload)
    except (InvalidSignature, ValueError):
        return False
    with _VERIFIED_LOCK:
        _VERIFIED[seen] = None
        while len(_VERIFIED) > _VERIFIED_KEPT:
            _VERIFIED.popitem(last=False)
    return True


#: (public key, signature, payload) of signatures that verified, in this process (derived data only)
_VERIFIED: OrderedDict[tuple[bytes, str, bytes], None] = OrderedDict()
_VERIFIED_LOCK = threading.Lock()
_VERIFIED_KEPT = 4096


# --- PAdES ---------------------------------------------------------------------------------

def outside_event_loop(function, *args, **kwargs):
    """Call one of pyHanko's synchronous functions, which use asyncio.run() inside.

    asyncio.run() refuses to start in a thread whose event loop is already running
    (an async server, or a test driving a browser): then the call runs in a worker thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def sign_pdf(keyring: Keyring, pdf: bytes) -> bytes:
    """Add an invisible PAdES (ETSI.CAdES.detached) signature covering the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=PDF_SIGNATURE_FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
    )
    pdf_signer = signers.PdfSigner(meta, signer=keyring.pdf_signer())
    out = outside_event_loop(pdf_signer.sign_pdf, writer, bytes_reserved=signature_room(keyring))
    return out.getvalue()


def signature_room(keyring: Keyring) -> int:
    """Bytes to reserve for the CMS signature: the embedded chain plus room for the rest.

    Reserving it up front spares pyHanko a trial signature to measure the size.
    """
    from cryptography.hazmat.primitives import serialization

    chain = sum(len(cert.public_bytes(serialization.Encoding.DER)) for cert in keyring.current.chain)
    return 4096 + chain + (-chain % 1024)


@dataclass
class PdfInspection:
    """What the file itself says, before it is compared with the register."""

    #: "signed" (one signature, checked), "unsigned", "unreadable"
    state: str
    public_id: str | None = None
    #: the signed bytes are unchanged and the signature is mathematically sound
    intact: bool = False
    #: the signature covers the whole file (nothing was appended after signing)
    covers_whole_file: bool = False
    #: the signing certificate chains to one of our trust roots
    trusted: bool = False
    #: the kid of our key that made the signature, None when it is not one of ours
    kid: str | None = None
    sha256: str = ""


def find_id_in_bytes(data: bytes) -> str | None:
    """The ID written in the Info dictionary, found without parsing (for damaged files)."""
    match = _ID_IN_BYTES.search(data)
    return match.group(1).decode("ascii") if match else None


def inspect_pdf(keyring: Keyring, data: bytes) -> PdfInspection:
    """Check the PDF's signature with pyHanko against our trust roots and keys."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    digest = hashlib.sha256(data).hexdigest()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - any parse failure means the file is damaged
        log.info("unreadable PDF uploaded", exc_info=True)
        return PdfInspection("unreadable", public_id=find_id_in_bytes(data), sha256=digest)
    public_id = _info_id(reader) or find_id_in_bytes(data)
    if not signatures:
        return PdfInspection("unsigned", public_id=public_id, sha256=digest)
    signature = signatures[-1]
    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in keyring.trust_roots]
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = outside_event_loop(validate_pdf_signature, signature, context)
    except Exception:  # noqa: BLE001 - a malformed signature is as good as none
        log.info("signature could not be validated", exc_info=True)
        return PdfInspection("signed", public_id=public_id, sha256=digest)
    from pyhanko.sign.validation import SignatureCoverageLevel

    signer = status.signing_cert
    key = keyring.key_for_certificate(signer.sha256.hex()) if signer is not None else None
    return PdfInspection(
        "signed", public_id=public_id, intact=bool(status.intact and status.valid),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1,
        trusted=bool(status.trusted), kid=key.kid if key else None, sha256=digest,
    )


def _info_id(reader) -> str | None:
    try:
        info = reader.trailer["/Info"]
        value = info.get(PDF_ID_KEY)
    except Exception:  # noqa: BLE001
        return None
    return str(value) if value else None
