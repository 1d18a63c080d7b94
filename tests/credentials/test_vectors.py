"""Our eddsa-rdfc-2022 against the published test vectors, and the loader that never fetches."""
from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.credentials.data_integrity import add_proof, hash_input, verify_proof
from lms.credentials.jsonld import DroppedProperty, OfflineLoader, UnknownContext, canonical_nquads
from lms.credentials.multibase import (
    base58btc_decode,
    base58btc_encode,
    ed25519_multikey,
    ed25519_public_from_multikey,
    ed25519_seed_from_multikey,
)

VECTORS = Path(__file__).parent / "vectors"
W3C = VECTORS / "w3c-eddsa-rdfc-2022"
OB3 = VECTORS / "1edtech-ob3"
EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture
def w3c_loader() -> OfflineLoader:
    return OfflineLoader({EXAMPLES_CONTEXT: json.loads(read(VECTORS / "credentials-examples-v2.jsonld"))})


def test_the_w3c_vector_gives_the_same_canonical_forms_hashes_and_proof_value(w3c_loader):
    unsigned = json.loads(read(W3C / "unsigned.json"))
    options = json.loads(read(W3C / "proofConfigDataInt.json"))
    hashed = hash_input(unsigned, options, w3c_loader)
    assert hashed.canonical_document == read(W3C / "canonDocDataInt.txt")
    assert hashed.canonical_proof_options == read(W3C / "proofCanonDataInt.txt")
    assert hashlib.sha256(hashed.canonical_document.encode()).hexdigest() == read(W3C / "docHashDataInt.txt").strip()
    assert hashlib.sha256(hashed.canonical_proof_options.encode()).hexdigest() == \
        read(W3C / "proofHashDataInt.txt").strip()
    assert hashed.data.hex() == read(W3C / "combinedHashDataInt.txt").strip()

    keys = json.loads(read(W3C / "keyPair.json"))
    private = Ed25519PrivateKey.from_private_bytes(ed25519_seed_from_multikey(keys["privateKeyMultibase"]))
    assert ed25519_multikey(private.public_key().public_bytes_raw()) == keys["publicKeyMultibase"]
    assert private.sign(hashed.data).hex() == read(W3C / "sigHexDataInt.txt").strip()
    signed = add_proof(unsigned, private, created=options["created"],
                       verification_method=options["verificationMethod"], loader=w3c_loader)
    assert signed == json.loads(read(W3C / "signedDataInt.json"))
    assert signed["proof"]["proofValue"] == read(W3C / "sigBTC58DataInt.txt").strip()


def test_the_w3c_signed_vector_verifies_and_fails_once_changed(w3c_loader):
    signed = json.loads(read(W3C / "signedDataInt.json"))
    public = ed25519_public_from_multikey(json.loads(read(W3C / "keyPair.json"))["publicKeyMultibase"])
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = Ed25519PublicKey.from_public_bytes(public)
    assert verify_proof(signed, lambda _method: key, w3c_loader).verified
    signed["credentialSubject"]["alumniOf"] = "Another School"
    assert verify_proof(signed, lambda _method: key, w3c_loader).outcome == "invalid"


def test_the_open_badges_vector_gives_the_same_canonical_forms_and_proof_value():
    """1EdTech's "Linked Data Proof Test Vector" for Open Badges 3.0 (context 3.0.3, which we ship)."""
    credential = json.loads(read(OB3 / "credential.json"))
    expected = json.loads(read(OB3 / "expected.json"))
    options = dict(expected["proof_options"], **{"@context": credential["@context"]})
    hashed = hash_input(credential, options)
    assert hashed.canonical_document == read(OB3 / "document-canon.txt")
    assert hashed.canonical_proof_options == read(OB3 / "proof-canon.txt")
    assert hashed.data[32:].hex() == expected["document_hash_hex"]
    assert hashed.data[:32].hex() == expected["proof_hash_hex"]
    assert hashed.data.hex() == expected["data_to_sign_hex"]
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(expected["private_key_hex"])[:32])
    assert private.public_key().public_bytes_raw().hex() == expected["public_key_hex"]
    assert ed25519_multikey(private.public_key().public_bytes_raw()) == expected["public_key_multibase"]
    assert private.sign(hashed.data).hex() == expected["signature_hex"]
    signed = add_proof(credential, private, created=options["created"],
                       verification_method=options["verificationMethod"])
    assert signed["proof"]["proofValue"] == expected["proof_value"]
    assert verify_proof(signed, lambda _method: private.public_key()).verified


def test_base58btc_round_trips_and_keeps_leading_zero_bytes():
    for data in (b"", b"\0", b"\0\0\x01", bytes(range(100)), b"\xff" * 64):
        assert base58btc_decode(base58btc_encode(data)) == data
    assert base58btc_encode(b"\0\0\x01") == "112"
    with pytest.raises(ValueError):
        base58btc_decode("0OIl")  # not in the alphabet


def test_the_loader_refuses_any_context_it_does_not_ship_and_never_opens_a_connection(monkeypatch,
                                                                                          w3c_loader):
    # A context another loader served (the test vectors' examples context) stays unknown to ours.
    canonical_nquads(json.loads(read(W3C / "unsigned.json")), w3c_loader)
    opened = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: opened.append(address))
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kwargs: opened.append(args))
    for context in ("https://www.w3.org/ns/credentials/examples/v2", "https://example.org/context.jsonld",
                    "http://127.0.0.1:5000/context.json", "file:///etc/passwd"):
        document = {"@context": ["https://www.w3.org/ns/credentials/v2", context], "type": ["VerifiableCredential"],
                    "id": "urn:uuid:1"}
        with pytest.raises(UnknownContext):
            canonical_nquads(document)
    assert opened == []


def test_a_property_json_ld_would_drop_is_refused_not_left_unsigned():
    # Without the VC context's @vocab, an undefined term would vanish from the canonical form.
    document = {"@context": {"name": "https://schema.org/name"}, "@id": "urn:uuid:2", "name": "A",
                "undefinedTerm": "not covered"}
    with pytest.raises(DroppedProperty):
        canonical_nquads(document)
