"""Password policy: long enough, not a well-known password, not one's own number."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 128

# The most common choices in leaked-password lists, including Indonesian ones.
COMMON_PASSWORDS = frozenset(
    """
    12345678 123456789 1234567890 87654321 11111111 00000000 88888888 12341234
    password password1 password123 qwerty123 qwertyuiop iloveyou sayang123
    bismillah indonesia indonesia1 rahasia123 rahasia katasandi admin123
    abcd1234 abc12345 asdfghjkl 1q2w3e4r 1qaz2wsx passw0rd
    """.split()
)


def password_problem(password: str, *, identifiers: tuple[str, ...] = ()) -> str | None:
    """Return a user-facing reason why the password is too weak, or None."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        return _l("This password is too easy to guess. Combine several words or add numbers.")
    digits = "".join(ch for ch in password if ch.isdigit())
    for identifier in identifiers:
        ident_digits = "".join(ch for ch in identifier if ch.isdigit())
        if ident_digits and len(digits) >= 8 and digits.lstrip("0") in ident_digits:
            return _l("Do not use your phone number as your password.")
        if identifier and identifier.lower() == lowered:
            return _l("Do not use your phone number or e-mail as your password.")
    return None
