"""A person's name must print exactly on a certificate: checked wherever it is typed.

The name is typed at registration, in the profile and by a care manager making a family
account (accounts.forms.check_full_name runs this for all three). A certificate draws it
with fonts that have no emoji and no Chinese characters and cannot write right to left
(pdf.glyphs): such a name is refused with a message rather than printed with
empty boxes or with parts left out. Emoji and other symbols are refused even where the
font happens to have them: they are not part of a name as written on an identity card.
"""
from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

from ..pdf.glyphs import undrawable

#: Unicode categories of symbols (emoji, ©, +, $): never part of a name
SYMBOLS = {"So", "Sm", "Sc"}


def shown_character(ch: str) -> str:
    """How a refused character is named in the message: itself, or its code when it is invisible."""
    if unicodedata.category(ch)[0] in "CZM":
        return f"U+{ord(ch):04X}"
    return ch


def unprintable_characters(name: str) -> list[str]:
    """The distinct characters of a name that a certificate must not print, in order of appearance."""
    name = unicodedata.normalize("NFC", name)
    found = undrawable(name)
    for ch in name:
        if unicodedata.category(ch) in SYMBOLS and ch not in found:
            found.append(ch)
    return sorted(found, key=name.index)


def name_problem(name: str) -> str | None:
    """Why this name cannot be printed on a certificate (a message for the form), or None when it can."""
    refused = unprintable_characters(name)
    if not refused:
        return None
    return _("A certificate cannot print these characters of the name: %(chars)s. Write the name as on the "
             "identity card (KTP), without emoji or symbols.",
             chars=" ".join(shown_character(ch) for ch in refused))


def is_printable_name(name: str) -> bool:
    return not unprintable_characters(name)
