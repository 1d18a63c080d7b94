"""How backups are encrypted: the operator's key file and the sealed-file format (lms/backup.py uses it).

Why this scheme:

- The primitives come from `cryptography` (PyCA, maintained, OpenSSL underneath), already a dependency
  for the certificates (pinned in pyproject.toml): ChaCha20-Poly1305, HKDF-SHA256 and scrypt. age through a
  Python binding would add a second native dependency for the same primitives.
- Each file is sealed with the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár, "Online
  Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", CRYPTO 2015) exactly as the age format
  uses it (age-encryption.org/v1): the plaintext is cut into 64 KiB chunks, each sealed with
  ChaCha20-Poly1305 under the nonce `11-byte big-endian chunk counter || 0x01 for the last chunk, else 0x00`.
  A chunk that is changed, moved, dropped or added, or a file cut short at a chunk boundary, fails to open.
  Memory use is one chunk, whatever the size of the dump.
- Keys: every backup draws a random 32-byte salt (the manifest's `encryption.salt`). The master key is the
  32 bytes of the key file (`lms backup-keygen`) or, when the file holds a passphrase,
  scrypt(passphrase, salt, N=2^17, r=8, p=1). Each file's key is HKDF-SHA256(master, salt,
  "rawat-backup-1 file " + its name), so no (key, nonce) pair is ever used twice and a file cannot be passed
  off as another. The manifest keeps HKDF(master, salt, "rawat-backup-1 key check"), which tells a wrong key
  ("this key does not open this backup") from a file changed after the backup was made.

A sealed file is `MAGIC` followed by the sealed chunks (each its ciphertext and a 16-byte tag).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from flask_babel import lazy_gettext as _l

SCHEME = "rawat-backup-1"
MAGIC = b"rawat-backup-1\n"
CHUNK = 64 * 1024
TAG = 16
KEY_PREFIX = "RAWAT-BACKUP-KEY-1:"
MIN_PASSPHRASE = 16
#: scrypt's cost for a passphrase (about 0.5 s and 128 MiB); a manifest asking for more than the bounds is refused
SCRYPT = {"n": 2 ** 17, "r": 8, "p": 1}
SCRYPT_BOUNDS = {"n": 2 ** 20, "r": 16, "p": 4}


class BackupProblem(Exception):
    """A problem told to the operator in Indonesian and English (`message` is a lazy gettext string)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class WrongKey(BackupProblem):
    pass


class Damaged(BackupProblem):
    pass


def damaged(name: str) -> Damaged:
    return Damaged(_l("%(name)s is missing, damaged or was changed after the backup was made: the backup "
                      "cannot be trusted. Nothing was restored.", name=name))


def wrong_key() -> WrongKey:
    return WrongKey(_l("This key does not open this backup: it was made with another key. Nothing was restored."))


@dataclass(frozen=True)
class BackupKey:
    """What the operator's key file holds: a generated key ("key") or a passphrase ("passphrase")."""

    kind: str
    secret: bytes
    path: Path


def _check_private(path: Path) -> None:
    try:
        info = path.stat()
    except OSError:
        raise BackupProblem(_l("The key file %(path)s cannot be read.", path=path)) from None
    if not stat.S_ISREG(info.st_mode):
        raise BackupProblem(_l("The key file %(path)s cannot be read.", path=path))
    if info.st_mode & 0o077:
        raise BackupProblem(_l("The key file %(path)s can be read by other users of this server (mode %(mode)s). "
                               "Make it readable by its owner only: chmod 600 %(path)s",
                               path=path, mode=oct(stat.S_IMODE(info.st_mode))[2:]))


