"""Issuing, documents, revocation, reinstatement and renewal of certificates.

No request, no commit: the caller (a view, a command, or the transaction that
completed the course) commits. Concurrency is settled by the database: one
certificate per learner, course and cycle (a unique constraint), one document per
certificate (INSERT … ON CONFLICT DO NOTHING).
"""
from __future__ import annotations

import hashlib
import logging
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..accounts.names import is_printable_name
from ..audit import services as audit
from ..courses.models import Course, Enrollment
from ..courses.services import claim_due_completions
from ..database import insert_ignoring_conflict
from ..extensions import db
from ..timeutil import utcnow
from ..word_search import indexed_words
from .dates import expired_since, local_date, validity_end
from .glyphs import drop_undrawable_symbols, missing_letters
from .keys import KeysMissing, load_keyring
from .models import Certificate, CertificateDocument, CertificateEvent, CertificateWord
from .pdf import CertificateContent, render_certificate
from .public_id import new_public_id
from .queries import certificate_status, competent_skills, latest_certificate, payload_of
from .signals import certificate_issued, certificate_status_changed
from .signing import PDF_ID_KEY, canonical_payload, sign_payload, sign_pdf
from .urls import qr_url, verify_address

log = logging.getLogger(__name__)
MAX_REASON = 500


class CertificateError(Exception):
    """A revocation or reinstatement that does not apply (already revoked, not revoked, no reason)."""


class HolderErased(Exception):
    """The account was erased (lms/erasure): nothing more is issued to it."""


class NameNotPrintable(Exception):
    """The holder's name has characters a certificate cannot print (accounts.names).

    Raised before a certificate is issued: it waits until the learner corrects the name in
    their profile (the dashboard then issues it). Raised for a PDF too when the name stored on
    an older certificate has letters the fonts lack (林): printing it without them would be wrong.
    """


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join((text or "").split()))


def _learner_locale(user: User) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def skills_snapshot(user_id: int, course_id: int) -> list[dict]:
    """The observed skills a certificate issued now lists and signs (signing.py, payload version 2).

    Taken at each issue, renewals included, and never updated: a skill renamed or an observer's
    name changed later leaves the certificate as it was signed.
    """
    return [{
        "id": skill.slug, "title": _clean(skill.title)[:120], "observed": local_date(seen.observed_at).isoformat(),
        "observer": _clean(seen.observer_name)[:120], "observer_role": seen.observer_role,
        "confirmed_on_paper": bool(seen.confirmed_on_paper), "competency_unit": _clean(skill.competency_unit) or None,
    } for seen, skill in competent_skills(user_id, course_id)]


#: why a certificate was issued, as the audit log tells it; "completed", "renewed" and "corrected" are the
#: learner's doing
ISSUE_CAUSES = ("completed", "renewed", "reconciled", "demo", "corrected")
LEARNERS_CAUSES = ("completed", "renewed", "corrected")


def holder_name_for(user: User) -> str:
    """The name a certificate issued to `user` now prints (as stored in Certificate.holder_name)."""
    return _clean(user.full_name)[:120]


def issue_certificate(user: User, course: Course, *, completed_at: datetime | None = None,
                      enrollment: Enrollment | None = None, cycle: int = 1,
                      renews: Certificate | None = None, cause: str = "reconciled") -> Certificate:
    """The certificate of this learner, course and cycle: created and signed once, then returned.

    cause: one of ISSUE_CAUSES, kept in the audit log (the learner is named as the actor when their
    own completion or renewal issued it).

    Two transactions issuing the same certificate at once both end up with the one row
    the unique constraint let in. Flushes, never commits.
    """
    existing = _find(user.id, course.id, cycle)
    if existing is not None:
        return existing
    if user.erased_at is not None:
        raise HolderErased(user.id)
    if not is_printable_name(user.full_name):  # stored before names were checked
        raise NameNotPrintable(user.id)
    completed = local_date(completed_at or utcnow())
    facts = {"enrollment_id": enrollment.id if enrollment else None, "course_title": _clean(course.title)[:200],
             "course_version": course.version, "hours": course.hours, "completed_on": completed,
             "valid_until": validity_end(completed, course.certificate_validity_months),
             "skills": skills_snapshot(user.id, course.id)}
    return _sign_and_store(user, course.id, cycle, renews, cause, facts,
                           {"renews": renews.public_id} if renews else {})


