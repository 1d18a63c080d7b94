"""Account rescue: one-time codes to set a new password.

Many learners have no e-mail, so a care manager or an admin can issue a code and read it out;
learners with an e-mail can ask for one by mail. Who may rescue whom (`check_may_issue`):

- a care manager: only learners who joined one of their groups by their own consent;
- an admin: learners and care managers, never an admin (their own account included);
- an admin's account: only from the command line (`flask lms rescue-code`).

Codes are single use, short-lived, stored only as hashes, at most MAX_CODES_PER_HOUR per account,
and every one is audited with who issued it, for whom and why. Using one ends every session
of the account.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from ..audit import services as audit
from ..extensions import db
from ..timeutil import utcnow
from .models import PasswordResetCode, Role, User
from .services import hash_password
from .sessions import end_all_sessions

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
#: a code read out by a care manager may wait until the evening; one by e-mail is used at once
CODE_LIFETIMES = {"helper": timedelta(hours=8), "email": timedelta(hours=1)}
#: codes per account per hour, whoever asks: bounds both abuse and mistakes
MAX_CODES_PER_HOUR = 3


class InvalidResetCode(Exception):
    """Unknown, used or expired code (deliberately not told apart to the user)."""


class NotAllowed(Exception):
    """This person may not issue a code for that account."""


class TooManyCodes(Exception):
    """The account already had MAX_CODES_PER_HOUR codes in the last hour."""


def _digest(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return "-".join(code[i:i + 5] for i in range(0, len(code), 5))


def check_may_issue(actor: User, target: User, *, accompanies: bool) -> None:
    """Raise NotAllowed unless `actor` may rescue `target`.

    accompanies: the target joined, by their own consent, a group that the actor runs.
    """
    if target.role == Role.ADMIN or target.id == actor.id or target.erased_at is not None:
        raise NotAllowed  # admins only from the command line; nobody rescues themselves here; nor an erased account
    if actor.is_admin:
        return
    if actor.role != Role.TRAINER or target.role != Role.LEARNER or not accompanies:
        raise NotAllowed


def issue_code(user: User, *, channel: str, issued_by: User | None, reason: str, **details) -> str:
    """Create a code for the user (earlier unused codes stop working), audit it, and return it once."""
    now = utcnow()
    recent = db.session.scalar(select(func.count()).select_from(PasswordResetCode).where(
        PasswordResetCode.user_id == user.id, PasswordResetCode.created_at > now - timedelta(hours=1)))
    if recent >= MAX_CODES_PER_HOUR:
        raise TooManyCodes
    db.session.execute(
        update(PasswordResetCode)
        .where(PasswordResetCode.user_id == user.id, PasswordResetCode.used_at.is_(None))
        .values(expires_at=now)
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    db.session.add(PasswordResetCode(user_id=user.id, code_hash=_digest(code), channel=channel,
                                     issued_by_id=issued_by.id if issued_by else None, created_at=now,
                                     expires_at=now + CODE_LIFETIMES[channel]))
    audit.record("user.password_reset_issued", actor_id=issued_by.id if issued_by else None, target_type="user",
                 target_id=user.id, target_label=user.full_name, channel=channel, reason=reason[:200],
                 target_role=user.role, **details)
    db.session.flush()
    return code


def find_valid(code: str) -> PasswordResetCode:
    record = db.session.scalar(select(PasswordResetCode).where(PasswordResetCode.code_hash == _digest(code)))
    if record is None or record.used_at is not None or record.expires_at <= utcnow():
        raise InvalidResetCode
    return record


def reset_password(code: str, new_password: str) -> User:
    """Use the code once to set a new password and end every session; raise InvalidResetCode otherwise."""
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
    end_all_sessions(user)
    return user
