"""Account rules and writes. Callers (a request or a command) commit."""
from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import insert_ignoring_conflict, search_pattern
from ..extensions import db
from ..timeutil import utcnow
from ..word_search import has_words, words_of
from .identifiers import InvalidIdentifier, looks_like_email, normalize_email, normalize_identifier, normalize_phone
from .models import PrivacyConsent, Role, User
from .privacy import AgeBasis, ConsentAnswer, current_notice

# Compared against when no account matches, so a wrong login costs the same time
# whether or not the account exists (no user enumeration by timing). One per hash method,
# made on first use: it must cost what the configured method costs.
_DUMMY_HASHES: dict[str, str] = {}


class DuplicateAccount(Exception):
    """An account already uses this mobile number or e-mail."""


def _hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


def _dummy_hash() -> str:
    method = _hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-real-password-rawat", method=method)
    return _DUMMY_HASHES[method]


def hash_password(password: str) -> str:
    """A salted hash of the password with the configured method (PASSWORD_HASH_METHOD)."""
    return generate_password_hash(password, method=_hash_method())


IDENTIFIER_COLUMNS = {"email": User.email, "phone": User.phone, "login_id": User.login_id}


def find_by_identifier(kind: str, value: str) -> User | None:
    return db.session.scalar(select(User).where(IDENTIFIER_COLUMNS[kind] == value))


def register_user(full_name: str, kind: str, value: str, password: str, *, role: str = Role.LEARNER,
                  locale: str | None = None, village_code: str | None = None,
                  consent: ConsentAnswer | None = None) -> User:
    """Create an account; raise DuplicateAccount if the contact is taken. `village_code` is a current village's
    code, checked by the form (lms/regions/forms.py). `consent`: the person agreed to the current privacy
    notice on the registration form; without it (an account made by a care manager, an admin or a command) they
    are asked at their first sign-in."""
    if find_by_identifier(kind, value) is not None:
        raise DuplicateAccount
    user = User(full_name=full_name, password_hash=hash_password(password), role=role, locale=locale,
                village_code=village_code)
    setattr(user, kind, value)
    db.session.add(user)
    try:
        # A savepoint, so a concurrent duplicate is reported instead of failing the request.
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise DuplicateAccount from exc
    if consent is not None:
        record_consent(user, consent)
    return user


def record_consent(user: User, answer: ConsentAnswer) -> bool:
    """The person agrees to the current privacy notice: a PrivacyConsent row and users.privacy_version. True when
    this recorded it; False when it was already recorded (a second click, two tabs): the unique constraint
    decides, and the first answer stands."""
    if answer.age_basis not in set(AgeBasis):
        raise ValueError(answer.age_basis)
    guardian = " ".join((answer.guardian_name or "").split()) or None
    if answer.age_basis == AgeBasis.GUARDIAN and guardian is None:
        raise ValueError("a guardian's consent names the guardian")
    version = current_notice().version
    inserted = insert_ignoring_conflict(PrivacyConsent, {
        "user_id": user.id, "notice_version": version, "accepted_at": utcnow(), "age_basis": answer.age_basis,
        "guardian_name": guardian if answer.age_basis == AgeBasis.GUARDIAN else None,
    }, ["user_id", "notice_version"])
    if user.privacy_version is None or user.privacy_version < version:
        user.privacy_version = version
    return inserted


def authenticate(identifier: str, password: str) -> User | None:
    """Return the active user for these credentials, or None (same cost either way)."""
    try:
        kind, value = normalize_identifier(identifier)
    except InvalidIdentifier:
        check_password_hash(_dummy_hash(), password)
        return None
    user = find_by_identifier(kind, value)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> bool:
    if not check_password_hash(user.password_hash, current):
        return False
    user.password_hash = hash_password(new)
    return True


def update_profile(user: User, *, full_name: str, phone: str | None, email: str | None, locale: str) -> None:
    """Raise DuplicateAccount when the phone or e-mail belongs to someone else."""
    clash = db.session.scalar(
        select(User).where(
            User.id != user.id,
            or_(User.phone == phone if phone else False, User.email == email if email else False),
        )
    )
    if clash is not None:
        raise DuplicateAccount
    user.full_name = full_name
    user.phone = phone or None
    user.email = email or None
    user.locale = locale


def set_village(user: User, village_code: str | None) -> None:
    """The learner's village (a current village's code, checked by the form), or None to remove it."""
    user.village_code = village_code


def set_role(user: User, role: str, *, scope_region_code: str | None = None) -> None:
    """The account's role; a programme officer's area (a province or regency code checked by the form, None for
    the whole country) goes with it, and any other role has none."""
    if role not in set(Role):
        raise ValueError(role)
    user.role = role
    user.scope_region_code = scope_region_code if role == Role.PROGRAMME else None


#: what may be a phone number as people write it (digits, +, spaces, dashes, dots, brackets)
_PHONE_SHAPED = re.compile(r"[+\d\s\-.()]{8,24}")
#: a piece of one (no letters)
_PHONE_FRAGMENT = re.compile(r"[+\d\s\-.()]+")


def search_users(query: str | None, *, anywhere: bool = False):
    """Select statement for the admin list (unordered: pages order it), by name, phone or e-mail.

    What is shaped like a whole phone number or e-mail address is looked up exactly (normalised as at
    registration: one row from a unique index). Anything else is found in names by the beginnings of their
    words (lms/word_search.py), or, `anywhere`, inside them; and as a fragment of an e-mail address or, when
    it has no letters, of a phone number, through PostgreSQL's trigram indexes (migration 0018).
    """
    stmt = select(User)
    query = (query or "").strip()
    if not query:
        return stmt
    if looks_like_email(query) and "." in query.rpartition("@")[2]:
        try:
            return stmt.where(User.email == normalize_email(query))
        except InvalidIdentifier:
            pass  # a fragment after all, e.g. "siti@contoh."
    if _PHONE_SHAPED.fullmatch(query):
        try:
            return stmt.where(User.phone == normalize_phone(query))
        except InvalidIdentifier:
            pass
    like = search_pattern(query.lower())
    digits = "".join(ch for ch in query if ch.isdigit())
    # An address has no spaces, and a piece of one shorter than a trigram is no clue (every address has an "s"):
    # neither is looked for among a million of them.
    conditions = ([] if len(query) < 3 or any(ch.isspace() for ch in query)
                  else [User.email.like(like, escape="\\")])
    words = words_of(query)
    if anywhere or not words:  # "-" or "%": no word to begin with, only text to find
        conditions.append(db.func.lower(User.full_name).like(like, escape="\\"))
    else:
        conditions.append(has_words(User.full_name, words=words))
    # Only what has no letters may be part of a number: "wayan 1234" is a name, and its digits searched in a
    # million phone numbers matched hundreds of strangers (issue #21).
    if len(digits) >= 3 and _PHONE_FRAGMENT.fullmatch(query):
        # The digits as typed, anywhere in the number; and, beginning with a local number's 0 ("0813 0033"), as
        # stored after the country code (+62813 0033…). Leading zeros dropped instead found "3333" for "003333",
        # in the numbers of strangers, and every number for "0000".
        pieces = [digits] + (["62" + digits[1:]] if digits.startswith("0") else [])
        conditions += [User.phone.like(search_pattern(piece), escape="\\") for piece in pieces]
    return stmt.where(or_(*conditions))