def _sign_and_store(user: User, course_id: int, cycle: int, renews: Certificate | None, cause: str, facts: dict,
                    audit_details: dict) -> Certificate:
    """A new certificate of `facts` (what it certifies) for the holder as named now, signed, stored, logged,
    announced (certificate_issued); the one another transaction stored first for this cycle, if any."""
    keyring = load_keyring()
    now = utcnow()
    config = current_app.config
    for _attempt in range(8):
        certificate = Certificate(
            public_id=new_public_id(local_date(now).year), user_id=user.id, course_id=course_id, cycle=cycle,
            renews_id=renews.id if renews else None, holder_name=holder_name_for(user),
            issuer=_clean(config["CERTIFICATE_ISSUER"])[:200],
            signatory_name=_clean(config["CERTIFICATE_SIGNATORY_NAME"])[:120],
            signatory_position=_clean(config["CERTIFICATE_SIGNATORY_POSITION"])[:120],
            locale=_learner_locale(user), issued_at=now, key_id=keyring.current_kid, **facts,
        )
        certificate.signature = sign_payload(keyring, payload_of(certificate))
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
        except IntegrityError:
            existing = _find(user.id, course_id, cycle)
            if existing is not None:
                return existing
            continue  # the random public ID was taken: draw another
        _store_words(certificate)
        said = "replaces" if cause == "corrected" else "renews"
        db.session.add(CertificateEvent(certificate_id=certificate.id, kind="issued", actor_id=None,
                                        actor_label="system",
                                        reason=f"{said} {renews.public_id}" if renews else ""))
        _audit("certificate.issued", certificate, user if cause in LEARNERS_CAUSES else None, cycle=cycle,
               cause=cause, **audit_details)
        db.session.flush()
        certificate_issued.send(certificate)
        return certificate
    raise RuntimeError("could not draw a free certificate ID")  # pragma: no cover - 2^40 IDs per year


def _store_words(certificate: Certificate, *, again: bool = False) -> None:
    """The certificate's words for the admin list's search (CertificateWord), as its register shows it now;
    `again`: those written before are replaced (a new certificate has none)."""
    if again:
        db.session.execute(delete(CertificateWord).where(CertificateWord.certificate_id == certificate.id))
    words = indexed_words(certificate.holder_name, certificate.course_title)
    if words:
        db.session.execute(insert(CertificateWord), [
            {"word": word, "issued_at": certificate.issued_at, "certificate_id": certificate.id} for word in words])


def _audit(action: str, certificate: Certificate, actor: User | None, **details) -> None:
    audit.record(action, actor_id=actor.id if actor else None, target_type="certificate",
                 target_id=certificate.public_id,
                 target_label=f"{certificate.holder_name} — {certificate.course_title}", **details)


def _find(user_id: int, course_id: int, cycle: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id, Certificate.cycle == cycle))


def issue_first_certificate(user_id: int, course: Course, enrollment: Enrollment) -> None:
    """The first certificate of a course just completed, in the completing transaction.

    Without signing keys the learner's completion is still recorded (it matters more);
    the error is logged, and `lms certificates reconcile` (or the learner's dashboard, see
    issue_owed_certificates) issues the certificate later.
    """
    user = db.session.get(User, user_id)
    if user is None:  # pragma: no cover - the enrolment points at the user
        return
    try:
        issue_certificate(user, course, completed_at=enrollment.completed_at, enrollment=enrollment, cycle=1,
                          cause="completed")
    except KeysMissing:
        log.exception("no signing keys: certificate for user %s, course %s not issued; run "
                      "`flask --app wsgi lms keys init`, then `lms certificates reconcile`", user_id, course.slug)
    except NameNotPrintable:
        log.info("certificate for user %s, course %s waits for a printable name", user_id, course.slug)
    except HolderErased:
        log.info("no certificate for user %s, course %s: the account was erased", user_id, course.slug)


@dataclass
class Reconciliation:
    """What `reconcile` did."""

    #: enrolments completed now (every current step was done, the completion never recorded)
    completed: list[Enrollment]
    #: certificates issued now, in order of completion
    issued: list[Certificate]


