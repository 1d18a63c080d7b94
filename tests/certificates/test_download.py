"""The learner's certificate on the course page and the dashboard; who may download the PDF."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.certificates.models import CertificateDocument
from lms.certificates.services import revoke
from lms.extensions import db
from tests.certificates.fixtures import years_ago
from tests.conftest import Browser


def signed_in(app, user, phone) -> Browser:
    browser = Browser(app.test_client())
    browser.client.set_cookie("lang", "en")
    browser.login(phone)
    return browser


@pytest.fixture
def holder(make_user):
    return make_user(full_name="Siti Aminah", phone="+6281200000001")


def test_the_holder_downloads_the_pdf_named_after_its_id(app, holder, certify):
    certificate = certify(user=holder)
    browser = signed_in(app, holder, "081200000001")
    url = f"/sertifikat/{certificate.public_id}/unduh"
    response = browser.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"{certificate.public_id}.pdf" in disposition
    stored = db.session.scalar(select(CertificateDocument).where(CertificateDocument.certificate_id == certificate.id))
    assert stored is not None and stored.data == response.data  # kept in the database, not on disk
    assert browser.get(url).data == response.data  # the same file every time


def test_others_get_404_and_anonymous_visitors_sign_in_first(app, client, holder, certify, make_user):
    certificate = certify(user=holder)
    url = f"/sertifikat/{certificate.public_id}/unduh"
    make_user(phone="+6281200000002")
    make_user(Role.TRAINER, phone="+6281200000003")
    assert signed_in(app, None, "081200000002").get(url).status_code == 404
    assert signed_in(app, None, "081200000003").get(url).status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]
    assert signed_in(app, holder, "081200000001").get("/sertifikat/RWT-2026-7K3M-9QXH-F/unduh").status_code == 404


def test_an_admin_may_download_any_certificate(app, holder, certify, make_user):
    certificate = certify(user=holder)
    make_user(Role.ADMIN, phone="+6281200000009")
    response = signed_in(app, None, "081200000009").get(f"/sertifikat/{certificate.public_id}/unduh")
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_course_page_and_dashboard_offer_the_download(app, holder, certify):
    certificate = certify(user=holder)
    browser = signed_in(app, holder, "081200000001")
    for url in ("/kursus/kursus-uji", "/dasbor"):
        html = browser.get(url).get_data(as_text=True)
        assert f'href="/sertifikat/{certificate.public_id}/unduh"' in html, url
        assert "Download certificate (PDF)" in html and certificate.public_id in html


def test_a_revoked_certificate_is_explained_not_offered(app, holder, certify):
    certificate = certify(user=holder)
    revoke(certificate, "Kesalahan data.")
    db.session.commit()
    browser = signed_in(app, holder, "081200000001")
    html = browser.get("/dasbor").get_data(as_text=True)
    assert "was revoked" in html and "Kesalahan data." in html and "/unduh" not in html
    assert browser.get(f"/sertifikat/{certificate.public_id}/unduh").status_code == 404


@pytest.mark.parametrize(("lang", "next_steps"), [
    ("en", ["What to do now: talk to your care manager (pendamping) or an administrator about the reason.",
            "an administrator can make the certificate valid again", "check it in your profile first"]),
    ("id", ["Yang bisa Anda lakukan: bicarakan alasannya dengan pendamping Anda atau administrator.",
            "administrator bisa membuat sertifikat ini berlaku lagi", "periksa dulu nama Anda di profil"]),
])
def test_a_revoked_certificate_says_what_to_do_next(app, holder, certify, lang, next_steps):
    certificate = certify(user=holder)
    revoke(certificate, "Kesalahan data.")
    db.session.commit()
    browser = signed_in(app, holder, "081200000001")
    holder.locale = lang  # (a signed-in learner reads the site in the language of the profile)
    db.session.commit()
    for page in ("/dasbor", f"/kursus/{certificate.course.slug}"):
        html = " ".join(browser.get(page).get_data(as_text=True).split())
        assert all(text in html for text in next_steps), page
        assert '<a href="/profil">' in html


def test_an_expired_certificate_shows_how_to_renew(app, holder, certify):
    certificate = certify(user=holder, completed_at=years_ago(3))
    browser = signed_in(app, holder, "081200000001")
    html = browser.get("/kursus/kursus-uji").get_data(as_text=True)
    assert f"Your certificate {certificate.public_id} expired on" in html
    assert "renew" in html


def test_nothing_is_shown_to_other_learners(app, holder, certify, make_user):
    certify(user=holder)
    make_user(phone="+6281200000002")
    html = signed_in(app, None, "081200000002").get("/kursus/kursus-uji").get_data(as_text=True)
    assert "certificate-links" not in html


def test_a_completion_without_a_certificate_yet_says_so(app, holder, make_course):
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
        html = signed_in(app, holder, "081200000001").get("/dasbor").get_data(as_text=True)
    finally:
        app.config["CERTIFICATE_KEY_DIR"], app.config["CERTIFICATE_KEYS_AUTO_INIT"] = previous, True
    assert "Your certificate is not ready yet" in html
    assert db.session.scalar(select(Enrollment.completed_at).where(Enrollment.user_id == holder.id)) is not None
