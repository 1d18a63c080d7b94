"""Bitstring Status List (W3C Recommendation): one bit per credential, 1 = revoked.

A list holds LIST_BITS bits (16 KB, the minimum the Recommendation sets, so that one
credential hides among many). Index 0 is the most significant bit of the first byte.
``encodedList`` is the multibase base64url (``u``, no padding) of the GZIP-compressed bits.

A certificate's list is its id divided by LIST_FILL (lists fill to about half) and its index is
drawn at random in that list (a unique constraint settles two draws of the same bit), so the
position says nothing about when, or in what order, certificates were issued.
"""
from __future__ import annotations

import base64
import gzip
import io
import secrets

LIST_BITS = 131_072
#: certificates per list: half its bits, so a random draw finds a free bit at once
LIST_FILL = LIST_BITS // 2
STATUS_PURPOSE = "revocation"
#: far above a 16 KB list compressed (about 150 bytes when few bits are set, 16 KB at worst)
MAX_ENCODED = 64 * 1024


def list_number_for(certificate_id: int) -> int:
    return 1 + certificate_id // LIST_FILL


def random_index() -> int:
    return secrets.randbelow(LIST_BITS)


def encode(revoked: set[int] | frozenset[int], size: int = LIST_BITS) -> str:
    bits = bytearray(size // 8)
    for index in revoked:
        if not 0 <= index < size:
            raise ValueError(f"index {index} outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same bits always give the same bytes (the list is re-signed, not its timestamp)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=").decode("ascii")


def decode(encoded: str) -> bytes:
    """The bits of an encodedList. Raises ValueError when it is not one."""
    if not isinstance(encoded, str) or not encoded.startswith("u") or len(encoded) > MAX_ENCODED:
        raise ValueError("not a multibase base64url encodedList")
    text = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        # bounded: a list is 16 KB; refuse a "zip bomb" without inflating it all
        decompressor = gzip.GzipFile(fileobj=io.BytesIO(compressed))
        bits = decompressor.read(LIST_BITS * 8 + 1)
    except (ValueError, OSError, EOFError) as error:
        raise ValueError("encodedList is not gzip in base64url") from error
    if len(bits) > LIST_BITS * 8 or len(bits) < LIST_BITS // 8:
        raise ValueError("encodedList has an unexpected size")
    return bits


def bit_is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise ValueError("index outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