def reconcile() -> Reconciliation:
    """Issue every certificate that is owed, and none twice (`lms certificates reconcile`).

    Owed: the first certificate of every completed course. Two catch-ups, each a no-op the
    second time: enrolments whose every current step is done but that were never marked
    complete (the course changed under the learner) are completed, which issues their
    certificate through course_completed like any completion; then completed enrolments
    without a certificate get one (no signing keys at the time, a receiver that failed or was
    not connected). A renewal (a later cycle) is not owed until the learner asks for it, after
    passing the quizzes again. Raises KeysMissing when a certificate is owed and there are no keys.
    """
    completed = claim_due_completions()
    issued = [certificate for enrollment in completed
              if (certificate := _find(enrollment.user_id, enrollment.course_id, 1)) is not None]
    issued += issue_missing()
    return Reconciliation(completed=completed, issued=issued)


def issue_missing() -> list[Certificate]:
    """First certificates for completed enrolments that have none (completed before keys existed, or
    before certificates were introduced)."""
    rows = db.session.execute(
        select(Enrollment, User, Course)
        .join(User, User.id == Enrollment.user_id).join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.completed_at.is_not(None), User.erased_at.is_(None),
               ~select(Certificate.id).where(Certificate.user_id == Enrollment.user_id,
                                             Certificate.course_id == Enrollment.course_id).exists())
        .order_by(Enrollment.completed_at)
    ).all()
    # A name the certificate cannot print waits for its holder to correct it (see NameNotPrintable).
    return [issue_certificate(user, course, completed_at=enrollment.completed_at, enrollment=enrollment, cycle=1)
            for enrollment, user, course in rows if is_printable_name(user.full_name)]


# --- the signed PDF ------------------------------------------------------------------------

def certificate_content(certificate: Certificate) -> CertificateContent:
    """What the PDF prints. Raises NameNotPrintable when the stored name has letters the fonts lack.

    Names are checked when typed; one stored before that may still carry an emoji or an invisible
    joiner, left out here so that no box is printed (the letters of the name are all kept).
    """
    if missing_letters(certificate.holder_name):
        raise NameNotPrintable(certificate.user_id)
    payload = canonical_payload(payload_of(certificate)).decode("utf-8")
    printed = drop_undrawable_symbols
    return CertificateContent(
        public_id=certificate.public_id, holder=printed(certificate.holder_name),
        course=printed(certificate.course_title), course_version=certificate.course_version,
        hours=certificate.hours, completed=certificate.completed_on, valid_until=certificate.valid_until,
        issuer=printed(certificate.issuer), signatory_name=printed(certificate.signatory_name),
        signatory_position=printed(certificate.signatory_position),
        verify_address=verify_address(), qr_url=qr_url(certificate),
        signature_image=current_app.config.get("CERTIFICATE_SIGNATURE_IMAGE"),
        info={PDF_ID_KEY[1:]: certificate.public_id, "RawatPayload": payload,
              "RawatSignature": certificate.signature, "RawatKeyId": certificate.key_id},
        skills=[replace(skill, title=printed(skill.title), observer=printed(skill.observer))
                for skill in certificate.observed_skills],
    )


def build_signed_pdf(certificate: Certificate) -> tuple[bytes, str]:
    """Draw the PDF in the learner's language and sign it; returns (bytes, kid)."""
    keyring = load_keyring()
    with force_locale(certificate.locale):
        pdf = render_certificate(certificate_content(certificate))
    return sign_pdf(keyring, pdf), keyring.current_kid


def ensure_document(certificate: Certificate) -> CertificateDocument:
    """The certificate's signed PDF, made and stored on first need; the same bytes ever after."""
    document = db.session.get(CertificateDocument, certificate.id)
    if document is not None:
        return document
    data, kid = build_signed_pdf(certificate)
    insert_ignoring_conflict(CertificateDocument, {
        "certificate_id": certificate.id, "data": data, "sha256": hashlib.sha256(data).hexdigest(),
        "key_id": kid, "created_at": utcnow(),
    }, ["certificate_id"])
    # Whoever inserted first, this is the document every download gets.
    return db.session.scalars(select(CertificateDocument).where(
        CertificateDocument.certificate_id == certificate.id).execution_options(populate_existing=True)).one()


# --- revocation ------------------------------------------------------------------------------

def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise CertificateError("a reason is required")
    return reason[:MAX_REASON]


def _actor_label(actor: User | None, label: str | None) -> str:
    if label:
        return label[:160]
    return actor.full_name[:160] if actor is not None else "system"


