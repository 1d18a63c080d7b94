"""Multibase base58btc and Ed25519 Multikey, as Data Integrity proofs and DID documents write them.

A proof value is ``z`` + base58btc(64-byte signature); a public key is ``z`` + base58btc of the
multicodec prefix 0xed 0x01 and the 32 raw bytes (``z6Mk…``), a private key the prefix 0x80 0x26
and the 32-byte seed (W3C Controlled Identifiers 1.0, "Multikey"; Data Integrity EdDSA 1.0).
"""
from __future__ import annotations

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_VALUES = {symbol: value for value, symbol in enumerate(BASE58_ALPHABET)}
ED25519_PUBLIC_PREFIX = b"\xed\x01"
ED25519_PRIVATE_PREFIX = b"\x80\x26"
#: far above any key or signature: refuse to spend time on a huge string
MAX_ENCODED = 200


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    # every leading zero byte is written as a leading "1"
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    """Raises ValueError on a symbol outside the alphabet or an absurd length."""
    if len(text) > MAX_ENCODED:
        raise ValueError("base58 text too long")
    number = 0
    for symbol in text:
        try:
            number = number * 58 + _BASE58_VALUES[symbol]
        except KeyError:
            raise ValueError(f"not a base58btc symbol: {symbol!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    return "z" + base58btc_encode(data)


def multibase_decode(text: str) -> bytes:
    """Only base58btc (``z``) is used by these suites; anything else raises ValueError."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    return base58btc_decode(text[1:])


def ed25519_multikey(public_raw: bytes) -> str:
    """The publicKeyMultibase of a raw 32-byte Ed25519 public key (``z6Mk…``)."""
    if len(public_raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return multibase_encode(ED25519_PUBLIC_PREFIX + public_raw)


def ed25519_public_from_multikey(text: str) -> bytes:
    data = multibase_decode(text)
    if len(data) != 34 or not data.startswith(ED25519_PUBLIC_PREFIX):
        raise ValueError("not an Ed25519 Multikey public key")
    return data[2:]


def ed25519_seed_from_multikey(text: str) -> bytes:
    data = multibase_decode(text)
    if len(data) != 34 or not data.startswith(ED25519_PRIVATE_PREFIX):
        raise ValueError("not an Ed25519 Multikey secret key")
    return data[2:]
