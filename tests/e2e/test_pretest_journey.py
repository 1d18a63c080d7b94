"""The first-aid course's pre-test at 360×800, with and without JavaScript: offered, taken, skipped."""
from __future__ import annotations

import pytest

from lms.accounts.privacy import ADULT_CONSENT

from lms.accounts.services import register_user
from lms.extensions import db
from tests.e2e.browser import sign_in_through_form

pytestmark = pytest.mark.e2e

COURSE = "/kursus/pertolongan-pertama-di-rumah"
PASSWORD = "kata sandi aman 1"


def _sign_in(page, live_server, phone: str):
    with live_server.app.app_context():
        register_user("Ibu Wati", "phone", phone, PASSWORD, consent=ADULT_CONSENT)
        db.session.commit()
        db.session.remove()
    sign_in_through_form(page, live_server, phone, PASSWORD)


def _within_width(page, selector: str):
    width = page.viewport_size["width"]
    for index in range(page.locator(selector).count()):
        box = page.locator(selector).nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)


def _answer_everything(page):
    """The first answer of each question; steps numbered in the order shown."""
    sheet = page.locator("form.quiz-sheet fieldset")
    for index in range(sheet.count()):
        question = sheet.nth(index)
        choices = question.locator("input[type=radio], input[type=checkbox]")
        if choices.count():
            choices.first.check()
        selects = question.locator("select")
        for rank in range(selects.count()):
            selects.nth(rank).select_option(str(rank + 1))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_learner_takes_the_pretest_and_sees_only_the_score(live_server, new_page, shots, javascript):
    page = new_page(javascript=javascript)
    _sign_in(page, live_server, "+6281299997001" if javascript else "+6281299997002")
    page.goto(live_server(COURSE))
    offer = page.locator(".pretest-offer")
    assert "Sebelum mulai: tes awal singkat, tidak dinilai untuk lulus" in offer.inner_text()
    assert "10 soal" in offer.inner_text()
    _within_width(page, ".pretest-offer .button")
    shots(page, "course-offer")
    offer.get_by_role("button", name="Ikuti tes awal").click()
    assert page.url.endswith("/tes-awal/soal")
    assert page.locator("form.quiz-sheet fieldset").count() == 10
    _within_width(page, "form.quiz-sheet fieldset")
    shots(page, "sheet")
    _answer_everything(page)
    page.get_by_role("button", name="Kirim jawaban saya").click()
    page.wait_for_load_state()
    assert page.url.endswith("/tes-awal")
    main = page.locator("main").inner_text()
    assert "Nilai tes awal Anda:" in main and "Jawaban yang benar akan Anda pelajari di modul." in main
    assert "Jawaban yang benar\n" not in main and "Salah" not in main
    shots(page, "result")
    page.get_by_role("link", name="Mulai belajar").click()
    assert "/materi/" in page.url and page.locator(".pretest-offer").count() == 0


def test_a_learner_skips_it_and_reads_the_first_lesson(live_server, new_page, shots):
    page = new_page()
    _sign_in(page, live_server, "+6281299997003")
    page.goto(live_server(COURSE))
    page.locator("main a[href*='/materi/']").first.click()
    assert page.locator(".pretest-offer").count() == 1
    shots(page, "lesson-offer")
    page.get_by_role("button", name="Lewati tes awal").click()
    assert "/materi/" in page.url and page.locator(".pretest-offer").count() == 0
    assert "Anda melewati tes awal. Selamat belajar!" in page.locator("main, .flash").first.inner_text() or \
        "Anda melewati tes awal" in page.content()
