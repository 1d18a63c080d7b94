"""A cheap first look at an uploaded PDF, before pyHanko parses it.

pyHanko reads a PDF byte by byte in Python. On junk behind a PDF header that costs
seconds of CPU per upload: about 1 s for 5 MB of zero bytes (it reads the last "line"
backwards looking for ``%%EOF``) and 16 s for 5 MB of ASCII zeros ending in a forged
``startxref 9 %%EOF`` (it reads one 5-million-digit number). Anyone can post that, without
an account, 30 times a minute.

Every certificate we issue has one shape: reportlab's file plus one incremental update,
written by pyHanko, that adds the signature (lms/certificates/signing.py). So a file
that does not have that shape cannot be one of ours, and is answered without parsing:

- it starts with ``%PDF-`` and ends with ``startxref <n> %%EOF`` (pyHanko's tail), ``<n>``
  pointing at a classic ``xref`` table;
- its last ``/ByteRange [0 a b c]`` sits in its last revision (after the previous
  ``%%EOF``), which also holds ``/Type /Sig``; the range covers the whole file except the
  hex ``<…>`` between ``a`` and ``b``;
- that hex is a CMS signature made by one of our signing keys (current or retired,
  :meth:`Keyring.key_for_certificate`) over exactly those bytes: its message digest
  matches and its signature verifies.

Only a file that passes goes on to pyHanko, and such a file is one our key signed: a
small, well-formed PDF. The checks cost one SHA-256 pass over the file at most (when the
signature names our key), a few ``find`` calls otherwise. Read-only; no database.
"""
from __future__ import annotations

import hashlib
import logging
import re
import string
from dataclasses import dataclass

from ..certificates.keys import Keyring

log = logging.getLogger(__name__)

#: pyHanko looks for %%EOF in the last 1024 bytes; our files end with it
TAIL_BYTES = 1024
_TAIL = re.compile(rb"startxref[\r\n ]+(\d{1,10})[\r\n ]+%%EOF[\r\n]*\Z")
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*0\s+(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s*\]")
_SIG_TYPE = re.compile(rb"/Type\s*/Sig\b")
#: /Contents of our signatures: 2 × (4 KB + the chain), see signing.signature_room; 256 KB is ample
MAX_CONTENTS_HEX = 256 * 1024
_HEX = string.hexdigits.encode("ascii")


@dataclass(frozen=True)
class Screening:
    """What a first look at the bytes found."""

    #: ok (signed by one of our keys over the whole file: worth a full validation);
    #: damaged (not a complete PDF of our shape: truncated, bytes appended, no trailer);
    #: unsigned (a whole PDF without any signature); updated (signed, then changed by a later
    #: revision); foreign (signed by a key that is not ours); tampered (our key's signature, but
    #: the bytes or the signature no longer match)
    state: str
    #: the kid of our key that made the signature (ok and tampered only, when known)
    kid: str | None = None

    @property
    def passed(self) -> bool:
        return self.state == "ok"


def screen_pdf(keyring: Keyring, data: bytes, *, max_bytes: int | None = None) -> Screening:
    """Look at the shape and the signature of `data` without parsing the PDF (see the module docstring)."""
    if (max_bytes is not None and len(data) > max_bytes) or not data.startswith(b"%PDF-"):
        return Screening("damaged")
    tail = _TAIL.search(data, max(0, len(data) - TAIL_BYTES))
    if tail is None:
        return Screening("damaged")
    startxref = int(tail.group(1))
    if data[startxref:startxref + 4] != b"xref":
        return Screening("damaged")
    position = data.rfind(b"/ByteRange")
    if position < 0:
        return Screening("unsigned")
    byte_range = _BYTE_RANGE.match(data, position)
    if byte_range is None:
        return Screening("damaged")
    start, end, length = (int(value) for value in byte_range.groups())
    if not (0 < start < end <= len(data)) or end - start > MAX_CONTENTS_HEX or end + length > len(data):
        return Screening("damaged")
    if end + length < len(data):
        return Screening("updated")  # bytes after the signed range: a later revision
    previous_eof = data.rfind(b"%%EOF", 0, start)
    if previous_eof < 0 or position < previous_eof or not _SIG_TYPE.search(data, previous_eof):
        return Screening("damaged")  # the signature must be the last revision's, on a file before it
    contents = data[start:end]
    if contents[:1] != b"<" or contents[-1:] != b">":
        return Screening("damaged")
    hex_text = contents[1:-1]
    if hex_text.translate(None, _HEX) or len(hex_text) % 2:
        return Screening("damaged")
    return _check_cms(keyring, data, bytes.fromhex(hex_text.decode("ascii")), start, end)


def _check_cms(keyring: Keyring, data: bytes, der: bytes, start: int, end: int) -> Screening:
    """Is this CMS blob our key's signature over data[:start] + data[end:]?"""
    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import extract_certs_for_validation, validate_sig_integrity

    ours = {key.x509_sha256: key for key in keyring.keys.values()}
    try:
        signed_data = cms.ContentInfo.load(der)["content"]
        embedded = [choice.chosen for choice in signed_data["certificates"]
                    if choice.name == "certificate"]
        carries_ours = any(cert.sha256.hex() in ours for cert in embedded)
    except Exception:  # noqa: BLE001 - any malformed blob: no signature we can read
        log.info("unreadable CMS in an uploaded PDF", exc_info=True)
        return Screening("tampered" if any(_der(key) in der for key in ours.values()) else "foreign")
    try:
        signer_cert = extract_certs_for_validation(signed_data).signer_cert
        key = ours.get(signer_cert.sha256.hex())
    except Exception:  # noqa: BLE001 - the signer is not among the embedded certificates
        key = None
    if key is None:
        # Someone else's signature; or ours with its signer changed, which is tampering.
        return Screening("tampered" if carries_ours else "foreign")
    try:
        signer_infos = signed_data["signer_infos"]
        signer_info = signer_infos[0]
        digest = hashlib.new(signer_info["digest_algorithm"]["algorithm"].native)
        view = memoryview(data)
        digest.update(view[:start])
        digest.update(view[end:])
        intact, valid = validate_sig_integrity(signer_info, signer_cert, "data", digest.digest())
        sound = len(signer_infos) == 1 and intact and valid
    except Exception:  # noqa: BLE001 - unknown algorithm, malformed attributes
        log.info("our signature in an uploaded PDF could not be checked", exc_info=True)
        sound = False
    return Screening("ok" if sound else "tampered", key.kid)


def _der(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.signing_cert.public_bytes(serialization.Encoding.DER)
