"""The OpenBadgeCredential of a certificate, before it is signed (Open Badges 3.0 on VC Data Model 2.0).

Every field comes from the certificate as issued (its snapshot of names, course, dates and
observed skills), so the credential, the PDF, the QR payload and the register tell one story:

    id                          the certificate's verification page (/verifikasi/<ID>)
    issuer                      Profile: did:web of LMS_VERIFICATION_BASE_URL, the organisation's name, url, image
    validFrom                   the start of the completion day (issuer's time zone), in UTC
    validUntil                  the end of the last valid day, in UTC; absent when it never expires
    awardedDate                 when the certificate was issued
    name                        the course title as printed
    credentialSubject           AchievementSubject:
        name, identifier        the holder's name (plain) and, when the account has one, a salted
                                SHA-256 of the phone number or e-mail (never the value itself)
        creditsEarned           hours of study (JP)
        achievement             the course: id (its page), name, description, criteria.narrative
                                (lessons, quizzes, observed skills), creditsAvailable (hours),
                                inLanguage, version, image, and one alignment per observed skill that
                                names an SKKNI/BNSP unit
    credentialStatus            BitstringStatusListEntry (revocation): the list URL and the bit
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import and_, func, select
from flask_babel import gettext as _

from ..certificates.dates import expired_since, start_of_day_utc
from ..certificates.models import Certificate
from ..certificates.urls import VERIFY_PATH, base_url
from ..courses.models import Lesson, Module
from ..extensions import db
from .did import did_web
from .jsonld import OB_V3, VC_V2
from .status_list import STATUS_PURPOSE

STATUS_PATH = "/api/v1/credentials/status"
BADGE_PATH = "/lencana"
ISSUER_IMAGE_PATH = "/static/icon-512.png"
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]


def iso_z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_id(public_id: str) -> str:
    return f"{base_url()}{VERIFY_PATH}/{public_id}"


def status_list_url(number: int) -> str:
    return f"{base_url()}{STATUS_PATH}/{number}"


def badge_image_url(course_slug: str) -> str:
    return f"{base_url()}{BADGE_PATH}/{course_slug}.png"


def identity_hash(value: str, salt: str) -> str:
    """OB 3.0 IdentityHash: ``sha256$`` and the hex SHA-256 of the value followed by the salt."""
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def holder_identifiers(name: str, phone: str | None, email: str | None, salt: str | None = None) -> list[dict]:
    """The holder's name in plain, and a salted hash of how they sign in, so that they (and only they, who
    know the value) can show the credential is theirs."""
    identifiers = [{"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": name}]
    contact = ("ext:phoneNumber", phone) if phone else ("emailAddress", email.strip().lower()) if email else None
    if contact is not None:
        salt = salt or secrets.token_hex(16)
        identifiers.append({"type": "IdentityObject", "identityType": contact[0], "hashed": True,
                            "identityHash": identity_hash(contact[1], salt), "salt": salt})
    return identifiers


def course_requirements(course_id: int) -> tuple[int, int]:
    """(current lessons, current module quizzes) of a course, in one query."""
    row = db.session.execute(
        select(func.count(func.distinct(Lesson.id)),
               func.count(func.distinct(Module.id)).filter(Module.has_quiz.is_(True)))
        .select_from(Module)
        .outerjoin(Lesson, and_(Lesson.module_id == Module.id, Lesson.retired_at.is_(None)))
        .where(Module.course_id == course_id, Module.retired_at.is_(None))).one()
    return int(row[0]), int(row[1])


def criteria_narrative(certificate: Certificate, lessons: int, quizzes: int, pass_mark: int) -> str:
    """What was required, in the certificate's language (Markdown, as OB 3.0 allows)."""
    with force_locale(certificate.locale):
        if quizzes:
            text = _("Completed every lesson of the course (%(lessons)d) and passed every module quiz "
                     "(%(quizzes)d) with at least %(mark)d%%, in %(hours)d hours of study (JP).",
                     lessons=lessons, quizzes=quizzes, mark=pass_mark, hours=certificate.hours)
        else:
            text = _("Completed every lesson of the course (%(lessons)d), in %(hours)d hours of study (JP).",
                     lessons=lessons, hours=certificate.hours)
        skills = certificate.observed_skills
        if skills:
            lines = [_("Practical skills a care manager saw the holder do competently:")]
            lines += [f"- {skill.title} ({skill.observed.isoformat()}, {skill.observer})" for skill in skills]
            text += "\n\n" + "\n".join(lines)
        return text


def alignments(certificate: Certificate, course_url: str) -> list[dict]:
    return [{"type": ["Alignment"], "targetName": skill.title, "targetCode": skill.competency_unit,
             "targetFramework": "SKKNI", "targetUrl": f"{course_url}#keterampilan-{skill.id}"}
            for skill in certificate.observed_skills if skill.competency_unit]


def unsigned_credential(certificate: Certificate, *, status_list: int, status_index: int, issuer_url: str,
                        salt: str | None = None) -> dict:
    """The credential of `certificate` without its proof (see the module docstring)."""
    course, holder = certificate.course, certificate.holder
    course_url = f"{base_url()}/kursus/{course.slug}"
    lessons, quizzes = course_requirements(course.id)
    achievement = {
        "id": course_url, "type": ["Achievement"],
        "achievementType": "Certificate" if certificate.skills else "CertificateOfCompletion",
        "name": certificate.course_title, "description": " ".join((course.summary or certificate.course_title).split()),
        "criteria": {"narrative": criteria_narrative(certificate, lessons, quizzes, course.pass_mark)},
        "creditsAvailable": float(certificate.hours), "inLanguage": course.language or "id",
        "version": str(certificate.course_version),
        "image": {"id": badge_image_url(course.slug), "type": "Image", "caption": certificate.course_title},
    }
    if aligned := alignments(certificate, course_url):
        achievement["alignment"] = aligned
    list_url = status_list_url(status_list)
    credential = {
        "@context": [VC_V2, OB_V3],
        "id": credential_id(certificate.public_id),
        "type": list(CREDENTIAL_TYPES),
        "issuer": {"id": did_web(base_url()), "type": ["Profile"], "name": certificate.issuer, "url": issuer_url,
                   "image": {"id": base_url() + ISSUER_IMAGE_PATH, "type": "Image"}},
        "validFrom": iso_z(start_of_day_utc(certificate.completed_on)),
        **({"validUntil": iso_z(expired_since(certificate.valid_until) - timedelta(seconds=1))}
           if certificate.valid_until is not None else {}),
        "awardedDate": iso_z(certificate.issued_at),
        "name": certificate.course_title,
        "credentialSubject": {
            "type": ["AchievementSubject"], "name": certificate.holder_name,
            "identifier": holder_identifiers(certificate.holder_name, holder.phone, holder.email, salt),
            "creditsEarned": float(certificate.hours), "achievement": achievement,
        },
        "credentialStatus": {
            "id": f"{list_url}#{status_index}", "type": "BitstringStatusListEntry", "statusPurpose": STATUS_PURPOSE,
            "statusListIndex": str(status_index), "statusListCredential": list_url,
        },
    }
    return credential


def unsigned_status_list(number: int, encoded: str, *, valid_from: datetime) -> dict:
    """The BitstringStatusListCredential of list `number`, before it is signed."""
    url = status_list_url(number)
    return {
        "@context": [VC_V2], "id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did_web(base_url()), "validFrom": iso_z(valid_from),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": STATUS_PURPOSE,
                              "encodedList": encoded},
    }
