"""Requests about personal data that need a person: filed, taken, answered and closed by administrators.

Each step is a conditional UPDATE from the states it may follow (two administrators at once: one wins, the other
is told) and an audit entry without personal data (the request's number and kind). The legal deadline of an
answer is three days of 24 hours after the request was received (models.ANSWER_WITHIN).
"""
from __future__ import annotations

from sqlalchemy import update

from ..accounts.models import User
from ..audit import services as audit
from ..extensions import db
from ..timeutil import utcnow
from .models import REQUEST_KINDS, PrivacyRequest

#: status -> the statuses a request may be in before it
STEPS = {"taken": ("received",), "answered": ("received", "taken"), "closed": ("received", "taken", "answered")}
MAX_MESSAGE = 2000


class StepRefused(Exception):
    """The request is no longer in a state this step follows (someone else moved it on)."""


def _audit(step: str, request: PrivacyRequest, actor: User | None, **details) -> None:
    audit.record(f"privacy_request.{step}", actor_id=actor.id if actor else None, target_type="privacy_request",
                 target_id=request.id, target_label=f"#{request.id}", kind=request.kind, **details)


def file_request(kind: str, message: str, *, about: User | None, filed_by: User, contact: str = "") -> PrivacyRequest:
    """A new request, received now. `about` is the account it concerns (None: someone without one, reached
    through `contact`); `filed_by` the learner themselves or the administrator taking it down."""
    if kind not in REQUEST_KINDS:
        raise ValueError(kind)
    request = PrivacyRequest(kind=kind, message=message.strip()[:MAX_MESSAGE], user_id=about.id if about else None,
                             filed_by_id=filed_by.id, contact=contact.strip()[:254], status="received",
                             received_at=utcnow())
    db.session.add(request)
    db.session.flush()
    _audit("received", request, filed_by, **({"on_behalf": True} if about is None or about.id != filed_by.id else {}))
    return request


def _step(request: PrivacyRequest, status: str, actor: User, **values) -> None:
    now = utcnow()
    moment = {"taken": "taken_at", "answered": "answered_at", "closed": "closed_at"}[status]
    changed = db.session.execute(
        update(PrivacyRequest).where(PrivacyRequest.id == request.id, PrivacyRequest.status.in_(STEPS[status]))
        .values(status=status, **{moment: now}, **values).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(request)
    if changed != 1:
        raise StepRefused(status)
    _audit(status, request, actor)


def take(request: PrivacyRequest, admin: User) -> None:
    """An administrator takes the request to work on it."""
    _step(request, "taken", admin, taken_by_id=admin.id)


def answer(request: PrivacyRequest, admin: User, text: str) -> None:
    """The answer the learner reads; taking the request too when nobody had."""
    values = {"answer": text.strip()[:MAX_MESSAGE]}
    if request.taken_at is None:
        values.update(taken_at=utcnow(), taken_by_id=admin.id)
    _step(request, "answered", admin, **values)


def close(request: PrivacyRequest, admin: User) -> None:
    _step(request, "closed", admin)
