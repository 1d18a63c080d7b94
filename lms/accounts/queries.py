"""Reading what an account may see."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import PrivacyConsent, Role, User


class NoScope(Exception):
    """The account is no programme officer (nor admin): it has no area to read aggregates of."""


def scope_of(user: User) -> str | None:
    """The area whose aggregates the user may read, as a region code prefix: "32" (a province), "32.76" (a
    regency or city), or None for the whole country (an admin, or a programme officer without an area).

    A region is inside the scope when its code equals the prefix or starts with the prefix and a dot.
    Raises NoScope for any other role, so a caller that forgot programme_officer_required never reads "the
    whole country" for a learner. No query.
    """
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.PROGRAMME:
        return user.scope_region_code or None
    raise NoScope(user.role)


def consent_history(user_id: int) -> list[PrivacyConsent]:
    """Every privacy notice version the person agreed to, newest first (one query, on the unique index)."""
    return list(db.session.scalars(select(PrivacyConsent).where(PrivacyConsent.user_id == user_id)
                                   .order_by(PrivacyConsent.notice_version.desc())))


def latest_consent(user_id: int) -> PrivacyConsent | None:
    """The person's answer to the latest version they agreed to, or None (one query)."""
    return db.session.scalar(select(PrivacyConsent).where(PrivacyConsent.user_id == user_id)
                             .order_by(PrivacyConsent.notice_version.desc()).limit(1))
