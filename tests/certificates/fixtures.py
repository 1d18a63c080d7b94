"""Certificate fixtures, shared by tests/certificates and tests/verification (imported by both conftests)."""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime

import pytest
from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.certificates.queries import latest_certificate
from lms.certificates.services import ensure_document, issue_certificate
from lms.courses.models import Lesson
from lms.courses.services import enroll, mark_lesson_done
from lms.extensions import db
from lms.timeutil import utcnow

#: a single-choice question whose first option is right
QUESTION = {"id": "soal-satu", "type": "single", "text": "Apa yang benar?",
            "options": [{"text": "Jawaban benar", "correct": True}, {"text": "Jawaban salah"}],
            "explanation": "Karena benar."}
QUIZ_MODULES = [
    {"slug": "modul-satu", "title": "Modul Satu", "lessons": [{"slug": "pelajaran-a", "title": "A", "body": "A.\n"}],
     "quiz": {"title": "Kuis Satu", "questions": [QUESTION]}},
    {"slug": "modul-dua", "title": "Modul Dua", "lessons": [{"slug": "pelajaran-b", "title": "B", "body": "B.\n"}],
     "quiz": {"title": "Kuis Dua", "questions": [QUESTION]}},
]


#: the default course of `certify`: 3 lessons of 5 minutes and 720 minutes of practice, 16 JP
PRACTICE_MODULES = [
    {"slug": "modul-satu", "title": "Modul Satu", "practice_minutes": 360, "lessons": [
        {"slug": "pelajaran-a", "title": "Pelajaran A", "body": "Isi pelajaran A.\n"},
        {"slug": "pelajaran-b", "title": "Pelajaran B", "body": "Isi pelajaran B.\n"}]},
    {"slug": "modul-dua", "title": "Modul Dua", "practice_minutes": 360, "lessons": [
        {"slug": "pelajaran-c", "title": "Pelajaran C", "body": "Isi pelajaran C.\n"}]},
]


def complete_lessons(user, course) -> None:
    for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id,
                                                          Lesson.retired_at.is_(None))):
        mark_lesson_done(user.id, lesson)


@pytest.fixture
def certify(make_user, make_course):
    """Complete a course (lessons only) for a learner and return the certificate it issued.

    certify(user=None, course=None, *, full_name=..., locale=..., validity=24, slug=...)
    """

    def _certify(user=None, course=None, *, full_name=None, locale=None, validity=24, slug="kursus-uji",
                 course_settings=None, completed_at=None, modules=None):
        user = user or make_user(full_name=full_name, locale=locale)
        if course is None:
            settings = {"certificate_validity_months": validity, "title": "Perawatan Dasar Lansia"}
            settings.update(course_settings or {})
            course = make_course(slug, course=settings, modules=modules or PRACTICE_MODULES)
        if completed_at is None:
            complete_lessons(user, course)
        else:  # completed long ago: issue as the completion would have then
            enrollment = enroll(user.id, course)
            enrollment.completed_at = completed_at
            issue_certificate(user, course, completed_at=completed_at, enrollment=enrollment)
        db.session.commit()
        certificate = latest_certificate(user.id, course.id)
        assert certificate is not None
        return certificate

    return _certify


@pytest.fixture
def issued_pdf(certify):
    """A certificate and the bytes of its signed PDF."""

    def _issued_pdf(**kwargs) -> tuple[Certificate, bytes]:
        certificate = certify(**kwargs)
        document = ensure_document(certificate)
        db.session.commit()
        return certificate, document.data

    return _issued_pdf


def flip_byte_in_signed_range(pdf: bytes, marker: bytes = b"stream\n") -> bytes:
    """Change one byte inside the page content stream (well inside the first signed range)."""
    position = pdf.index(marker) + len(marker) + 10
    data = bytearray(pdf)
    data[position] ^= 0x01
    return bytes(data)


# zbarimg also tries linear barcodes and now and then "finds" one in the printed text (B:-A):
# read QR codes only.
ZBARIMG_QR_ONLY = ("-Sdisable", "-Sqrcode.enable")


def tool(name: str) -> str:
    """The path of a system tool the suite drives for real (installed by tools/ensure-system-packages)."""
    path = shutil.which(name)
    assert path, f"{name} is missing: run tools/ensure-system-packages (poppler-utils, zbar-tools)"
    return path


def run_tool(*args, data: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, input=data, capture_output=True, timeout=60, check=False)


def years_ago(years: int = 3) -> datetime:
    """A naive-UTC moment `years` ago (the 1st of the month, so every year has the day)."""
    now = utcnow()
    return now.replace(year=now.year - years, day=1)


def signed_by_stranger(pdf: bytes) -> bytes:
    """The same PDF signed with a key and CA that are not ours (pyHanko, cryptography)."""
    import datetime as dt

    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from lms.certificates.signing import outside_event_loop

    now = dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Rawat (not really)")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore(),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="Forged")
    return outside_event_loop(signers.PdfSigner(meta, signer=signer).sign_pdf, writer).getvalue()


@pytest.fixture
def fresh_keys(app, tmp_path):
    """A key folder of this test's own (so rotations stay here); returns its path."""
    folder = tmp_path / "keys"
    previous = app.config["CERTIFICATE_KEY_DIR"]
    app.config["CERTIFICATE_KEY_DIR"] = str(folder)
    try:
        yield folder
    finally:
        app.config["CERTIFICATE_KEY_DIR"] = previous
