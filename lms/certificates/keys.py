"""The issuer's keys: a small CA, PDF signing keys and Ed25519 keys, kept in keys/ of the instance folder
(LMS_INSTANCE_PATH, else instance/; CERTIFICATE_KEY_DIR to move them) (read side; keygen.py makes and rotates them).

One *key* of the keyring has an id (``rk-20261123-3fa1``) and two halves made together:

- an Ed25519 key that signs each certificate's canonical payload (carried in the QR code);
- an X.509 signing key and certificate for the PAdES signature of the PDF, certified by
  our own issuer CA — or, when CERTIFICATE_SIGNING_KEY_FILE / CERTIFICATE_SIGNING_CERT_FILE
  are set, the key and chain an operator obtained from a real CA.

Layout of the folder (private key files are mode 0600, the folder 0700)::

    keyring.json            {"format": 1, "current": kid, "keys": [{kid, created_at, retired_at,
                             ed25519_public, x509_sha256}, ...]}
    ca/root-cert.pem        self-signed issuer CA (CA:TRUE, keyCertSign)
    ca/root-key.pem         its private key, used again only by `lms keys rotate`
    <kid>/ed25519-key.pem   private, removed when the key is retired
    <kid>/signing-key.pem   private, removed when the key is retired (own CA only)
    <kid>/signing-chain.pem signing certificate then its CA certificates; kept forever

`lms keys rotate` adds a key and retires the current one: its private halves are
deleted, its public halves stay, so certificates it signed stay verifiable. With
several app servers, copy the folder to each (like SECRET_KEY).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import Flask, current_app

FORMAT = 1


class KeysMissing(RuntimeError):
    """No keyring yet (run `flask --app wsgi lms keys init`), or a private key is gone."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def iso_utc(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_utc(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def load_pem_certs(data: bytes) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(data)


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def cert_pem(certs: list[x509.Certificate]) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


@dataclass
class KeyInfo:
    """The public halves of one key, and whether it may still sign."""

    kid: str
    created_at: dt.datetime
    retired_at: dt.datetime | None
    ed25519_public: Ed25519PublicKey
    #: the PDF signing certificate first, then the CA certificates above it
    chain: list[x509.Certificate]
    x509_sha256: str

    @property
    def is_current(self) -> bool:
        return self.retired_at is None

    @property
    def signing_cert(self) -> x509.Certificate:
        return self.chain[0]

    def was_valid_at(self, moment: dt.datetime) -> bool:
        """Did this key sign at `moment` (naive UTC)? A little slack for clocks."""
        slack = dt.timedelta(minutes=5)
        if moment < self.created_at - slack:
            return False
        return self.retired_at is None or moment <= self.retired_at + slack

    def public_raw(self) -> bytes:
        return self.ed25519_public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass
