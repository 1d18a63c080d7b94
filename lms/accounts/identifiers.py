"""Normalising what people type to sign in: Indonesian mobile numbers and e-mail."""
from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

_SEPARATORS = re.compile(r"[\s\-.()]")


class InvalidIdentifier(ValueError):
    """Raised with a reason code: 'phone' or 'email'."""


def looks_like_email(value: str) -> bool:
    return "@" in value


def normalize_phone(raw: str) -> str:
    """Return an Indonesian mobile number as +628…, or raise InvalidIdentifier.

    Accepts the forms people write: 0812-3456-7890, +62 812 3456 7890,
    6281234567890, (0812) 3456 7890, 812 3456 7890.
    """
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("62"):
            raise InvalidIdentifier("phone")
    if not digits.isdigit():
        raise InvalidIdentifier("phone")
    if digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    # Mobile numbers start with 8 and have 9 to 12 digits after the country code.
    if not national.startswith("8") or not 9 <= len(national) <= 12:
        raise InvalidIdentifier("phone")
    return "+62" + national


def normalize_email(raw: str) -> str:
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidIdentifier("email") from exc
    return result.normalized.lower()


def normalize_identifier(raw: str) -> tuple[str, str]:
    """Return ('phone'|'email', normalised value) for a sign-in identifier."""
    if looks_like_email(raw):
        return "email", normalize_email(raw)
    return "phone", normalize_phone(raw)


def format_phone(e164: str) -> str:
    """+6281234567890 -> 0812-3456-7890, the way people read numbers aloud."""
    national = "0" + e164[3:]
    return "-".join([national[:4], national[4:8], national[8:]]).rstrip("-")
