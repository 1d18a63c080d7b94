"""Read helpers of the "Data saya" page: what Rawat holds in short, who opened it, the person's copies."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit.access import GROUP_EXPORTED, VIEWED
from ..audit.models import AuditEntry
from ..certificates.models import Certificate
from ..certificates.queries import certificate_status
from ..certificates.services import holder_name_for
from ..cohorts.models import CohortMember
from ..courses.models import Enrollment, LessonCompletion
from ..extensions import db
from ..practice.models import Observation
from ..quizzes.models import Attempt
from .models import DataExport, FormerMembership

#: how far back "Data saya" lists who opened the person's data
ACCESS_DAYS = 90


@dataclass(frozen=True)
class Holdings:
    """What Rawat holds about a person, in short (the counts at the top of "Data saya")."""

    enrollments: int
    lessons_done: int
    quiz_attempts: int
    observations: int
    groups: int
    certificates: int


def holdings(user_id: int) -> Holdings:
    """The counts, in one statement; each reads an index that leads with the person's id."""
    def count(model, column):
        return select(func.count()).select_from(model).where(column == user_id).scalar_subquery()

    row = db.session.execute(select(
        count(Enrollment, Enrollment.user_id), count(LessonCompletion, LessonCompletion.user_id),
        count(Attempt, Attempt.user_id), count(Observation, Observation.learner_id),
        count(CohortMember, CohortMember.user_id), count(Certificate, Certificate.user_id))).one()
    return Holdings(*row)


@dataclass(frozen=True)
class Membership:
    """A time the person was in a group: now (left_at None) or before."""

    cohort_id: int
    joined_at: datetime
    left_at: datetime | None


def memberships(user_id: int) -> list[Membership]:
    """The groups the person is in and was in, with when (two queries, by the person's id)."""
    current = [Membership(cohort_id, joined_at, None) for cohort_id, joined_at in db.session.execute(
        select(CohortMember.cohort_id, CohortMember.joined_at).where(CohortMember.user_id == user_id))]
    former = [Membership(*row) for row in db.session.execute(
        select(FormerMembership.cohort_id, FormerMembership.joined_at, FormerMembership.left_at)
        .where(FormerMembership.user_id == user_id))]
    return current + former


def group_reports_while_member(periods: list[Membership]):
    """The condition on audit entries: a report of one of those groups downloaded while the person was in it."""
    if not periods:
        return None
    return and_(AuditEntry.action == GROUP_EXPORTED, AuditEntry.target_type == "cohort", or_(*(
        and_(AuditEntry.target_id == str(period.cohort_id), AuditEntry.created_at >= period.joined_at,
             *([AuditEntry.created_at < period.left_at] if period.left_at is not None else []))
        for period in periods)))


def access_entries(user_id: int, since: datetime | None = None):
    """Staff opening the person's data, since `since`: their pages (entries targeting them) and the group
    reports made while they were in the group (one entry per report, found by the group and the time).

    A SELECT of AuditEntry, unordered (keyset_page orders it), actors loaded in one more query. Every branch
    reads a range of the (target_type, target_id, created_at, id) index.
    """
    branches = [and_(AuditEntry.target_type == "user", AuditEntry.target_id == str(user_id),
                     AuditEntry.action == VIEWED)]
    reports = group_reports_while_member(memberships(user_id))
    if reports is not None:
        branches.append(reports)
    stmt = select(AuditEntry).options(selectinload(AuditEntry.actor)).where(or_(*branches))
    if since is not None:
        stmt = stmt.where(AuditEntry.created_at >= since)
    return stmt


def access_since(now: datetime) -> datetime:
    return now - timedelta(days=ACCESS_DAYS)


def recent_exports(user_id: int, limit: int = 5) -> list[DataExport]:
    """The person's latest copies (their files not loaded)."""
    return list(db.session.scalars(select(DataExport).where(DataExport.user_id == user_id)
                                   .order_by(DataExport.id.desc()).limit(limit)))


def open_export(user_id: int) -> DataExport | None:
    return db.session.scalar(select(DataExport).where(DataExport.user_id == user_id,
                                                      DataExport.status.in_(("pending", "building"))))


def certificates_with_old_name(user: User) -> list[Certificate]:
    """The person's valid certificates that print another name than theirs now (a name corrected since)."""
    name = holder_name_for(user)
    candidates = db.session.scalars(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.revoked_at.is_(None), Certificate.holder_name != name)
        .order_by(Certificate.issued_at, Certificate.id))
    return [certificate for certificate in candidates if certificate_status(certificate) == "valid"]
