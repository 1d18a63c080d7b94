"""Read helpers: a certificate's status and payload, look-ups and the admin list."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, bindparam, func, or_, select

from ..caches import request_memo
from ..courses.models import Module, Skill, SkillCompetence
from ..database import search_pattern
from ..extensions import db
from ..word_search import MAX_WORDS, has_words, words_of
from .dates import today as local_today
from .models import Certificate, CertificateEvent
from .public_id import fragments
from .signing import payload_fields

STATUSES = ("valid", "revoked", "expired", "withdrawn")


def certificate_status(certificate: Certificate, today: date | None = None) -> str:
    """"withdrawn" once withdrawn at the holder's request (for good), else "revoked" while revoked, else
    "expired" after its last valid day, else "valid"."""
    if certificate.withdrawn_at is not None:
        return "withdrawn"
    if certificate.revoked_at is not None:
        return "revoked"
    if certificate.valid_until is not None and (today or local_today()) > certificate.valid_until:
        return "expired"
    return "valid"


def payload_of(certificate: Certificate) -> dict:
    """The signed fields of a certificate (see signing.py for the canonical form)."""
    return payload_fields(
        public_id=certificate.public_id, holder=certificate.holder_name, course=certificate.course_title,
        course_version=certificate.course_version, hours=certificate.hours, completed=certificate.completed_on,
        valid_until=certificate.valid_until, issuer=certificate.issuer, kid=certificate.key_id,
        skills=certificate.skills,
    )


def competent_skills(user_id: int, course_id: int) -> list[tuple[SkillCompetence, Skill]]:
    """The course's current skills the learner was seen doing competently, in course order (module, then
    skill): what a certificate issued now lists. One query."""
    return [tuple(row) for row in db.session.execute(
        select(SkillCompetence, Skill).join(Skill, Skill.id == SkillCompetence.skill_id)
        .join(Module, Module.id == Skill.module_id)
        .where(SkillCompetence.user_id == user_id, Skill.course_id == course_id, Skill.retired_at.is_(None),
               Module.retired_at.is_(None))
        .order_by(Module.position, Skill.position, Skill.id))]


# Built once: every verification runs it, and a reused statement skips SQLAlchemy's construction.
_BY_PUBLIC_ID = select(Certificate).where(Certificate.public_id == bindparam("public_id"))


def get_by_public_id(public_id: str) -> Certificate | None:
    return db.session.scalar(_BY_PUBLIC_ID, {"public_id": public_id})


def latest_certificate(user_id: int, course_id: int) -> Certificate | None:
    """The learner's certificate of the latest cycle for a course."""
    return db.session.scalar(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.course_id == course_id)
        .order_by(Certificate.cycle.desc()).limit(1))


def latest_certificates_of(user_id: int) -> dict[int, Certificate]:
    """course id -> the learner's latest certificate, in one query."""
    rows = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.course_id, Certificate.cycle))
    return {certificate.course_id: certificate for certificate in rows}


def latest_certificates_in_request(user_id: int) -> dict[int, Certificate]:
    """latest_certificates_of, read once per request: every course card of the dashboard asks, and
    the dashboard's catch-up (listeners.on_completed_courses_shown) adds what it issues."""
    return request_memo(("latest_certificates", user_id), lambda: latest_certificates_of(user_id))


def renewed_by(certificate: Certificate) -> Certificate | None:
    """The certificate that renewed this one. Renewal needs an expiry first, so a certificate
    still within its validity needs no query (most verifications)."""
    if certificate.valid_until is None or certificate.valid_until >= local_today():
        return None
    return db.session.scalar(select(Certificate).where(Certificate.renews_id == certificate.id))


def events_of(certificate: Certificate) -> list[CertificateEvent]:
    return list(db.session.scalars(select(CertificateEvent).where(CertificateEvent.certificate_id == certificate.id)
                                   .order_by(CertificateEvent.created_at, CertificateEvent.id)))


def search_certificates(query: str | None = None, status: str | None = None, today: date | None = None, *,
                        anywhere: bool = False):
    """Select statement for the admin list (unordered: pages order it newest first), and by status.

    The query's words are found in the holder's name and the course's title by the beginnings of their
    words (lms/word_search.py), or, `anywhere`, each inside the ID, the name or the title; a fragment of an
    ID is found in the IDs. PostgreSQL has indexes for both (migrations 0030 and 0018). A whole certificate
    ID never gets here: the view opens that certificate."""
    stmt = select(Certificate)
    words = words_of(query or "")
    if anywhere or (query and not words):  # "-" or "%": no word to begin with, only text to find
        for word in (query or "").lower().split()[:MAX_WORDS]:
            like = search_pattern(word)
            stmt = stmt.where(or_(func.lower(Certificate.public_id).like(like, escape="\\"),
                                  func.lower(Certificate.holder_name).like(like, escape="\\"),
                                  func.lower(Certificate.course_title).like(like, escape="\\")))
    elif words:
        found = [has_words(Certificate.holder_name, Certificate.course_title, words=words, by_prefixes=True)]
        groups = fragments(query)
        if groups:  # "7k3m 9qxh": parts of an ID, in that ID
            found.append(and_(*(func.lower(Certificate.public_id).like(search_pattern(group), escape="\\")
                                for group in groups)))
        stmt = stmt.where(or_(*found))
    today = today or local_today()
    if status == "withdrawn":
        return stmt.where(Certificate.withdrawn_at.is_not(None))
    if status:
        stmt = stmt.where(Certificate.withdrawn_at.is_(None))
    if status == "revoked":
        stmt = stmt.where(Certificate.revoked_at.is_not(None))
    elif status == "expired":
        stmt = stmt.where(Certificate.revoked_at.is_(None), Certificate.valid_until < today)
    elif status == "valid":
        stmt = stmt.where(Certificate.revoked_at.is_(None),
                          or_(Certificate.valid_until.is_(None), Certificate.valid_until >= today))
    return stmt
