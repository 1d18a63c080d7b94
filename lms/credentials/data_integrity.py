"""Data Integrity proofs with the cryptosuite eddsa-rdfc-2022 (W3C Data Integrity EdDSA Cryptosuites 1.0).

Creating a proof (section 3.2 of that Recommendation), in short:

1. proof options: type ``DataIntegrityProof``, ``cryptosuite``, ``created``, ``verificationMethod``,
   ``proofPurpose``, with the document's ``@context``;
2. canonicalize the options and the document without ``proof`` (RDFC-1.0, jsonld.py);
3. hash each with SHA-256; the data signed is hash(options) followed by hash(document);
4. sign with Ed25519; ``proofValue`` is the signature in multibase base58btc (``z…``).

Verifying repeats 1–3 from the proof found in the document (without ``proofValue``) and checks
the signature with the public key the verification method names, which the caller resolves:
this module knows nothing of DIDs or of our keys.
"""
from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .jsonld import CanonicalizationError, OfflineLoader, canonical_nquads
from .multibase import multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"


@dataclass(frozen=True)
class HashedInput:
    """The intermediate values of one proof, as the test vectors list them."""

    canonical_document: str
    canonical_proof_options: str
    #: sha256(proof options) ‖ sha256(document): the 64 bytes signed
    data: bytes


def proof_options(*, created: str, verification_method: str, context, purpose: str = PROOF_PURPOSE) -> dict:
    return {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "created": created,
            "verificationMethod": verification_method, "proofPurpose": purpose, "@context": context}


def hash_input(unsecured: dict, options: dict, loader: OfflineLoader | None = None) -> HashedInput:
    """Steps 2 and 3 above. Raises CanonicalizationError."""
    document = canonical_nquads(unsecured, loader)
    proof = canonical_nquads(options, loader)
    data = hashlib.sha256(proof.encode("utf-8")).digest() + hashlib.sha256(document.encode("utf-8")).digest()
    return HashedInput(document, proof, data)


def add_proof(unsecured: dict, private_key: Ed25519PrivateKey, *, created: str, verification_method: str,
              loader: OfflineLoader | None = None) -> dict:
    """A copy of `unsecured` with its proof. Raises CanonicalizationError."""
    if "proof" in unsecured:
        raise ValueError("the document already has a proof")
    options = proof_options(created=created, verification_method=verification_method,
                            context=unsecured.get("@context"))
    signature = private_key.sign(hash_input(unsecured, options, loader).data)
    proof = {key: value for key, value in options.items() if key != "@context"}
    proof["proofValue"] = multibase_encode(signature)
    secured = copy.deepcopy(unsecured)
    secured["proof"] = proof
    return secured


@dataclass(frozen=True)
class ProofCheck:
    """What checking a document's proof found."""

    #: verified; no_proof (none, several, or not ours to read: another type or cryptosuite);
    #: unknown_key (the resolver does not know the verification method); bad_form (the document
    #: cannot be canonicalized: a context we do not ship, a field no context defines); invalid (the
    #: signature does not match: something changed, or another key signed)
    outcome: str
    verification_method: str | None = None
    created: str | None = None
    detail: str = ""

    @property
    def verified(self) -> bool:
        return self.outcome == "verified"


def verify_proof(secured: dict, resolve_key: Callable[[str], Ed25519PublicKey | None],
                 loader: OfflineLoader | None = None) -> ProofCheck:
    """Check the document's one eddsa-rdfc-2022 proof; `resolve_key` maps a verification method to a key."""
    proof = secured.get("proof") if isinstance(secured, dict) else None
    if not isinstance(proof, dict) or proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return ProofCheck("no_proof", detail="no single DataIntegrityProof with cryptosuite eddsa-rdfc-2022")
    method, created, value = proof.get("verificationMethod"), proof.get("created"), proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str) or proof.get("proofPurpose") != PROOF_PURPOSE:
        return ProofCheck("no_proof", detail="proof without verificationMethod, proofValue or assertionMethod")
    key = resolve_key(method)
    if key is None:
        return ProofCheck("unknown_key", method, created, "the verification method is not a key we know")
    unsecured = {name: item for name, item in secured.items() if name != "proof"}
    options = {name: item for name, item in proof.items() if name != "proofValue"}
    if "@context" in options and options["@context"] != unsecured.get("@context"):
        return ProofCheck("invalid", method, created, "the proof's @context differs from the document's")
    options["@context"] = unsecured.get("@context")
    try:
        signature = multibase_decode(value)
        data = hash_input(unsecured, options, loader).data
    except CanonicalizationError as error:
        return ProofCheck("bad_form", method, created, str(error))
    except ValueError:
        return ProofCheck("invalid", method, created, "proofValue is not base58btc")
    try:
        key.verify(signature, data)
    except (InvalidSignature, ValueError):
        return ProofCheck("invalid", method, created, "the signature does not match the content")
    return ProofCheck("verified", method, created)
