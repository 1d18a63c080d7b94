"""Normalising what people type to sign in: Indonesian mobile numbers, e-mail, and sign-in IDs."""
from __future__ import annotations

import re
import secrets

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


# Sign-in IDs for families without a phone: no look-alikes (0/O, 1/I/L), first a letter so an ID can
# never be read as a phone number.
LOGIN_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LOGIN_ID_LETTERS = "ABCDEFGHJKMNPQRSTVWXYZ"
LOGIN_ID_LENGTH = 8


def new_login_id() -> str:
    return secrets.choice(LOGIN_ID_LETTERS) + "".join(
        secrets.choice(LOGIN_ID_ALPHABET) for _ in range(LOGIN_ID_LENGTH - 1))


def normalize_login_id(raw: str) -> str:
    value = _SEPARATORS.sub("", raw.strip()).upper()
    if (len(value) != LOGIN_ID_LENGTH or value[0] not in LOGIN_ID_LETTERS
            or any(ch not in LOGIN_ID_ALPHABET for ch in value)):
        raise InvalidIdentifier("phone")
    return value


def format_login_id(value: str) -> str:
    """K7M3QX92 -> K7M3-QX92, easier to copy from paper."""
    return f"{value[:4]}-{value[4:]}"


def normalize_identifier(raw: str) -> tuple[str, str]:
    """Return ('phone'|'email'|'login_id', normalised value) for a sign-in identifier."""
    if looks_like_email(raw):
        return "email", normalize_email(raw)
    if raw.strip()[:1].isalpha():
        return "login_id", normalize_login_id(raw)
    return "phone", normalize_phone(raw)


def format_phone(e164: str) -> str:
    """+6281234567890 -> 0812-3456-7890, the way people read numbers aloud."""
    national = "0" + e164[3:]
    return "-".join([national[:4], national[4:8], national[8:]]).rstrip("-")
