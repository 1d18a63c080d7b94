"""A learner at 360×800 opens "Data saya" from the profile, sees who opened her data, downloads all of it (a ZIP
with the summary and the JSON, her certificate inside) and reads the summary on the phone, with and without
JavaScript."""
from __future__ import annotations

import json
import zipfile

import pytest

from tests.e2e.conftest import check_accessibility
from tests.factories import DEFAULT_PASSWORD, write_course
from tests.e2e.browser import sign_in_through_form

pytestmark = pytest.mark.e2e

LEARNER = "Ni Made Sri Wahyuni"
TRAINER_PHONE = "+6281300000002"


def _world(live_server, tmp_path, phone: str) -> int:
    """A learner in a care manager's group who finished a short course (certificate issued)."""
    from sqlalchemy import select

    from lms.accounts.models import Role
    from lms.accounts.services import register_user
    from lms.accounts.privacy import ADULT_CONSENT
    from lms.cohorts.services import add_member, create_cohort
    from lms.courses.importer import import_content
    from lms.courses.models import Course, Lesson
    from lms.courses.services import mark_lesson_done
    from lms.extensions import db

    app = live_server.app
    folder = write_course(tmp_path / "content", "posisi-tidur", course={"title": "Posisi Tidur yang Aman"},
                          modules=[{"slug": "dasar", "title": "Dasar", "lessons": [
                              {"slug": "miring", "title": "Tidur Miring", "body": "Ubah posisi tiap 2 jam.\n"}]}])
    with app.app_context():
        import_content(folder)
        learner = register_user(LEARNER, "phone", phone, DEFAULT_PASSWORD, consent=ADULT_CONSENT)
        trainer = register_user("Ibu Pendamping Ani", "phone", TRAINER_PHONE, DEFAULT_PASSWORD, role=Role.TRAINER,
                                consent=ADULT_CONSENT)
        db.session.flush()
        course = db.session.scalar(select(Course).where(Course.slug == "posisi-tidur"))
        cohort = create_cohort(trainer, "Posyandu Melati", "", [course.id])
        add_member(cohort, learner, actor=learner)
        for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)):
            mark_lesson_done(learner.id, lesson)
        db.session.commit()
        ids = learner.id, cohort.id
        db.session.remove()
    return ids


def _sign_in(page, live_server, phone: str) -> None:
    sign_in_through_form(page, live_server, phone, DEFAULT_PASSWORD)


def _within_width(page, selector: str) -> None:
    """Every match inside the phone's width, its text not cut off."""
    width = page.viewport_size["width"]
    for index in range(page.locator(selector).count()):
        found = page.locator(selector).nth(index)
        box = found.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
        assert found.evaluate("e => e.scrollWidth <= e.clientWidth"), (selector, "text cut off")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_learner_downloads_all_her_data_on_a_phone(live_server, new_page, shots, tmp_path, javascript):
    phone = "+6281234500001" if javascript else "+6281234500002"
    learner_id, cohort_id = _world(live_server, tmp_path, phone)

    # her care manager opens her page in the group: that is in the audit log, and she will see it
    trainer = new_page(javascript=javascript)
    _sign_in(trainer, live_server, TRAINER_PHONE)
    trainer.goto(live_server(f"/kelompok/{cohort_id}/peserta/{learner_id}"))
    assert LEARNER in trainer.locator("main").inner_text()

    page = new_page(javascript=javascript)
    _sign_in(page, live_server, phone)
    page.goto(live_server("/profil"))
    page.get_by_role("link", name="Buka Data saya").click()
    page.wait_for_load_state()
    assert page.url.endswith("/profil/data-saya")
    main = page.locator("main").inner_text()
    assert "Yang disimpan Rawat tentang Anda" in main and "1 sertifikat" in main and "1 materi selesai" in main
    assert "UU No. 27 Tahun 2022" in main
    opened = page.locator("#access-h + p + ol").inner_text()
    assert "Ibu Pendamping Ani" in opened and "Pelatih / pendamping" in opened
    assert "Halaman Anda di kelompok Posyandu Melati" in opened and "0813" not in opened
    _within_width(page, "main .panel")
    _within_width(page, "main .button")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shots(page, "data-saya")
    if javascript:
        check_accessibility(page, "Data saya")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Unduh semua data saya").click()
    download = download_info.value
    assert download.suggested_filename.startswith("rawat-data-saya-") and download.suggested_filename.endswith(".zip")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("data-saya.json"))
        archive.extractall(tmp_path / "copy")
    assert "ringkasan-data-saya.html" in names and any(name.startswith("sertifikat/") for name in names)
    assert data["profile"]["full_name"] == LEARNER and data["group_memberships"][0]["group"] == "Posyandu Melati"

    # the summary opens on the phone by itself: nothing fetched from anywhere
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto((tmp_path / "copy" / "ringkasan-data-saya.html").as_uri())
    assert [url for url in fetched if not url.startswith("file:")] == []
    summary = page.locator("main").inner_text()
    assert "Data saya di Rawat" in summary and LEARNER in summary and "Posyandu Melati" in summary
    assert "Ibu Pendamping Ani" in summary
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shots(page, "ringkasan")
    if javascript:
        check_accessibility(page, "the summary in the copy")


def test_a_learner_corrects_her_name_and_gets_her_certificate_again(live_server, new_page, shots, tmp_path):
    _world(live_server, tmp_path, "+6281234500003")
    page = new_page()
    _sign_in(page, live_server, "+6281234500003")
    page.goto(live_server("/profil"))
    page.get_by_label("Nama lengkap").fill("Ni Made Sri Wahyuni Putri")
    page.locator("form input[type=submit]").first.click()
    page.wait_for_load_state()
    offer = page.locator(".callout", has_text="Sertifikat Anda masih memakai nama lama")
    assert offer.count() == 1
    _within_width(page, ".callout .button")
    shots(page, "profil-nama-baru")
    offer.get_by_role("link", name="Terbitkan ulang sertifikat saya").click()
    page.wait_for_load_state()
    assert "Ni Made Sri Wahyuni Putri" in page.locator("main").inner_text()
    _within_width(page, "main .button")
    shots(page, "terbitkan-ulang")
    check_accessibility(page, "issue again")
    page.get_by_role("button", name="Terbitkan ulang dengan nama baru saya").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "sudah siap, dengan nama Ni Made Sri Wahyuni Putri" in main
    assert "Semua sertifikat Anda yang masih berlaku sudah memakai nama Anda yang sekarang." in main
    shots(page, "terbit-ulang-selesai")
