"""Baking: the credential carried inside a PNG badge, as Open Badges 3.0 ("Baking", PNG) describes.

The credential's JSON goes, uncompressed, in one ``iTXt`` chunk with the keyword
``openbadgecredential`` placed before ``IEND``; baking again replaces it. Unbaking walks the
chunks (checking the signature, lengths and the chunk's CRC) and returns the text exactly as baked.
"""
from __future__ import annotations

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"


class NotBaked(ValueError):
    """Not a PNG, a damaged one, or a PNG without a credential."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _chunks(png: bytes):
    """(type, data, start, end) of each chunk; raises NotBaked on a damaged file."""
    if not png.startswith(PNG_SIGNATURE):
        raise NotBaked("not a PNG file")
    position = len(PNG_SIGNATURE)
    while position < len(png):
        if position + 12 > len(png):
            raise NotBaked("truncated PNG chunk")
        (length,) = struct.unpack(">I", png[position:position + 4])
        kind = png[position + 4:position + 8]
        end = position + 12 + length
        if end > len(png):
            raise NotBaked("truncated PNG chunk")
        data = png[position + 8:position + 8 + length]
        yield kind, data, position, end
        if kind == b"IEND":
            return
        position = end
    raise NotBaked("PNG without IEND")


def bake(png: bytes, credential: str) -> bytes:
    """`png` with `credential` (the JSON text) in its openbadgecredential chunk."""
    payload = KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + credential.encode("utf-8")
    kept = []
    for kind, data, start, end in _chunks(png):
        if kind == b"iTXt" and data.split(b"\0", 1)[0] == KEYWORD:
            continue
        if kind == b"IEND":
            kept.append(_chunk(b"iTXt", payload))
        kept.append(png[start:end])
    return PNG_SIGNATURE + b"".join(kept)


def unbake(png: bytes) -> str:
    """The credential text baked into `png`. Raises NotBaked."""
    for kind, data, _start, end in _chunks(png):
        if kind != b"iTXt" or data.split(b"\0", 1)[0] != KEYWORD:
            continue
        (crc,) = struct.unpack(">I", png[end - 4:end])
        if zlib.crc32(kind + data) & 0xFFFFFFFF != crc:
            raise NotBaked("the credential chunk is damaged")
        rest = data[len(KEYWORD) + 1:]
        if len(rest) < 2 or rest[0] != 0:
            raise NotBaked("the credential chunk is compressed, which baking does not allow")
        try:
            _language, _translated, text = rest[2:].split(b"\0", 2)
            return text.decode("utf-8")
        except ValueError:
            raise NotBaked("the credential chunk is malformed") from None
    raise NotBaked("this PNG carries no credential")
