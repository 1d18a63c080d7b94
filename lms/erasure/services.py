"""Asking for an account to be deleted, cancelling, and carrying out what is due. Callers commit.

A learner asks from their profile, confirming with their password; the account keeps working for the grace
period (ERASURE_GRACE_DAYS), during which they can cancel. `lms erasure run` then erases every account whose
request is due (anonymise.erase_account), one transaction each: the request is claimed by a conditional UPDATE
in the same transaction, so two runs at once, or a run repeated, erase each account once.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash

from ..accounts.models import Role, User
from ..accounts.sessions import forget_session_extra
from ..audit import services as audit
from ..database import insert_ignoring_conflict
from ..extensions import db
from ..timeutil import utcnow
from .anonymise import Erased, erase_account
from .catalogue import unclassified
from .models import CERTIFICATE_CHOICES, KEEP, ErasureRequest
from .queries import PENDING, pending_request


class ErasureRefused(Exception):
    """`reason`: "staff" (an administrator deletes staff accounts), "password", "erased", "pending"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def may_ask(user: User) -> bool:
    """Only learners delete their own account here; staff ask an administrator."""
    return user.role == Role.LEARNER and user.erased_at is None


def grace_period() -> timedelta:
    return timedelta(days=current_app.config["ERASURE_GRACE_DAYS"])


def ask(user: User, password: str, certificates: str) -> ErasureRequest:
    """Record the learner's request, confirmed by their password; raises ErasureRefused. One request per account
    (a unique constraint): asking twice keeps the first."""
    if certificates not in CERTIFICATE_CHOICES:
        raise ValueError(certificates)
    if not may_ask(user):
        raise ErasureRefused("staff" if user.erased_at is None else "erased")
    if not check_password_hash(user.password_hash, password or ""):
        raise ErasureRefused("password")
    now = utcnow()
    execute_after = now + grace_period()
    if not insert_ignoring_conflict(ErasureRequest, {
            "user_id": user.id, "certificates": certificates, "cause": "request", "requested_at": now,
            "execute_after": execute_after}, ["user_id"]):
        raise ErasureRefused("pending")
    forget_session_extra(user, PENDING)
    audit.record("erasure.requested", actor_id=user.id, target_type="user", target_id=user.id,
                 certificates=certificates, cause="request", execute_after=execute_after.isoformat())
    return pending_request(user.id)


def cancel(user: User) -> bool:
    """Cancel the account's request while it is not carried out; True when there was one."""
    cancelled = db.session.execute(delete(ErasureRequest).where(
        ErasureRequest.user_id == user.id, ErasureRequest.executed_at.is_(None))).rowcount
    if cancelled:
        forget_session_extra(user, PENDING)
        audit.record("erasure.cancelled", actor_id=user.id, target_type="user", target_id=user.id)
    return bool(cancelled)


def schedule_retention(user: User, now: datetime) -> ErasureRequest | None:
    """A request due now for an account not used for years (lms/erasure/retention.py): certificates kept
    verifiable, since nobody chose otherwise. None when the account already has one."""
    if not insert_ignoring_conflict(ErasureRequest, {
            "user_id": user.id, "certificates": KEEP, "cause": "retention", "requested_at": now,
            "execute_after": now}, ["user_id"]):
        return None
    return pending_request(user.id)


def due_requests(now: datetime) -> list[ErasureRequest]:
    """Requests not carried out whose grace period is over, oldest first."""
    return list(db.session.scalars(select(ErasureRequest).where(
        ErasureRequest.executed_at.is_(None), ErasureRequest.execute_after <= now).order_by(
        ErasureRequest.execute_after, ErasureRequest.id)))


class CatalogueIncomplete(RuntimeError):
    """A table refers to users.id without a handling in catalogue.REFERENCES: erasing would leave it behind."""


def check_catalogue() -> None:
    missing = unclassified(db.metadata)
    if missing:
        raise CatalogueIncomplete(", ".join(f"{table}.{column}" for table, column in missing))


def carry_out(request: ErasureRequest, now: datetime) -> Erased | None:
    """Erase the account of a due request, claiming it first; None when another run did (or it is not due, or
    the account became staff meanwhile: staff accounts go to an administrator). Writes, never commits."""
    user = db.session.get(User, request.user_id)
    if user is None or user.role != Role.LEARNER:
        return None
    claimed = db.session.execute(
        update(ErasureRequest).where(ErasureRequest.id == request.id, ErasureRequest.executed_at.is_(None),
                                     ErasureRequest.execute_after <= now)
        .values(executed_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        return None
    erased = erase_account(user, certificates=request.certificates)
    audit.record("user.erased", actor_id=None, target_type="user", target_id=user.id, cause=request.cause,
                 certificates=request.certificates)
    return erased
