"""Certificate texts stored before names were checked, as a certificate can print them.

What the fonts can draw is decided in lms/pdf/glyphs.py (names are checked against it where
they are typed); these helpers handle the older names that still hold a symbol or a letter the
fonts lack.
"""
from __future__ import annotations

import unicodedata

from ..pdf.glyphs import is_drawable, undrawable


def drop_undrawable_symbols(text: str) -> str:
    """`text` with the symbols and invisible characters the certificate cannot draw left out (never boxes).

    For texts stored before names were checked (a name with an emoji): letters and digits are
    kept, so nothing that spells the name is lost; see missing_letters.
    """
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text)
                   if is_drawable(ch) or unicodedata.category(ch)[0] in "LN")
    return " ".join(kept.split())


def missing_letters(text: str) -> list[str]:
    """The letters and digits of `text` the certificate has no glyph for (林, ب): leaving them out would change it."""
    return [ch for ch in undrawable(text) if unicodedata.category(ch)[0] in "LN"]
