"""Journey: a learner deletes her account from a phone, keeping her certificate verifiable.

She finished a course and holds a certificate. On a 360 × 800 phone she opens her profile, asks for her account
to be deleted, chooses to keep the certificate verifiable and confirms with her password. Every page then shows
the date of the deletion with a button to cancel. Once the grace period is over, `lms erasure run` erases the
account: she can no longer sign in, and a verifier checking her certificate still reads her name and course.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.e2e.conftest import PHONE as PHONE_SCREEN, check_accessibility
from tests.e2e.test_trainer_journey import sign_in
from tests.factories import DEFAULT_PASSWORD, write_course

pytestmark = pytest.mark.e2e

HOLDER, PHONE = "Ni Luh Putu Ayu", "+6281234500077"


@pytest.fixture
def holder(live_server, tmp_path) -> str:
    """The learner, who finished a course through the real services; returns her certificate's ID."""
    from sqlalchemy import select

    from lms.accounts.privacy import ADULT_CONSENT
    from lms.accounts.services import register_user
    from lms.certificates.queries import latest_certificate
    from lms.courses.importer import import_content
    from lms.courses.models import Course, Lesson
    from lms.courses.services import mark_lesson_done
    from lms.extensions import db

    app = live_server.app
    folder = write_course(tmp_path / "journey-content", "luka-tekan", course={"title": "Mencegah Luka Tekan"},
                          modules=[{"slug": "dasar", "title": "Dasar", "lessons": [
                              {"slug": "ubah-posisi", "title": "Ubah Posisi", "body": "Ubah posisi tiap 2 jam.\n"}]}])
    with app.app_context():
        import_content(folder)
        learner = register_user(HOLDER, "phone", PHONE, DEFAULT_PASSWORD, consent=ADULT_CONSENT)
        db.session.commit()
        course = db.session.scalar(select(Course).where(Course.slug == "luka-tekan"))
        for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)):
            mark_lesson_done(learner.id, lesson)  # completes the course, which issues the certificate
        db.session.commit()
        public_id = latest_certificate(learner.id, course.id).public_id
        db.session.remove()
    return public_id


def run_erasure_later(live_server, days: int) -> str:
    """`flask lms erasure run`, with the clock moved `days` on."""
    from lms.timeutil import frozen_at, utcnow

    app = live_server.app
    with app.app_context():
        with frozen_at(utcnow() + timedelta(days=days)):
            result = app.test_cli_runner().invoke(args=["lms", "erasure", "run"])
        from lms.extensions import db

        db.session.remove()
    assert result.exit_code == 0, result.output
    return result.output


def test_a_learner_deletes_her_account_keeping_her_certificate_verifiable(live_server, new_page, chromium, holder,
                                                                         shots):
    public_id = holder
    page = new_page()
    page.goto(live_server("/masuk"))
    sign_in(page, "081234500077")
    page.goto(live_server("/profil"))
    panel = page.locator("section", has=page.get_by_role("heading", name="Hapus akun saya"))
    assert panel.count() == 1
    shots(page, "profile-with-the-deletion-panel")
    panel.get_by_role("link", name="Hapus akun saya").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Hapus akun saya", level=1).is_visible()
    assert "Anda punya 1 sertifikat" in page.content()
    shots(page, "deletion-page")
    check_accessibility(page, "deletion page")

    page.get_by_label("Tetap bisa diperiksa", exact=False).check()
    page.get_by_label("Kata sandi Anda").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Hapus akun saya").click()
    page.wait_for_load_state()
    banner = page.locator(".erasure-banner")
    assert "Akun Anda akan dihapus pada" in page.content()
    assert page.get_by_role("button", name="Batalkan penghapusan").count() >= 1
    shots(page, "grace-period-status")

    page.goto(live_server("/dasbor"))
    assert banner.is_visible() and re.search(r"Akun Anda akan dihapus pada \d+ \w+ 20\d\d", banner.inner_text())
    assert banner.get_by_role("button", name="Batalkan penghapusan").is_visible()
    shots(page, "banner-on-my-learning")
    check_accessibility(page, "banner")

    assert "0 account(s) erased" in run_erasure_later(live_server, days=13)  # not before the date
    page.reload()
    assert page.locator(".erasure-banner").is_visible()
    assert "1 account(s) erased" in run_erasure_later(live_server, days=15)

    page.goto(live_server("/dasbor"))
    assert "/masuk" in page.url  # the session ended with the account
    # A refused sign-in answers 400, which Chromium reports on the console: a context of its own, not new_page's
    # watcher, which fails a journey on any console error.
    context = chromium.new_context(viewport=PHONE_SCREEN, locale="id-ID")
    try:
        again = context.new_page()
        again.goto(live_server("/masuk"))
        sign_in(again, "081234500077")
        assert "/masuk" in again.url and "Nomor HP/e-mail atau kata sandi salah" in again.content()
        shots(again, "sign-in-refused")
    finally:
        context.close()

    verifier = new_page()
    verifier.goto(live_server(f"/verifikasi/{public_id}"))
    result = verifier.locator("[data-status]").first
    assert result.get_attribute("data-status") == "valid"
    assert HOLDER in result.inner_text() and "Mencegah Luka Tekan" in result.inner_text()
    assert "81234500077" not in verifier.content()
    shots(verifier, "certificate-still-verifiable")
