"""The issuer's did:web, derived from LMS_VERIFICATION_BASE_URL, and its DID document.

did:web (W3C CCG DID Method "web"): the host, a port written ``%3A``, then each path segment after
a colon; the document is at ``/.well-known/did.json`` for a bare host, else at ``<path>/did.json``.
Every Ed25519 key that ever signed is listed as a Multikey verification method ``<did>#<kid>``,
retired ones too, so credentials they signed keep verifying; keys.py's validity windows (served
in /.well-known/rawat-keys.json) say when each signed.
"""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..certificates.keys import KeyInfo, Keyring
from .multibase import ed25519_multikey

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def did_web(base_url: str) -> str:
    parts = urlsplit(base_url)
    host = parts.hostname or "localhost"
    if parts.port:
        host = f"{host}%3A{parts.port}"
    segments = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did", "web", host, *segments])


def did_document_path(base_url: str) -> str:
    """Where on this server the DID document must be served for did_web(base_url) to resolve."""
    return "/did.json" if urlsplit(base_url).path.strip("/") else "/.well-known/did.json"


def verification_method_id(did: str, kid: str) -> str:
    return f"{did}#{kid}"


def did_document(did: str, keyring: Keyring) -> dict:
    keys = sorted(keyring.keys.values(), key=lambda key: key.created_at)
    methods = [{"id": verification_method_id(did, key.kid), "type": "Multikey", "controller": did,
                "publicKeyMultibase": ed25519_multikey(key.public_raw())} for key in keys]
    ids = [method["id"] for method in methods]
    return {"@context": DID_CONTEXTS, "id": did, "verificationMethod": methods,
            "assertionMethod": ids, "authentication": [], "capabilityInvocation": []}


def key_for_method(did: str, keyring: Keyring, method: str) -> KeyInfo | None:
    """Our key named by a verification method (``<did>#<kid>``), or None when it is not ours."""
    prefix = f"{did}#"
    if not isinstance(method, str) or not method.startswith(prefix):
        return None
    return keyring.get(method[len(prefix):])


def public_key(key: KeyInfo | None) -> Ed25519PublicKey | None:
    return key.ed25519_public if key is not None else None
