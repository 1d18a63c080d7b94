"""`flask --app wsgi lms certificates list | pdf | revoke | reinstate`."""
from __future__ import annotations

from sqlalchemy import select

from lms.certificates.models import CertificateEvent
from lms.certificates.queries import certificate_status
from lms.extensions import db


def test_list_shows_id_holder_course_date_and_status(runner, certify, make_user):
    certificate = certify(user=make_user(full_name="Siti Aminah"))
    result = runner.invoke(args=["lms", "certificates", "list"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if certificate.public_id in line)
    assert line.split("\t") == [certificate.public_id, "Siti Aminah", "Perawatan Dasar Lansia",
                                certificate.completed_on.isoformat(), "valid"]


def test_pdf_writes_the_signed_file(runner, certify, tmp_path):
    certificate = certify()
    target = tmp_path / "out.pdf"
    result = runner.invoke(args=["lms", "certificates", "pdf", certificate.public_id.lower(), str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF") and b"/ByteRange" in target.read_bytes()


def test_revoke_and_reinstate_are_logged_like_the_admin_page(runner, certify):
    certificate = certify()
    result = runner.invoke(args=["lms", "certificates", "revoke", certificate.public_id, "--reason", "Data palsu."])
    assert result.exit_code == 0, result.output
    db.session.refresh(certificate)
    assert certificate_status(certificate) == "revoked" and certificate.revocation_reason == "Data palsu."
    again = runner.invoke(args=["lms", "certificates", "revoke", certificate.public_id, "--reason", "Lagi."])
    assert again.exit_code != 0 and "already revoked" in again.output
    result = runner.invoke(args=["lms", "certificates", "reinstate", certificate.public_id, "--reason", "Keliru."])
    assert result.exit_code == 0, result.output
    logged = db.session.scalars(select(CertificateEvent).where(CertificateEvent.certificate_id == certificate.id)
                                .order_by(CertificateEvent.id)).all()
    assert [(e.kind, e.reason) for e in logged] == [("issued", ""), ("revoked", "Data palsu."),
                                                    ("reinstated", "Keliru.")]
    assert logged[1].actor_id is None and logged[1].actor_label.startswith("command line (")


def test_unknown_ids_and_typos_are_reported(runner, certify):
    certificate = certify()
    typo = certificate.public_id[:-1] + ("0" if certificate.public_id[-1] != "0" else "1")
    result = runner.invoke(args=["lms", "certificates", "revoke", typo, "--reason", "x"])
    assert result.exit_code != 0 and "typing error" in result.output
    result = runner.invoke(args=["lms", "certificates", "revoke", certificate.public_id])
    assert result.exit_code != 0 and "--reason" in result.output


def test_issue_missing_catches_up_on_completions_without_a_certificate(app, runner, make_user, make_course):
    """Completed while the keys were missing: the completion is kept, the certificate comes later."""
    from lms.certificates.queries import latest_certificate
    from tests.certificates.fixtures import complete_lessons

    user = make_user()
    course = make_course()
    app.config["CERTIFICATE_KEYS_AUTO_INIT"] = False
    previous = app.config["CERTIFICATE_KEY_DIR"]
    app.config["CERTIFICATE_KEY_DIR"] = str(app.instance_path) + "/no-keys-here"
    try:
        complete_lessons(user, course)
        db.session.commit()
    finally:
        app.config["CERTIFICATE_KEY_DIR"] = previous
        app.config["CERTIFICATE_KEYS_AUTO_INIT"] = True
    assert latest_certificate(user.id, course.id) is None
    from lms.courses.models import Enrollment

    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
    assert enrollment.completed_at is not None  # the learner's completion was kept
    result = runner.invoke(args=["lms", "certificates", "issue-missing"])
    assert result.exit_code == 0, result.output
    certificate = latest_certificate(user.id, course.id)
    assert certificate is not None and certificate.public_id in result.output
    again = runner.invoke(args=["lms", "certificates", "issue-missing"])
    assert "0 certificate(s) issued." in again.output
