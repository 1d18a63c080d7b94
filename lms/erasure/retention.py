"""Retention (`lms retention run`): unused learner accounts are warned, then erased; old logs are purged.

A learner account is **unused** when it registered, last signed in and last learned (any enrolment's
last_activity_at) all more than RETENTION_INACTIVE_DAYS ago, and it is neither erased nor waiting for its own
deletion. Each run, in order:

1. a warning whose account was used again since is deleted (it starts over if the account falls unused again);
2. an account warned at least RETENTION_WARNING_DAYS ago and still unused is erased with the deletion routine,
   its certificates kept verifiable (nobody chose to withdraw them);
3. an unused account not warned yet is warned: by e-mail when it has one (the way reset codes are sent,
   lms/mail.py), otherwise (a phone or a sign-in ID only: Rawat sends no SMS) the warning is recorded and shown at
   its next sign-in (listeners.py); either way a retention_notices row and an audit entry say so;
4. rescue codes expired more than a day ago, expired sessions, offline-sync receipts older than
   RETENTION_REQUEST_LOG_DAYS and requests to an administrator closed more than RETENTION_CLOSED_REQUEST_DAYS
   ago are deleted.

Every step is idempotent and each account is its own transaction (the command commits), so a run can be stopped
and repeated. `plan` says what a run would do and writes nothing (--dry-run).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import delete, exists, func, or_, select

from ..accounts.models import PasswordResetCode, Role, User, UserSession
from ..audit import services as audit
from ..certificates.urls import base_url
from ..courses.models import Enrollment, SyncedMark
from ..database import insert_ignoring_conflict
from ..extensions import db
from ..mail import send_mail
from .models import ErasureRequest, PrivacyRequest, RetentionNotice
from .services import carry_out, schedule_retention

#: rescue codes are kept a day after they expire: issue_code counts the last hour's codes, expired ones included
RESCUE_CODE_GRACE = timedelta(days=1)
#: accounts handled per run of each step (a national first run is spread over a few days)
BATCH = 500


@dataclass
class RetentionPlan:
    """What a run does (or would do): account ids per step, and rows purged per kind."""

    reset: list[int] = field(default_factory=list)
    erase: list[int] = field(default_factory=list)
    warn: list[tuple[int, str]] = field(default_factory=list)
    purge: dict[str, int] = field(default_factory=dict)


def _days(name: str) -> timedelta:
    return timedelta(days=int(current_app.config[name]))


def unused(now: datetime):
    """The WHERE of unused learner accounts (see the module docstring)."""
    cutoff = now - _days("RETENTION_INACTIVE_DAYS")
    learned = exists().where(Enrollment.user_id == User.id, Enrollment.last_activity_at >= cutoff)
    asked = exists().where(ErasureRequest.user_id == User.id)
    return [User.role == Role.LEARNER.value, User.erased_at.is_(None), User.created_at < cutoff,
            or_(User.last_login_at.is_(None), User.last_login_at < cutoff), ~learned, ~asked]


def _purges(now: datetime) -> dict[str, tuple]:
    """kind -> (model, WHERE) of what step 4 deletes."""
    return {
        "rescue codes": (PasswordResetCode, [PasswordResetCode.expires_at < now - RESCUE_CODE_GRACE]),
        "expired sessions": (UserSession, [UserSession.expires_at <= now]),
        "offline-sync receipts": (SyncedMark, [SyncedMark.received_at < now - _days("RETENTION_REQUEST_LOG_DAYS")]),
        "closed requests": (PrivacyRequest, [PrivacyRequest.status == "closed",
                                             PrivacyRequest.closed_at < now - _days("RETENTION_CLOSED_REQUEST_DAYS")]),
    }


def plan(now: datetime) -> RetentionPlan:
    """What `run` would do now (reads only)."""
    unused_where = unused(now)
    still_unused = select(User.id).where(*unused_where)
    result = RetentionPlan()
    result.reset = list(db.session.scalars(select(RetentionNotice.user_id).where(
        RetentionNotice.user_id.not_in(still_unused)).order_by(RetentionNotice.user_id).limit(BATCH)))
    result.erase = list(db.session.scalars(select(RetentionNotice.user_id).where(
        RetentionNotice.user_id.in_(still_unused),
        RetentionNotice.warned_at <= now - _days("RETENTION_WARNING_DAYS")).order_by(RetentionNotice.user_id)
        .limit(BATCH)))
    warned = select(RetentionNotice.user_id)
    result.warn = [(user_id, "email" if email else "sign_in") for user_id, email in db.session.execute(
        select(User.id, User.email).where(*unused_where, User.id.not_in(warned)).order_by(User.id).limit(BATCH))]
    for kind, (model, where) in _purges(now).items():
        result.purge[kind] = db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    return result


def run(now: datetime, *, commit) -> RetentionPlan:
    """Carry out the plan, calling `commit()` after each account and after the purge (the command passes
    db.session.commit). Returns what was done."""
    done = plan(now)
    for user_id in done.reset:
        db.session.execute(delete(RetentionNotice).where(RetentionNotice.user_id == user_id))
    commit()
    erased = []
    for user_id in done.erase:
        user = db.session.get(User, user_id)
        request = schedule_retention(user, now)
        if request is not None and carry_out(request, now) is not None:
            db.session.execute(delete(RetentionNotice).where(RetentionNotice.user_id == user_id))
            erased.append(user_id)
        commit()
    done.erase = erased
    warned = []
    for user_id, channel in done.warn:
        if warn(db.session.get(User, user_id), channel, now):
            warned.append((user_id, channel))
        commit()
    done.warn = warned
    for kind, (model, where) in _purges(now).items():
        done.purge[kind] = db.session.execute(delete(model).where(*where)).rowcount or 0
    commit()
    return done


def warn(user: User, channel: str, now: datetime) -> bool:
    """Warn the account once (a primary key on the notice): send the e-mail first, so a failed send is tried again
    on the next run; True when it was warned now."""
    erase_on = now + _days("RETENTION_WARNING_DAYS")
    if channel == "email":
        try:
            _send_warning(user, erase_on)
        except OSError:
            current_app.logger.exception("retention warning to user %s not sent; tried again next run", user.id)
            return False
    if not insert_ignoring_conflict(RetentionNotice, {"user_id": user.id, "warned_at": now, "channel": channel},
                                    ["user_id"]):
        return False
    audit.record("retention.warned", actor_id=None, target_type="user", target_id=user.id, channel=channel)
    return True


def _send_warning(user: User, erase_on: datetime) -> None:
    languages = current_app.config["LANGUAGES"]
    with force_locale(user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]):
        years = int(current_app.config["RETENTION_INACTIVE_DAYS"]) // 365
        subject = _("Your Rawat account will be deleted")
        body = _("Hello %(name)s,\n\nYour Rawat account has not been used for more than %(years)d years. To protect "
                 "your personal data, it will be deleted on %(date)s. Your certificates stay verifiable.\n\nTo keep "
                 "your account, sign in before that day: %(link)s\n\nIf you no longer need it, you do not need to "
                 "do anything.", name=user.full_name, years=max(years, 1), date=format_date(erase_on, "long"),
                 link=base_url() + "/masuk")
    send_mail(user.email, subject, body)