def _log_change(certificate: Certificate, kind: str, reason: str, actor: User | None, actor_label: str | None,
                moment) -> CertificateEvent:
    """The certificate's own history entry and the audit entry of a revocation or reinstatement."""
    event = CertificateEvent(certificate_id=certificate.id, kind=kind, actor_id=actor.id if actor else None,
                             actor_label=_actor_label(actor, actor_label), reason=reason, created_at=moment)
    db.session.add(event)
    _audit(f"certificate.{kind}", certificate, actor, reason=reason, by=event.actor_label)
    db.session.flush()
    certificate_status_changed.send(certificate, kind=kind)
    return event


def revoke(certificate: Certificate, reason: str, *, actor: User | None = None,
           actor_label: str | None = None) -> CertificateEvent:
    """Revoke now with a reason; logged. Raises CertificateError when already revoked."""
    reason = _reason(reason)
    now = utcnow()
    changed = db.session.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=now, revocation_reason=reason).execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(certificate)
    if changed != 1:
        raise CertificateError("already revoked")
    return _log_change(certificate, "revoked", reason, actor, actor_label, now)


def reinstate(certificate: Certificate, reason: str, *, actor: User | None = None,
              actor_label: str | None = None) -> CertificateEvent:
    """Lift a revocation, with its own reason; logged. Raises CertificateError when not revoked."""
    reason = _reason(reason)
    changed = db.session.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.revoked_at.is_not(None))
        .values(revoked_at=None, revocation_reason=None).execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(certificate)
    if changed != 1:
        raise CertificateError("not revoked")
    return _log_change(certificate, "reinstated", reason, actor, actor_label, utcnow())


# --- a corrected name ----------------------------------------------------------------------------

def reissue_with_corrected_name(certificate: Certificate, user: User) -> Certificate:
    """Replace a valid certificate whose printed name is no longer the holder's: a new one certifies the same
    course, version, hours, dates and skills under the name as it is now (the next cycle, `renews_id` the old
    one), and the old one is revoked with a reason that names its replacement. Logged in the audit log, the
    learner as the actor.

    Raises CertificateError when `certificate` is not `user`'s, no longer valid (a second submit: already
    replaced) or already prints the name, and NameNotPrintable. A double submit gives one new certificate:
    the revocation is a conditional UPDATE, and two submits at once insert the same cycle, which the unique
    constraint lets in once. Flushes, never commits.
    """
    if certificate.user_id != user.id:
        raise CertificateError("not the holder")
    if certificate_status(certificate) != "valid":
        raise CertificateError("not valid")
    if certificate.holder_name == holder_name_for(user):
        raise CertificateError("the name is already right")
    if not is_printable_name(user.full_name):
        raise NameNotPrintable(user.id)
    cycle = db.session.scalar(select(func.max(Certificate.cycle)).where(
        Certificate.user_id == user.id, Certificate.course_id == certificate.course_id)) + 1
    facts = {"enrollment_id": certificate.enrollment_id, "course_title": certificate.course_title,
             "course_version": certificate.course_version, "hours": certificate.hours,
             "completed_on": certificate.completed_on, "valid_until": certificate.valid_until,
             "skills": list(certificate.skills or [])}
    replacement = _sign_and_store(user, certificate.course_id, cycle, certificate, "corrected", facts,
                                  {"replaces": certificate.public_id})
    with force_locale(certificate.locale):
        reason = _("The holder corrected their name. Replaced by certificate %(id)s.", id=replacement.public_id)
    revoke(certificate, reason, actor=user)  # CertificateError when another submit revoked it first
    return replacement


def withdraw(certificate: Certificate, *, reason: str = "withdrawn at the holder's request") -> bool:
    """Withdraw at the holder's request (their account is being deleted, lms/erasure): set once, by a
    conditional UPDATE. The register forgets the holder's name and skills and the signed PDF is deleted; the
    ID, course, dates and status bit stay, so a verifier reads "withdrawn at the holder's request" and the
    status list marks it (certificate_status_changed, kind "withdrawn"). True when it was withdrawn now."""
    now = utcnow()
    changed = db.session.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.withdrawn_at.is_(None))
        .values(withdrawn_at=now, holder_name="", skills=[]).execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(certificate)
    if changed != 1:
        return False
    db.session.execute(delete(CertificateDocument).where(CertificateDocument.certificate_id == certificate.id))
    _store_words(certificate, again=True)  # the name is no longer found; the course still is
    db.session.add(CertificateEvent(certificate_id=certificate.id, kind="withdrawn", actor_id=None,
                                    actor_label="holder", reason=reason, created_at=now))
    audit.record("certificate.withdrawn", actor_id=None, target_type="certificate", target_id=certificate.public_id,
                 target_label=certificate.course_title)
    db.session.flush()
    certificate_status_changed.send(certificate, kind="withdrawn")
    return True


