"""The learner's certificate on the course page and the dashboard; who may download the PDF."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.certificates.models import CertificateDocument
from lms.certificates.services import revoke
from lms.extensions import db
from tests.certificates.fixtures import years_ago


@pytest.fixture
def holder(make_user):
    return make_user(full_name="Siti Aminah", phone="+6281200000001")


def test_the_holder_downloads_the_pdf_named_after_its_id(sign_in, holder, certify):
    certificate = certify(user=holder)
    browser = sign_in(holder, lang="en")
    url = f"/sertifikat/{certificate.public_id}/unduh"
    response = browser.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"{certificate.public_id}.pdf" in disposition
    stored = db.session.scalar(select(CertificateDocument).where(CertificateDocument.certificate_id == certificate.id))
    assert stored is not None and stored.data == response.data  # kept in the database, not on disk
    assert browser.get(url).data == response.data  # the same file every time


def test_others_get_404_and_anonymous_visitors_sign_in_first(sign_in, client, holder, certify):
    certificate = certify(user=holder)
    url = f"/sertifikat/{certificate.public_id}/unduh"
    assert sign_in(lang="en").get(url).status_code == 404  # another learner
    assert sign_in(Role.TRAINER, lang="en").get(url).status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]
    assert sign_in(holder, lang="en").get("/sertifikat/RWT-2026-7K3M-9QXH-F/unduh").status_code == 404


def test_an_admin_may_download_any_certificate(sign_in, holder, certify):
    certificate = certify(user=holder)
    response = sign_in(Role.ADMIN, lang="en").get(f"/sertifikat/{certificate.public_id}/unduh")
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_course_page_and_dashboard_offer_the_download(sign_in, holder, certify):
    certificate = certify(user=holder)
    browser = sign_in(holder, lang="en")
    for url in ("/kursus/kursus-uji", "/dasbor"):
        html = browser.get(url).get_data(as_text=True)
        assert f'href="/sertifikat/{certificate.public_id}/unduh"' in html, url
        assert "Download certificate (PDF)" in html and certificate.public_id in html


def test_a_revoked_certificate_is_explained_not_offered(sign_in, holder, certify):
    certificate = certify(user=holder)
    revoke(certificate, "Kesalahan data.")
    db.session.commit()
    browser = sign_in(holder, lang="en")
    html = browser.get("/dasbor").get_data(as_text=True)
    assert "was revoked" in html and "Kesalahan data." in html and "/unduh" not in html
    assert browser.get(f"/sertifikat/{certificate.public_id}/unduh").status_code == 404


@pytest.mark.parametrize(("lang", "next_steps"), [
    ("en", ["What to do now: talk to your care manager (pendamping) or an administrator about the reason.",
            "an administrator can make the certificate valid again", "check it in your profile first"]),
    ("id", ["Yang bisa Anda lakukan: bicarakan alasannya dengan pendamping Anda atau administrator.",
            "administrator bisa membuat sertifikat ini berlaku lagi", "periksa dulu nama Anda di profil"]),
])
def test_a_revoked_certificate_says_what_to_do_next(sign_in, holder, certify, lang, next_steps):
    certificate = certify(user=holder)
    revoke(certificate, "Kesalahan data.")
    db.session.commit()
    browser = sign_in(holder, lang="en")
    holder.locale = lang  # (a signed-in learner reads the site in the language of the profile)
    db.session.commit()
    for page in ("/dasbor", f"/kursus/{certificate.course.slug}"):
        html = " ".join(browser.get(page).get_data(as_text=True).split())
        assert all(text in html for text in next_steps), page
        assert '<a href="/profil">' in html


def test_an_expired_certificate_shows_how_to_renew(sign_in, holder, certify):
    certificate = certify(user=holder, completed_at=years_ago(3))
    browser = sign_in(holder, lang="en")
    html = browser.get("/kursus/kursus-uji").get_data(as_text=True)
    assert f"Your certificate {certificate.public_id} expired on" in html
    assert "renew" in html


def test_nothing_is_shown_to_other_learners(sign_in, holder, certify):
    certify(user=holder)
    html = sign_in(lang="en").get("/kursus/kursus-uji").get_data(as_text=True)
    assert "certificate-links" not in html


def test_a_completion_without_a_certificate_yet_says_so(app, sign_in, holder, make_course):
    from lms.courses.models import Enrollment
    from lms.courses.services import enroll
    from lms.timeutil import utcnow

    course = make_course()
    enrollment = enroll(holder.id, course)
    enrollment.completed_at = utcnow()  # completed while certificates could not be issued
    db.session.commit()
    # Still no keys: the dashboard cannot issue it now either (see test_reconcile.py for when it can).
    app.config["CERTIFICATE_KEYS_AUTO_INIT"] = False
    previous, app.config["CERTIFICATE_KEY_DIR"] = app.config["CERTIFICATE_KEY_DIR"], app.instance_path + "/no-keys"
    try:
        html = sign_in(holder, lang="en").get("/dasbor").get_data(as_text=True)
    finally:
        app.config["CERTIFICATE_KEY_DIR"], app.config["CERTIFICATE_KEYS_AUTO_INIT"] = previous, True
    assert "Your certificate is not ready yet" in html
    assert db.session.scalar(select(Enrollment.completed_at).where(Enrollment.user_id == holder.id)) is not None
