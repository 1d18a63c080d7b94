"""Account rescue: one-time codes to set a new password.

Many learners have no e-mail, so a care manager (for learners in their groups) or an
admin can issue a code and read it out; learners with an e-mail can ask for one by
mail. Codes are single use, expire after 24 hours and are stored only as hashes.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..timeutil import utcnow
from .models import PasswordResetCode, User
from .services import hash_password

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
CODE_LIFETIME = timedelta(hours=24)


class InvalidResetCode(Exception):
    """Unknown, used or expired code (deliberately not told apart to the user)."""


def _digest(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return "-".join(code[i:i + 5] for i in range(0, len(code), 5))


def issue_code(user: User, *, channel: str, issued_by: User | None) -> str:
    """Create a code for the user (earlier unused codes stop working) and return it once."""
    now = utcnow()
    db.session.execute(
        update(PasswordResetCode)
        .where(PasswordResetCode.user_id == user.id, PasswordResetCode.used_at.is_(None))
        .values(expires_at=now)
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    db.session.add(PasswordResetCode(user_id=user.id, code_hash=_digest(code), channel=channel,
                                     issued_by_id=issued_by.id if issued_by else None, created_at=now,
                                     expires_at=now + CODE_LIFETIME))
    db.session.flush()
    return code


def find_valid(code: str) -> PasswordResetCode:
    record = db.session.scalar(select(PasswordResetCode).where(PasswordResetCode.code_hash == _digest(code)))
    if record is None or record.used_at is not None or record.expires_at <= utcnow():
        raise InvalidResetCode
    return record


def reset_password(code: str, new_password: str) -> User:
    """Use the code once to set a new password; raise InvalidResetCode otherwise."""
    record = find_valid(code)
    # The conditional UPDATE makes the code single-use even under two simultaneous requests.
    claimed = db.session.execute(
        update(PasswordResetCode)
        .where(PasswordResetCode.id == record.id, PasswordResetCode.used_at.is_(None),
               PasswordResetCode.expires_at > utcnow())
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        raise InvalidResetCode
    user = db.session.get(User, record.user_id)
    user.password_hash = hash_password(new_password)
    return user
