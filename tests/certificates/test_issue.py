"""Issuing: once per learner, course and cycle, with what was certified as it was."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from lms.certificates.keys import load_keyring
from lms.certificates.models import Certificate, CertificateEvent
from lms.certificates.public_id import parse
from lms.certificates.queries import payload_of
from lms.certificates.services import issue_certificate
from lms.certificates.signing import canonical_payload, verify_payload
from lms.courses.models import Enrollment, Lesson
from lms.courses.services import mark_lesson_done
from lms.extensions import db
from tests.certificates.fixtures import PRACTICE_MODULES


def count_certificates(user_id=None):
    stmt = select(func.count()).select_from(Certificate)
    if user_id is not None:
        stmt = stmt.where(Certificate.user_id == user_id)
    return db.session.scalar(stmt)


def test_completing_a_course_issues_one_signed_certificate(certify, make_user):
    user = make_user(full_name="Siti Aminah", locale="en")
    certificate = certify(user=user, validity=24)
    assert parse(certificate.public_id).ok and certificate.public_id.startswith("RWT-")
    assert certificate.holder_name == "Siti Aminah" and certificate.course_title == "Perawatan Dasar Lansia"
    assert certificate.hours == 16 and certificate.course_version == 1 and certificate.cycle == 1
    assert certificate.locale == "en" and certificate.issuer == "Rawat"
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
    assert certificate.enrollment_id == enrollment.id
    assert certificate.valid_until is not None and certificate.valid_until > certificate.completed_on
    keyring = load_keyring()
    assert certificate.key_id == keyring.current_kid
    assert verify_payload(keyring, payload_of(certificate), certificate.signature, issued_at=certificate.issued_at)
    events = db.session.scalars(select(CertificateEvent).where(CertificateEvent.certificate_id == certificate.id))
    assert [e.kind for e in events] == ["issued"]


def test_no_expiry_when_the_course_has_no_validity(certify):
    certificate = certify(validity=None)
    assert certificate.valid_until is None
    assert json.loads(canonical_payload(payload_of(certificate)))["valid_until"] is None


def test_completing_again_or_issuing_twice_gives_the_same_certificate(certify, make_user):
    user = make_user()
    certificate = certify(user=user)
    # Marking lessons again does not complete again; calling the service again returns the same row.
    for lesson in db.session.scalars(select(Lesson)):
        mark_lesson_done(user.id, lesson)
    again = issue_certificate(user, certificate.course, cycle=1)
    db.session.commit()
    assert again.id == certificate.id and count_certificates(user.id) == 1


def test_the_record_keeps_what_was_certified(certify, make_user, make_course):
    user = make_user(full_name="Budi Santoso")
    certificate = certify(user=user)
    public_id, signature = certificate.public_id, certificate.signature
    user.full_name = "Budi S."
    longer = [{**module, "practice_minutes": 600} for module in PRACTICE_MODULES]  # 27 JP now
    assert make_course("kursus-uji", course={"title": "Judul Baru", "version": 2}, modules=longer).hours == 27
    db.session.commit()
    db.session.refresh(certificate)
    assert certificate.holder_name == "Budi Santoso" and certificate.course_title == "Perawatan Dasar Lansia"
    assert certificate.hours == 16 and certificate.course_version == 1
    assert certificate.public_id == public_id and certificate.signature == signature


def test_canonical_payload_is_sorted_compact_utf8(certify, make_user):
    certificate = certify(user=make_user(full_name="Sÿlviá O'Brien-Đặng"))
    raw = canonical_payload(payload_of(certificate))
    text = raw.decode("utf-8")
    assert text.startswith('{"completed":"') and " " not in text.replace("Perawatan Dasar Lansia", "").replace(
        "Sÿlviá O'Brien-Đặng", "")
    assert "Sÿlviá O'Brien-Đặng" in text  # written as itself, not \u escapes
    keys = list(json.loads(text))
    assert keys == sorted(keys) == ["completed", "course", "course_version", "holder", "hours", "id", "issuer",
                                    "kid", "v", "valid_until"]


def test_a_tampered_payload_fails_the_signature(certify):
    certificate = certify()
    keyring = load_keyring()
    fields = payload_of(certificate)
    assert verify_payload(keyring, fields, certificate.signature)
    for key, value in [("holder", "Orang Lain"), ("hours", 99), ("valid_until", "2099-12-31"),
                       ("course", "Kursus Lain"), ("id", "RWT-2026-0000-0000-0")]:
        assert not verify_payload(keyring, {**fields, key: value}, certificate.signature), key
    broken = certificate.signature[:-2] + ("A" if certificate.signature[-2] != "A" else "B") + certificate.signature[-1]
    assert not verify_payload(keyring, fields, broken)
    assert not verify_payload(keyring, {**fields, "kid": "rk-unknown"}, certificate.signature)


def test_a_remembered_signature_check_still_checks_the_key_and_the_payload(certify):
    import datetime as dt

    from lms.certificates import signing

    certificate = certify()
    keyring = load_keyring()
    fields = payload_of(certificate)
    signing._VERIFIED.clear()
    assert verify_payload(keyring, fields, certificate.signature, issued_at=certificate.issued_at)
    assert len(signing._VERIFIED) == 1
    assert verify_payload(keyring, fields, certificate.signature, issued_at=certificate.issued_at)  # remembered
    assert not verify_payload(keyring, {**fields, "holder": "Orang Lain"}, certificate.signature)
    assert not verify_payload(keyring, fields, certificate.signature, issued_at=dt.datetime(2000, 1, 1))
    assert len(signing._VERIFIED) == 1
