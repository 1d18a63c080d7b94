"""Reading an uploaded credential (JSON, or a baked PNG) and checking its proof against our keys.

Read-only, no database: verification/services.py compares what this finds with the register.
The cheap checks come first, so that a file that cannot be one of ours costs no JSON-LD work:
the size, the JSON, then whether the proof names one of our keys; only then canonicalization.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from ..certificates.keys import Keyring
from ..certificates.public_id import parse
from ..certificates.urls import VERIFY_PATH, base_url
from .baking import PNG_SIGNATURE, NotBaked, unbake
from .builder import STATUS_PATH
from .data_integrity import verify_proof
from .did import did_web, key_for_method, public_key

#: our credentials are a few KB; anything much larger is not one of ours
MAX_CREDENTIAL_CHARS = 256 * 1024
#: ours have about 15 JSON objects (20 more with many aligned skills) nested at most 5 deep
MAX_OBJECTS = 200
MAX_DEPTH = 12


class NotACredential(ValueError):
    """The upload is neither a credential's JSON nor a PNG with one baked in."""


def looks_like_credential(data: bytes) -> bool:
    """A first look at an upload: a PNG, or text that starts like a JSON object."""
    return data.startswith(PNG_SIGNATURE) or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def read_credential(data: bytes) -> tuple[dict, str]:
    """(document, how it came: "png" or "json"). Raises NotACredential."""
    kind = "png" if data.startswith(PNG_SIGNATURE) else "json"
    if kind == "png":
        try:
            text = unbake(data)
        except NotBaked as error:
            raise NotACredential(str(error)) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise NotACredential("not UTF-8 text") from None
    if len(text) > MAX_CREDENTIAL_CHARS:
        raise NotACredential("far larger than any credential")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise NotACredential("not JSON") from None
    if not isinstance(document, dict):
        raise NotACredential("not a JSON object")
    return document, kind


@dataclass
class CredentialInspection:
    """What the credential itself says and whether its proof holds."""

    #: verified (our key's proof, intact); altered (names our key, but the proof fails or the document
    #: cannot be canonicalized: changed); not_ours (no proof of ours: another issuer, an unknown key)
    state: str
    #: the certificate ID its `id` names, when it names one of our verification pages
    public_id: str | None = None
    kid: str | None = None
    #: the status list number and bit it carries (credentialStatus), when well formed
    status_list: int | None = None
    status_index: int | None = None
    #: validUntil as written, parsed; None when absent or unreadable
    valid_until: dt.datetime | None = None
    detail: str = ""


def _public_id(document: dict) -> str | None:
    identifier = document.get("id")
    prefix = f"{base_url()}{VERIFY_PATH}/"
    if not isinstance(identifier, str) or not identifier.startswith(prefix):
        return None
    parsed = parse(identifier[len(prefix):])
    return parsed.canonical if parsed.ok else None


def _status_entry(document: dict) -> tuple[int | None, int | None]:
    entry = document.get("credentialStatus")
    if not isinstance(entry, dict):
        return None, None
    url, index = entry.get("statusListCredential"), entry.get("statusListIndex")
    prefix = f"{base_url()}{STATUS_PATH}/"
    if not (isinstance(url, str) and url.startswith(prefix) and url[len(prefix):].isdigit()
            and isinstance(index, str) and index.isdigit() and len(index) <= 9):
        return None, None
    return int(url[len(prefix):]), int(index)


def _moment(value) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def shape_problem(document) -> str | None:
    """Why a document cannot be one of ours unchanged, from its shape alone; None when it could be.

    Canonicalization (RDFC-1.0) can take exponential time on crafted graphs of blank nodes that point
    at each other ("poison graphs"). Ours are trees: no blank node identifiers (``_:…``), few objects,
    shallow. Anything else is answered without canonicalizing it.
    """
    objects = 0
    stack = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return "nested too deep"
        if isinstance(value, dict):
            objects += 1
            if objects > MAX_OBJECTS:
                return "too many objects"
            for key, item in value.items():
                if key in ("id", "@id") and isinstance(item, str) and item.startswith("_:"):
                    return "blank node identifiers"
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return None


def inspect_credential(keyring: Keyring, document: dict) -> CredentialInspection:
    """Check the proof with our keys (current and retired, each only for what it signed while in service)."""
    did = did_web(base_url())
    found: dict = {}
    problem = shape_problem(document)

    def resolve(method: str):
        key = key_for_method(did, keyring, method)
        found["key"] = key
        # our key, but a shape we never issue: refused before any canonicalization (bad_form → altered)
        return None if problem and key is not None else public_key(key)

    check = verify_proof(document, resolve)
    key = found.get("key")
    status_list, status_index = _status_entry(document)
    inspection = CredentialInspection(
        "not_ours", public_id=_public_id(document), kid=key.kid if key else None, status_list=status_list,
        status_index=status_index, valid_until=_moment(document.get("validUntil")), detail=check.detail)
    if problem and key is not None:
        inspection.state, inspection.detail = "altered", problem
        return inspection
    if check.outcome in ("no_proof", "unknown_key"):
        return inspection
    if not check.verified:
        inspection.state = "altered"
        return inspection
    created = _moment(check.created)
    if created is None or not key.was_valid_at(created):
        # our key, but not while it was in service: a retired key's proof dated after its retirement
        inspection.state, inspection.detail = "altered", "proof made outside the key's time in service"
        return inspection
    inspection.state = "verified"
    return inspection