# --- renewal ---------------------------------------------------------------------------------

@dataclass
class RenewalState:
    """Where a learner stands in renewing an expired certificate."""

    previous: Certificate
    #: the course's current module quizzes (each must be passed again)
    quizzes: list
    #: the quizzes not yet passed in an attempt started after the expiry
    remaining: list
    #: when the last needed quiz was passed (the new completion moment)
    last_passed_at: datetime | None = None

    @property
    def can_renew(self) -> bool:
        return bool(self.quizzes) and not self.remaining


def renewal_state(user_id: int, course: Course) -> RenewalState | None:
    """None unless the learner's latest certificate for the course has expired (and is not revoked)."""
    previous = latest_certificate(user_id, course.id)
    if previous is None or certificate_status(previous) != "expired":
        return None
    from ..courses.models import Module
    from ..quizzes.models import Attempt, Quiz

    quizzes = list(db.session.scalars(
        select(Quiz).join(Module, Module.id == Quiz.module_id)
        .where(Module.course_id == course.id, Module.retired_at.is_(None), Module.has_quiz.is_(True),
               Quiz.retired_at.is_(None))
        .order_by(Module.position)
    ))
    since = expired_since(previous.valid_until)
    passed = dict(db.session.execute(
        select(Attempt.quiz_id, func.max(Attempt.submitted_at))
        .where(Attempt.user_id == user_id, Attempt.passed.is_(True), Attempt.submitted_at.is_not(None),
               Attempt.started_at >= since, Attempt.quiz_id.in_([q.id for q in quizzes] or [-1]))
        .group_by(Attempt.quiz_id)
    ).all())
    remaining = [quiz for quiz in quizzes if quiz.id not in passed]
    last = max(passed.values()) if passed and not remaining else None
    return RenewalState(previous=previous, quizzes=quizzes, remaining=remaining, last_passed_at=last)


def issue_owed_certificates(user_id: int, finished: list[tuple[Enrollment, Course]],
                            latest: dict[int, Certificate]) -> bool:
    """First certificates for the finished courses (Enrollment, Course) missing from `latest`.

    `latest` is the learner's latest certificate per course id (certificates.queries.
    latest_certificates_of), and receives what is issued. A finished course without a certificate
    (the completion happened without signing keys, or the request crashed before issuing) gets it
    now; the unique constraint settles two requests doing it at once. True when one was issued.
    """
    owed = [(enrollment, course) for enrollment, course in finished if course.id not in latest]
    if not owed:
        return False
    user = db.session.get(User, user_id)
    issued = False
    for enrollment, course in owed:
        try:
            certificate = issue_certificate(user, course, completed_at=enrollment.completed_at, enrollment=enrollment,
                                            cycle=1)
        except KeysMissing:
            log.warning("no signing keys: certificate for user %s, course %s still owed", user_id, course.slug)
            break
        except (NameNotPrintable, HolderErased):
            break  # the certificate links ask the learner to correct the name; then the dashboard issues it
        latest[course.id] = certificate
        issued = True
    return issued


def renewal_attempt_window(user_id: int, quiz) -> datetime | None:
    """Attempts started before the learner's latest certificate for the quiz's course expired do not
    count against the quiz's attempt limit: renewing needs the quizzes passed again."""
    previous = latest_certificate(user_id, quiz.module.course_id)
    if previous is None or certificate_status(previous) != "expired":
        return None
    return expired_since(previous.valid_until)


def renew_if_eligible(user: User, course: Course) -> Certificate | None:
    """Issue the next cycle's certificate when every quiz was passed again after the expiry."""
    state = renewal_state(user.id, course)
    if state is None or not state.can_renew:
        return None
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id,
                                                            Enrollment.course_id == course.id))
    return issue_certificate(user, course, completed_at=state.last_passed_at, enrollment=enrollment,
                             cycle=state.previous.cycle + 1, renews=state.previous, cause="renewed")