class Keyring:
    folder: Path
    current_kid: str
    keys: dict[str, KeyInfo]
    #: certificates a PDF signature may chain to (our CA and configured roots)
    trust_roots: list[x509.Certificate]
    external_key_file: str | None = None
    _cache: dict = field(default_factory=dict)

    @property
    def current(self) -> KeyInfo:
        return self.keys[self.current_kid]

    def get(self, kid: str | None) -> KeyInfo | None:
        return self.keys.get(kid) if kid else None

    def ed25519_private(self) -> Ed25519PrivateKey:
        """The current key's Ed25519 private half."""
        if "ed25519" not in self._cache:
            path = self.folder / self.current_kid / "ed25519-key.pem"
            try:
                key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            except FileNotFoundError as exc:
                raise KeysMissing(f"{path} is missing") from exc
            self._cache["ed25519"] = key
        return self._cache["ed25519"]

    def pdf_signer(self):
        """A pyHanko signer with the current X.509 key and its chain (built once)."""
        if "signer" not in self._cache:
            from asn1crypto import keys as asn1_keys
            from asn1crypto import x509 as asn1_x509
            from pyhanko.sign.signers import SimpleSigner
            from pyhanko_certvalidator.registry import SimpleCertificateStore

            path = Path(self.external_key_file) if self.external_key_file else \
                self.folder / self.current_kid / "signing-key.pem"
            try:
                private = serialization.load_pem_private_key(path.read_bytes(), password=None)
            except FileNotFoundError as exc:
                raise KeysMissing(f"{path} is missing") from exc
            der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
            chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
                     for c in self.current.chain]
            self._cache["signer"] = SimpleSigner(
                signing_cert=chain[0], signing_key=asn1_keys.PrivateKeyInfo.load(der),
                cert_registry=SimpleCertificateStore.from_certs(chain[1:]),
            )
        return self._cache["signer"]

    def key_for_certificate(self, cert_sha256: str) -> KeyInfo | None:
        """Which of our keys (current or retired) owns this signing certificate."""
        return next((k for k in self.keys.values() if k.x509_sha256 == cert_sha256), None)

    def public_document(self) -> dict:
        """What /.well-known/rawat-keys.json publishes."""
        keys = []
        for key in sorted(self.keys.values(), key=lambda k: k.created_at):
            x = b64url(key.public_raw())
            keys.append({
                "kid": key.kid,
                "alg": "Ed25519",
                "public_key": x,
                "jwk": {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": key.kid, "use": "sig"},
                "valid_from": iso_utc(key.created_at),
                "valid_until": iso_utc(key.retired_at),
                "status": "current" if key.is_current else "retired",
                "x509_sha256": key.x509_sha256,
                "x509_chain_pem": cert_pem(key.chain).decode("ascii"),
            })
        return {"issuer": current_app.config["CERTIFICATE_ISSUER"], "current": self.current_kid, "keys": keys,
                "trust_roots_pem": [cert_pem([root]).decode("ascii") for root in self.trust_roots]}


# --- where the keys live -------------------------------------------------------------------

def key_folder(app: Flask | None = None) -> Path:
    return _key_paths(app or current_app)[0]


def _key_paths(app: Flask) -> tuple[Path, Path]:
    """(the key folder, its keyring.json)."""
    return _paths_under(app.config.get("CERTIFICATE_KEY_DIR") or "keys", app.instance_path)


@lru_cache(maxsize=16)
def _paths_under(configured: str, instance_path: str) -> tuple[Path, Path]:
    # (folder, its keyring.json): every verification looks the keyring up, and building the paths cost more
    # than checking the file (issue #21)
    folder = Path(configured)
    folder = folder if folder.is_absolute() else Path(instance_path) / folder
    return folder, folder / "keyring.json"


def external_chain(app: Flask) -> list[x509.Certificate] | None:
    cert_file = app.config.get("CERTIFICATE_SIGNING_CERT_FILE")
    key_file = app.config.get("CERTIFICATE_SIGNING_KEY_FILE")
    if not cert_file and not key_file:
        return None
    if not (cert_file and key_file):
        raise KeysMissing("set both CERTIFICATE_SIGNING_KEY_FILE and CERTIFICATE_SIGNING_CERT_FILE")
    chain = load_pem_certs(Path(cert_file).read_bytes())
    if not chain:
        raise KeysMissing(f"no certificate in {cert_file}")
    return chain


# --- loading, cached until keyring.json changes ----------------------------------------------

_loaded: dict[Path, tuple[tuple, Keyring]] = {}
_lock = threading.Lock()


def _load(app: Flask, folder: Path) -> Keyring:
    manifest = json.loads((folder / "keyring.json").read_text())
    if manifest.get("format") != FORMAT:
        raise KeysMissing(f"unknown keyring format in {folder}")
    keys = {}
    for item in manifest["keys"]:
        kid = item["kid"]
        chain = load_pem_certs((folder / kid / "signing-chain.pem").read_bytes())
        keys[kid] = KeyInfo(
            kid=kid, created_at=parse_iso_utc(item["created_at"]), retired_at=parse_iso_utc(item["retired_at"]),
            ed25519_public=Ed25519PublicKey.from_public_bytes(b64url_decode(item["ed25519_public"])),
            chain=chain, x509_sha256=item["x509_sha256"],
        )
    external = external_chain(app)
    current = manifest["current"]
    if external is not None:
        # The operator's files are authoritative for the current key (renewed cert → `lms keys rotate`).
        keys[current].chain = external
        keys[current].x509_sha256 = fingerprint(external[0])
    roots = []
    if (folder / "ca" / "root-cert.pem").exists():
        roots.extend(load_pem_certs((folder / "ca" / "root-cert.pem").read_bytes()))
    extra = app.config.get("CERTIFICATE_TRUST_ROOTS_FILE")
    if extra:
        roots.extend(load_pem_certs(Path(extra).read_bytes()))
    return Keyring(folder=folder, current_kid=current, keys=keys, trust_roots=roots,
                   external_key_file=app.config.get("CERTIFICATE_SIGNING_KEY_FILE") if external else None)


def load_keyring(app: Flask | None = None) -> Keyring:
    """The keyring (created first when missing and CERTIFICATE_KEYS_AUTO_INIT is on)."""
    app = app or current_app
    folder, manifest = _key_paths(app)
    try:
        stat = manifest.stat()
    except FileNotFoundError:
        if not app.config.get("CERTIFICATE_KEYS_AUTO_INIT"):
            raise KeysMissing(f"no keyring in {folder}: run `flask --app wsgi lms keys init`") from None
        from .keygen import init_keys

        init_keys(app)
        stat = manifest.stat()
    stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino, app.config.get("CERTIFICATE_SIGNING_CERT_FILE"),
             app.config.get("CERTIFICATE_SIGNING_KEY_FILE"), app.config.get("CERTIFICATE_TRUST_ROOTS_FILE"))
    with _lock:
        cached = _loaded.get(folder)
        if cached and cached[0] == stamp:
            return cached[1]
        keyring = _load(app, folder)
        _loaded[folder] = (stamp, keyring)
        return keyring


def describe(keyring: Keyring) -> list[str]:
    """Lines for the command line: one per key."""
    lines = []
    for key in sorted(keyring.keys.values(), key=lambda k: k.created_at):
        state = "current" if key.is_current else f"retired {iso_utc(key.retired_at)}"
        lines.append(f"{key.kid}  created {iso_utc(key.created_at)}  {state}  "
                     f"x509 sha256 {key.x509_sha256[:16]}…  "
                     f"ed25519 {hashlib.sha256(key.public_raw()).hexdigest()[:16]}…")
    return lines


def readiness_problem() -> str | None:
    """For /readyz: None when certificates can be signed now, else what is wrong."""
    try:
        keyring = load_keyring()
        keyring.ed25519_private()
        keyring.pdf_signer()
    except (KeysMissing, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    return None
