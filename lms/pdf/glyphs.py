"""Which characters our PDFs can print: the glyphs of their fonts, drawn as reportlab draws them.

reportlab draws a string glyph by glyph, left to right, with no shaping: a character the
fonts lack prints as an empty box, a right-to-left script prints backwards and unjoined, an
invisible character (joiner, variation selector, control) is either a box or nothing. Names
are checked against this where they are typed (lms/accounts/names.py), so a certificate
never prints a box and never leaves out a letter of a name.
"""
from __future__ import annotations

import unicodedata
from functools import cache

from reportlab.pdfbase import pdfmetrics

from .canvas import BOLD, REGULAR, register_fonts

#: bidirectional classes reportlab would draw in the wrong order (Hebrew, Arabic and their digits)
RIGHT_TO_LEFT = {"R", "AL", "AN"}
#: variation selectors: they only change how the character before them looks (emoji style)
VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))


@cache
def covered() -> frozenset[int]:
    """Code points both fonts have a glyph for (a certificate's name is bold, other texts regular)."""
    register_fonts()
    regular, bold = (set(pdfmetrics.getFont(name).face.charToGlyph) for name in (REGULAR, BOLD))
    return frozenset(regular & bold)


def is_drawable(ch: str) -> bool:
    """True when the fonts draw this one character as it should look."""
    if ch == " ":
        return True
    category = unicodedata.category(ch)
    if category[0] in "CZ":  # controls, format characters (zero-width joiners), unassigned, other spaces
        return False
    if any(ord(ch) in selectors for selectors in VARIATION_SELECTORS):
        return False
    if unicodedata.bidirectional(ch) in RIGHT_TO_LEFT:
        return False
    return ord(ch) in covered()


def undrawable(text: str) -> list[str]:
    """The distinct characters of `text` (NFC, as certificates store it) the fonts cannot draw, in order.

    A combining accent counts too unless it follows a letter that has no accent yet: the fonts
    stack accents without placing them, so only one per letter prints well (NFC already joins
    the usual ones, such as é or ặ, into single characters).
    """
    text = unicodedata.normalize("NFC", text)
    found: list[str] = []
    previous = " "
    for ch in text:
        misplaced = unicodedata.category(ch).startswith("M") and (
            previous == " " or unicodedata.category(previous).startswith("M")
            or bool(unicodedata.decomposition(previous)))  # é + ◌́: a second accent on one letter
        if (misplaced or not is_drawable(ch)) and ch not in found:
            found.append(ch)
        previous = ch
    return found
