"""Certificate IDs that can be read over the phone: RWT-2026-7K3M-9QXH-F.

Layout: prefix ``RWT``, the year of issue, 8 random symbols (40 random bits) in two
groups of four, and one check symbol. Symbols are Crockford's base 32
(``0123456789ABCDEFGHJKMNPQRSTVWXYZ``: no I, L, O or U), so what people type by
mistake is forgiven: lower case, spaces, missing dashes, O for 0, I or L for 1.

The check symbol
----------------
Every symbol of the ID except the dashes (prefix and year included) is taken as its
Crockford value v in 0…31, an element of the finite field GF(32) built with the
primitive polynomial x⁵ + x² + 1. Folding left to right::

    c = 0
    for v in values:  c = 2·c ⊕ v        (· is multiplication in GF(32), ⊕ is XOR)
    check = 2·c

so that folding the whole ID, check symbol included, gives 0. The sum is the
polynomial Σ vᵢ·2ⁿ⁻ⁱ over GF(32) (a CRC with 5-bit symbols), which is why it catches:

- every single wrong symbol: the error is e·2ᵏ with e ≠ 0, never 0 in a field;
- every swap of two neighbours a, b: the error is (a ⊕ b)·2ᵏ·(2 ⊕ 1) = (a ⊕ b)·2ᵏ·3 ≠ 0;
- every swap of symbols two apart and every "twin" error (aa → bb) for the same reason.

This is the Damm construction (a totally anti-symmetric quasigroup x∘y = 2x ⊕ y)
over 32 symbols, so the check symbol is itself an ordinary Crockford symbol.
tests/certificates/test_public_id.py checks all single substitutions and adjacent
swaps of a sample of IDs.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
#: what people type for a symbol that does not exist in Crockford's alphabet
LOOK_ALIKES = {"O": "0", "I": "1", "L": "1"}
_SEPARATORS = re.compile(r"[\s\-_.–—]+")
PREFIX = "RWT"
RANDOM_SYMBOLS = 8  # 40 bits
_POLY = 0b100101  # x^5 + x^2 + 1
#: length without dashes: prefix, year, random symbols, check symbol
COMPACT_LENGTH = len(PREFIX) + 4 + RANDOM_SYMBOLS + 1


def _times_two(c: int) -> int:
    c <<= 1
    if c & 0b100000:
        c ^= _POLY
    return c


def fold(symbols: str) -> int:
    """Fold Crockford symbols with c ← 2·c ⊕ v in GF(32)."""
    c = 0
    for symbol in symbols:
        c = _times_two(c) ^ VALUES[symbol]
    return c


def check_symbol(symbols: str) -> str:
    """The symbol that makes the whole sequence fold to 0."""
    return ALPHABET[_times_two(fold(symbols))]


def format_id(compact: str) -> str:
    """RWT20267K3M9QXHF -> RWT-2026-7K3M-9QXH-F."""
    p, y, r = len(PREFIX), 4, RANDOM_SYMBOLS // 2
    parts = [compact[:p], compact[p:p + y], compact[p + y:p + y + r], compact[p + y + r:p + y + 2 * r],
             compact[p + y + 2 * r:]]
    return "-".join(parts)


def new_public_id(year: int) -> str:
    """A fresh random ID for a certificate issued in `year`."""
    body = f"{PREFIX}{year:04d}" + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return format_id(body + check_symbol(body))


@dataclass(frozen=True)
class ParsedId:
    """What a visitor typed, read as an ID."""

    #: "ok", "typo" (right shape, wrong check symbol) or "malformed"
    state: str
    #: the canonical form (RWT-2026-7K3M-9QXH-F) when the shape is right
    canonical: str | None = None

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def parse(text: str | None) -> ParsedId:
    """Read an ID as typed, forgiving case, spaces, dashes, a missing prefix and look-alike letters."""
    if not text or len(text) > 64:
        return ParsedId("malformed")
    cleaned = "".join(LOOK_ALIKES.get(ch, ch) for ch in _SEPARATORS.sub("", text.upper()))
    if len(cleaned) == COMPACT_LENGTH - len(PREFIX):
        cleaned = PREFIX + cleaned
    if len(cleaned) != COMPACT_LENGTH or any(ch not in VALUES for ch in cleaned):
        return ParsedId("malformed")
    canonical = format_id(cleaned)
    year = cleaned[len(PREFIX):len(PREFIX) + 4]
    if fold(cleaned) != 0 or not cleaned.startswith(PREFIX) or not year.isdigit():
        return ParsedId("typo", canonical)
    return ParsedId("ok", canonical)


def fragments(text: str) -> list[str] | None:
    """The groups of an ID's symbols in `text`, in lower case with look-alikes read as what they stand for
    ("7k3m 9QXH" -> ["7k3m", "9qxh"]), or None when it holds a letter no ID has: "agus" is no part of one."""
    groups = ["".join(LOOK_ALIKES.get(ch, ch) for ch in part) for part in _SEPARATORS.split(text.upper()) if part]
    if not groups or any(ch not in VALUES for group in groups for ch in group):
        return None
    return [group.lower() for group in groups]
