"""Making keys: `lms keys init` (our issuer CA and a first key) and `lms keys rotate`.

The layout of the key folder and what a key is are described in keys.py.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
import shutil
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID
from flask import Flask, current_app

from ..timeutil import utcnow
from .keys import (
    FORMAT,
    KeysMissing,
    b64url,
    cert_pem,
    external_chain,
    fingerprint,
    iso_utc,
    key_folder,
    load_pem_certs,
)

ROOT_YEARS = 30
SIGNING_YEARS = 25


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _private_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _issuer_name(app: Flask, common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, app.config["CERTIFICATE_ISSUER"][:64] or "Rawat"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
    ])


def _key_usage(**flags) -> x509.KeyUsage:
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{name: flags.get(name, False) for name in names})


def _new_root(app: Flask, now: dt.datetime):
    key = ec.generate_private_key(ec.SECP384R1())
    name = _issuer_name(app, f"{app.config['CERTIFICATE_ISSUER']} Issuer CA")
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA384())
    )
    return key, cert


def _new_signing_cert(app: Flask, kid: str, root_key, root_cert: x509.Certificate, now: dt.datetime):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_issuer_name(app, f"{app.config['CERTIFICATE_ISSUER']} certificate signing {kid}"))
        .issuer_name(root_cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * SIGNING_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA384())
    )
    return key, cert


def _new_kid(now: dt.datetime) -> str:
    return f"rk-{now:%Y%m%d}-{secrets.token_hex(2)}"


def _make_key(app: Flask, folder: Path, now: dt.datetime) -> dict:
    """Create the files of a new key in `folder` and return its keyring entry."""
    kid = _new_kid(now)
    key_dir = folder / kid
    key_dir.mkdir(mode=0o700)
    ed_key = Ed25519PrivateKey.generate()
    _write_private(key_dir / "ed25519-key.pem", _private_pem(ed_key))
    chain = external_chain(app)
    if chain is None:
        root_key = serialization.load_pem_private_key((folder / "ca" / "root-key.pem").read_bytes(), password=None)
        root_cert = load_pem_certs((folder / "ca" / "root-cert.pem").read_bytes())[0]
        signing_key, signing_cert = _new_signing_cert(app, kid, root_key, root_cert, now)
        _write_private(key_dir / "signing-key.pem", _private_pem(signing_key))
        chain = [signing_cert, root_cert]
    (key_dir / "signing-chain.pem").write_bytes(cert_pem(chain))
    public = ed_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kid": kid, "created_at": iso_utc(now), "retired_at": None, "ed25519_public": b64url(public),
            "x509_sha256": fingerprint(chain[0])}


def _write_manifest(folder: Path, manifest: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".keyring-", suffix=".json")
    with os.fdopen(fd, "w") as handle:
        json.dump(manifest, handle, indent=2, sort_keys=True)
    os.chmod(tmp, 0o644)
    os.replace(tmp, folder / "keyring.json")


def init_keys(app: Flask | None = None) -> bool:
    """Create the CA and a first key unless a keyring exists; True when it created them."""
    app = app or current_app
    folder = key_folder(app)
    if (folder / "keyring.json").exists():
        return False
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}-new-"))
    try:
        os.chmod(building, 0o700)
        now = utcnow().replace(microsecond=0)
        if external_chain(app) is None:
            (building / "ca").mkdir(mode=0o700)
            root_key, root_cert = _new_root(app, now)
            _write_private(building / "ca" / "root-key.pem", _private_pem(root_key))
            (building / "ca" / "root-cert.pem").write_bytes(cert_pem([root_cert]))
        entry = _make_key(app, building, now)
        _write_manifest(building, {"format": FORMAT, "current": entry["kid"], "keys": [entry]})
        try:
            os.rename(building, folder)  # atomic; fails if another process got there first
        except OSError:
            if (folder / "keyring.json").exists():
                return False
            raise
        building = None
        return True
    finally:
        if building is not None and building.exists():
            shutil.rmtree(building, ignore_errors=True)


def rotate_keys(app: Flask | None = None) -> str:
    """Start a new key and retire the current one (its private halves are deleted); returns the new kid."""
    app = app or current_app
    folder = key_folder(app)
    if not (folder / "keyring.json").exists():
        raise KeysMissing(f"no keyring in {folder}")
    with open(folder / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manifest = json.loads((folder / "keyring.json").read_text())
        now = utcnow().replace(microsecond=0)
        entry = _make_key(app, folder, now)
        old = manifest["current"]
        for item in manifest["keys"]:
            if item["kid"] == old:
                item["retired_at"] = iso_utc(now)
        manifest["keys"].append(entry)
        manifest["current"] = entry["kid"]
        _write_manifest(folder, manifest)
        for name in ("ed25519-key.pem", "signing-key.pem"):
            (folder / old / name).unlink(missing_ok=True)
    return entry["kid"]
