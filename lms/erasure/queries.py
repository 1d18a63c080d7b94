"""Reads for the deletion pages, the banner and the administrators' queue."""
from __future__ import annotations

from flask import abort
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..accounts.sessions import read_with_session_user, session_extra
from ..caches import request_memo
from ..certificates.models import Certificate
from ..extensions import db
from .models import ErasureRequest, PrivacyRequest


#: the banner is on every page, and almost nobody has a request waiting: the session's look-up says whether to read it
PENDING = "erasure_pending"
read_with_session_user(PENDING, exists().where(ErasureRequest.user_id == User.id, ErasureRequest.executed_at.is_(None)))


def pending_request(user_id: int) -> ErasureRequest | None:
    """The account's request not carried out yet, if any."""
    return db.session.scalar(select(ErasureRequest).where(ErasureRequest.user_id == user_id,
                                                          ErasureRequest.executed_at.is_(None)))


def request_in_request(user) -> ErasureRequest | None:
    """The account's deletion request not carried out yet, read once per request (the banner on every page and
    the deletion panel both ask); no query when the session's look-up found none."""
    if session_extra(user, PENDING) is False:
        return None
    user_id = user.id
    return request_memo(("erasure_request", user_id), lambda: pending_request(user_id))


def certificate_count(user_id: int) -> int:
    """The certificates the learner was given that verifiers can still check (not withdrawn)."""
    return db.session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.user_id == user_id, Certificate.withdrawn_at.is_(None))) or 0


def open_requests():
    """The queue's SELECT: requests not closed (unordered: the page orders them oldest first)."""
    return (select(PrivacyRequest).where(PrivacyRequest.status != "closed")
            .options(selectinload(PrivacyRequest.user)))


def requests_of(user_id: int, limit: int = 50) -> list[PrivacyRequest]:
    """The learner's own requests about their account, newest first."""
    return list(db.session.scalars(select(PrivacyRequest).where(PrivacyRequest.user_id == user_id)
                                   .order_by(PrivacyRequest.received_at.desc(), PrivacyRequest.id.desc())
                                   .limit(limit)))


def get_request_or_404(request_id: int) -> PrivacyRequest:
    request = db.session.get(PrivacyRequest, request_id)
    if request is None:
        abort(404)
    return request