def read_key_file(path: Path) -> BackupKey:
    """The key in `path`, refused unless only its owner may read it (mode 0600 or 0400)."""
    _check_private(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise BackupProblem(_l("The key file %(path)s cannot be read.", path=path)) from None
    for line in text.splitlines():
        if line.strip().startswith(KEY_PREFIX):
            encoded = line.strip()[len(KEY_PREFIX):]
            try:
                raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            except ValueError:
                raw = b""
            if len(raw) == 32:
                return BackupKey("key", raw, path)
            break
    else:
        passphrase = text.rstrip("\r\n")
        if len(passphrase) >= MIN_PASSPHRASE:
            return BackupKey("passphrase", passphrase.encode("utf-8"), path)
    raise BackupProblem(_l("The key file %(path)s holds neither a Rawat backup key nor a passphrase of at least "
                           "16 characters.", path=path))


def new_key_text(made_at: str) -> str:
    """The text of a new key file."""
    encoded = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode("ascii")
    return (f"# Rawat backup key, made {made_at}. Keep a copy away from the backups: without it they cannot be\n"
            f"# restored. Anyone who holds it can read every backup made with it.\n{KEY_PREFIX}{encoded}\n")


def write_private(path: Path, text: str) -> None:
    """Create `path` readable by its owner only (0600); never overwrite a file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)  # whatever the umask
        handle.write(text)


def _hkdf(master: bytes, salt: bytes, info: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info.encode("utf-8")).derive(master)


class BackupCipher:
    """The keys of one backup: its salt and master key, and the key of each file in it."""

    def __init__(self, master: bytes, salt: bytes, kdf: dict):
        self.master, self.salt, self.kdf = master, salt, kdf

    @classmethod
    def new(cls, key: BackupKey) -> BackupCipher:
        salt = os.urandom(32)
        kdf = {"name": "scrypt", **SCRYPT} if key.kind == "passphrase" else {"name": "none"}
        return cls(_master(key, salt, kdf), salt, kdf)

    @classmethod
    def opening(cls, key: BackupKey, params: dict, manifest_name: str) -> BackupCipher:
        """The cipher of an existing backup (its manifest's `encryption`); WrongKey if `key` does not open it."""
        try:
            if params["scheme"] != SCHEME or params["chunk_bytes"] != CHUNK:
                raise damaged(manifest_name)
            salt, kdf, check = bytes.fromhex(params["salt"]), dict(params["kdf"]), bytes.fromhex(params["key_check"])
        except (KeyError, TypeError, ValueError):
            raise damaged(manifest_name) from None
        if (kdf.get("name") == "scrypt") != (key.kind == "passphrase"):
            raise wrong_key()  # a passphrase for a backup made with a key file, or the other way round
        if kdf.get("name") == "scrypt" and not _scrypt_bounded(kdf):
            raise damaged(manifest_name)
        cipher = cls(_master(key, salt, kdf), salt, kdf)
        if not hmac.compare_digest(cipher.key_check(), check):
            raise wrong_key()
        return cipher

    def key_check(self) -> bytes:
        return _hkdf(self.master, self.salt, f"{SCHEME} key check")

    def file_key(self, name: str) -> bytes:
        return _hkdf(self.master, self.salt, f"{SCHEME} file {name}")

    def params(self) -> dict:
        """What the manifest says of the encryption (nothing secret)."""
        return {"scheme": SCHEME, "aead": "ChaCha20-Poly1305", "chunk_bytes": CHUNK, "kdf": self.kdf,
                "salt": self.salt.hex(), "key_check": self.key_check().hex()}


def _scrypt_bounded(kdf: dict) -> bool:
    try:
        return all(isinstance(kdf[k], int) and 1 <= kdf[k] <= bound for k, bound in SCRYPT_BOUNDS.items())
    except KeyError:
        return False


def _master(key: BackupKey, salt: bytes, kdf: dict) -> bytes:
    if kdf["name"] == "none":
        return key.secret
    return Scrypt(salt=salt, length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"]).derive(key.secret)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _read_full(source: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes, fewer only at the end (a pipe returns short reads)."""
    parts, left = [], size
    while left:
        part = source.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


@dataclass(frozen=True)
class Sealed:
    """Checksums of one file: of its plain contents and of the sealed file written."""

    plain_sha256: str
    plain_bytes: int
    sealed_sha256: str


def seal(source: BinaryIO, target: BinaryIO, key: bytes) -> Sealed:
    """Encrypt `source` into `target`, one chunk at a time."""
    aead = ChaCha20Poly1305(key)
    plain, sealed = hashlib.sha256(), hashlib.sha256(MAGIC)
    target.write(MAGIC)
    counter, total = 0, 0
    chunk = _read_full(source, CHUNK)
    while True:
        following = _read_full(source, CHUNK) if len(chunk) == CHUNK else b""
        block = aead.encrypt(_nonce(counter, not following), chunk, None)
        target.write(block)
        plain.update(chunk)
        sealed.update(block)
        total += len(chunk)
        if not following:
            return Sealed(plain.hexdigest(), total, sealed.hexdigest())
        chunk, counter = following, counter + 1


def unseal(source: BinaryIO, target: BinaryIO, key: bytes, name: str) -> Sealed:
    """Decrypt `source` into `target`, checking every chunk; Damaged at the first that does not open."""
    aead = ChaCha20Poly1305(key)
    if source.read(len(MAGIC)) != MAGIC:
        raise damaged(name)
    plain, sealed = hashlib.sha256(), hashlib.sha256(MAGIC)
    counter, total, size = 0, 0, CHUNK + TAG
    block = _read_full(source, size)
    while True:
        following = _read_full(source, size) if len(block) == size else b""
        try:
            chunk = aead.decrypt(_nonce(counter, not following), block, None)
        except InvalidTag:
            raise damaged(name) from None
        target.write(chunk)
        plain.update(chunk)
        sealed.update(block)
        total += len(chunk)
        if not following:
            return Sealed(plain.hexdigest(), total, sealed.hexdigest())
        block, counter = following, counter + 1
