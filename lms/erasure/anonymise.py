"""Erasing one account, as catalogue.REFERENCES says, in the caller's transaction (no commit).

What stays is a stub of the account (a placeholder name, no phone, e-mail, sign-in ID or password, the village
only as its district, the role and the day it registered) and, under it, the facts programme figures count:
enrolments, first quiz attempts and pre-test scores (answers emptied), competences, visits (notes emptied),
group memberships and certificates (kept verifiable or withdrawn, as the person chose). `lms outcomes refresh`
therefore gives the same figures before and after (tests/erasure/test_aggregates.py). Everything else about the
person is deleted or emptied, and the audit entries about them lose their names.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, func, or_, select, update

from ..accounts.models import User
from ..audit import services as audit
from ..audit.models import AuditEntry
from ..certificates.models import Certificate, CertificateEvent
from ..certificates.services import withdraw
from ..cohorts.models import CohortInvitation, CohortMember
from ..credentials.models import CertificateCredential
from ..credentials.services import forget_holder_copy
from ..extensions import db
from ..practice.models import Observation, ObservedStep
from ..quizzes.models import Attempt, AttemptQuestion, Pretest, PretestModuleScore, PretestQuestion
from ..timeutil import utcnow
from .catalogue import DELETE, KEEP, REFERENCES
from .models import WITHDRAW, PrivacyRequest

#: the name an erased account shows wherever a name is read (the admin list, an observation's learner)
ERASED_NAME = "Akun dihapus"
#: what stands for a person's name in the audit entries about them
REDACTED_NAME = "[dihapus]"
#: a password hash no password matches (werkzeug's check_password_hash answers False)
NO_PASSWORD = "!"
#: the audit actions that name a learner of a group in their details
MEMBER_ACTIONS = ("cohort.member_added", "cohort.member_removed", "cohort.member_left")


@dataclass
class Person:
    """What is known of the account before it is erased: what the audit entries about them may contain."""

    user_id: int
    name: str
    phone: str | None
    certificates: list[Certificate]
    observation_ids: list[int]

    @classmethod
    def of(cls, user: User) -> Person:
        certificates = list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                               .order_by(Certificate.id)))
        observations = list(db.session.scalars(select(Observation.id).where(Observation.learner_id == user.id)))
        return cls(user.id, user.full_name, user.phone, certificates, observations)


@dataclass
class Erased:
    """What erasing one account did (or, in a dry run, would do): rows per "table.column", and more."""

    user_id: int
    certificates_kept: int = 0
    certificates_withdrawn: int = 0
    audit_entries: int = 0
    invitations: int = 0
    #: "table.column" -> (handling, rows)
    rows: dict[str, tuple[str, int]] = field(default_factory=dict)


def _column(reference):
    return db.metadata.tables[reference.table].c[reference.column]


def _matching(reference, user_id: int):
    return _column(reference) == user_id


def _delete_rows(reference, person: Person) -> None:
    db.session.execute(delete(db.metadata.tables[reference.table]).where(_matching(reference, person.user_id)))


def _clear_column(reference, person: Person) -> None:
    table = db.metadata.tables[reference.table]
    db.session.execute(update(table).where(_matching(reference, person.user_id)).values({reference.column: None}))


def _redact_audit(_reference, person: Person) -> None:
    audit.redact(entries_about(person), [person.name], REDACTED_NAME)


def _attempts(_reference, person: Person) -> None:
    """First submitted attempts stay (scores, passes, dates, which question was answered right), answers emptied."""
    kept = and_(Attempt.number == 1, Attempt.submitted_at.is_not(None))
    others = select(Attempt.id).where(Attempt.user_id == person.user_id, ~kept)
    db.session.execute(delete(AttemptQuestion).where(AttemptQuestion.attempt_id.in_(others)))
    db.session.execute(delete(Attempt).where(Attempt.user_id == person.user_id, ~kept))
    mine = select(Attempt.id).where(Attempt.user_id == person.user_id)
    db.session.execute(update(AttemptQuestion).where(AttemptQuestion.attempt_id.in_(mine))
                       .values(answer=None, option_order=[]).execution_options(synchronize_session=False))


def _pretests(_reference, person: Person) -> None:
    """Submitted pre-tests keep their module scores, answers emptied; the others go."""
    unsent = select(Pretest.id).where(Pretest.user_id == person.user_id, Pretest.submitted_at.is_(None))
    db.session.execute(delete(PretestQuestion).where(PretestQuestion.pretest_id.in_(unsent)))
    db.session.execute(delete(PretestModuleScore).where(PretestModuleScore.pretest_id.in_(unsent)))
    db.session.execute(delete(Pretest).where(Pretest.user_id == person.user_id, Pretest.submitted_at.is_(None)))
    mine = select(Pretest.id).where(Pretest.user_id == person.user_id)
    db.session.execute(update(PretestQuestion).where(PretestQuestion.pretest_id.in_(mine))
                       .values(answer=None, option_order=[]).execution_options(synchronize_session=False))


def _observations(_reference, person: Person) -> None:
    mine = select(Observation.id).where(Observation.learner_id == person.user_id)
    db.session.execute(delete(ObservedStep).where(ObservedStep.observation_id.in_(mine)))
    db.session.execute(update(Observation).where(Observation.learner_id == person.user_id).values(note="")
                       .execution_options(synchronize_session=False))


def _certificate_events(reference, person: Person) -> None:
    db.session.execute(update(CertificateEvent).where(CertificateEvent.actor_id == person.user_id)
                       .values(actor_id=None, actor_label=REDACTED_NAME).execution_options(synchronize_session=False))


def _privacy_requests(_reference, person: Person) -> None:
    db.session.execute(update(PrivacyRequest).where(PrivacyRequest.user_id == person.user_id)
                       .values(message="", answer="", contact="").execution_options(synchronize_session=False))


#: how each DELETE or ANONYMISE reference is carried out (KEEP ones need nothing); the default for DELETE
#: deletes the rows, for ANONYMISE empties the column
SPECIAL: dict[tuple[str, str], Callable] = {
    ("audit_entries", "actor_id"): _redact_audit,
    ("quiz_attempts", "user_id"): _attempts,
    ("pretests", "user_id"): _pretests,
    ("skill_observations", "learner_id"): _observations,
    ("certificate_events", "actor_id"): _certificate_events,
    ("privacy_requests", "user_id"): _privacy_requests,
}


def action_of(reference) -> Callable | None:
    if reference.handling == KEEP:
        return None
    special = SPECIAL.get((reference.table, reference.column))
    if special is not None:
        return special
    return _delete_rows if reference.handling == DELETE else _clear_column


def entries_about(person: Person) -> list[AuditEntry]:
    """The audit entries about the person: on their account, by them, on their certificates and observations,
    and the group entries that name them (by id, or by name in entries written before ids were)."""
    about = [and_(AuditEntry.target_type == "user", AuditEntry.target_id == str(person.user_id)),
             AuditEntry.actor_id == person.user_id]
    if person.certificates:
        about.append(and_(AuditEntry.target_type == "certificate",
                          AuditEntry.target_id.in_([c.public_id for c in person.certificates])))
    if person.observation_ids:
        about.append(and_(AuditEntry.target_type == "observation",
                          AuditEntry.target_id.in_([str(i) for i in person.observation_ids])))
    entries = {entry.id: entry for entry in db.session.scalars(select(AuditEntry).where(or_(*about)))}
    groups = {str(cohort_id) for cohort_id in db.session.scalars(
        select(CohortMember.cohort_id).where(CohortMember.user_id == person.user_id))}
    groups |= {entry.target_id for entry in entries.values() if entry.target_type == "cohort"}
    if groups:
        for entry in db.session.scalars(select(AuditEntry).where(
                AuditEntry.target_type == "cohort", AuditEntry.target_id.in_(sorted(groups)),
                AuditEntry.action.in_(MEMBER_ACTIONS))):
            details = entry.details or {}
            if details.get("learner_id") == person.user_id or (
                    "learner_id" not in details and details.get("learner") == person.name):
                entries[entry.id] = entry
    return list(entries.values())


def district_of(code: str | None) -> str | None:
    """A village's district ("32.76.06.1004" → "32.76.06": a code encodes its parent); any other code as it is.
    Programme figures place people by district at the finest."""
    if code and code.count(".") == 3:
        return code.rsplit(".", 1)[0]
    return code


def erase_account(user: User, *, certificates: str) -> Erased:
    """Erase the account (see the module docstring); `certificates` is KEEP or WITHDRAW. Safe to run again on an
    erased account (nothing more changes). Writes, flushes, never commits."""
    person = Person.of(user)
    result = plan(user, certificates=certificates, person=person)
    for certificate in person.certificates:
        if certificates == WITHDRAW:
            withdraw(certificate)
        credential = db.session.get(CertificateCredential, certificate.id)
        if credential is not None:
            forget_holder_copy(credential)
    for reference in REFERENCES:
        action = action_of(reference)
        if action is not None and reference.table in db.metadata.tables:
            action(reference, person)
    if person.phone:
        db.session.execute(delete(CohortInvitation).where(CohortInvitation.phone == person.phone))
    if user.erased_at is None:
        user.full_name, user.phone, user.email, user.login_id = ERASED_NAME, None, None, None
        user.password_hash, user.locale, user.last_login_at, user.scope_region_code = NO_PASSWORD, None, None, None
        user.village_code = district_of(user.village_code)
        user.is_active_account, user.erased_at = False, utcnow()
    db.session.flush()
    return result


def plan(user: User, *, certificates: str, person: Person | None = None) -> Erased:
    """What erase_account would do, counted (reads only): the dry run's report."""
    person = person or Person.of(user)
    result = Erased(user.id)
    standing = [c for c in person.certificates if c.withdrawn_at is None]
    if certificates == WITHDRAW:
        result.certificates_withdrawn = len(standing)
    else:
        result.certificates_kept = len(standing)
    result.audit_entries = len(entries_about(person))
    if person.phone:
        result.invitations = db.session.scalar(select(func.count()).select_from(CohortInvitation)
                                               .where(CohortInvitation.phone == person.phone)) or 0
    for reference in REFERENCES:
        if reference.table not in db.metadata.tables:
            continue
        rows = db.session.scalar(select(func.count()).select_from(db.metadata.tables[reference.table])
                                 .where(_matching(reference, user.id))) or 0
        result.rows[f"{reference.table}.{reference.column}"] = (reference.handling, rows)
    return result
