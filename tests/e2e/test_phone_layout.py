"""At 360×800, with and without JavaScript: what matters is on screen without scrolling sideways."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.accounts.privacy import ADULT_CONSENT
from lms.accounts.services import register_user
from lms.cohorts.services import add_member, create_cohort
from lms.courses.models import Course, Lesson, Skill
from lms.courses.services import mark_lesson_done
from lms.extensions import db
from lms.practice.services import ObservationInput, current_steps, record_observation
from lms.timeutil import frozen_at, utcnow
from tests.e2e.browser import sign_in_through_form
from tests.e2e.conftest import check_accessibility
from tests.e2e.test_learner_journey import answer_quiz, short_course  # noqa: F401 (a fixture)
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e


def box(page, selector: str) -> dict:
    element = page.locator(selector).first
    assert element.count(), selector
    return element.bounding_box()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_catalog_search_box_does_not_touch_the_first_card(live_server, new_page, shots, javascript):
    page = new_page(javascript=javascript)
    page.goto(live_server("/kursus"))
    search, card = box(page, "form.search"), box(page, ".course-card")
    assert card["y"] - (search["y"] + search["height"]) >= 12  # 1rem between them
    shots(page, "catalog")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_attempt_scores_and_results_are_visible_at_360_px(live_server, short_course, new_page, shots,  # noqa: F811
                                                          javascript):
    page = new_page(javascript=javascript)
    page.goto(live_server(short_course + "/kuis/dasar"))
    # A visitor learns what the quiz is before signing in, not that they failed it.
    main = page.locator("main").inner_text()
    assert "2 soal" in main and "Nilai minimal lulus: 100%" in main and "Belum lulus" not in main
    shots(page, "quiz-visitor")
    page.goto(live_server("/daftar?next=" + short_course + "/kuis/dasar"))
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("Nomor HP atau e-mail").fill("0812-3456-7890")
    page.get_by_label("Kata sandi", exact=True).fill("merawat ibu setiap hari")
    page.get_by_label("Ulangi kata sandi").fill("merawat ibu setiap hari")
    page.get_by_label("Saya berumur 17 tahun atau lebih").check()
    page.get_by_label("Saya sudah membaca pemberitahuan privasi dan setuju.").check()
    page.get_by_role("button", name="Buat akun").click()
    for right in (False, True):
        page.goto(live_server(short_course + "/kuis/dasar"))
        page.locator("main form[action$='/mulai'] [type=submit]").click()
        answer_quiz(page, right=right)
    page.goto(live_server(short_course + "/kuis/dasar"))
    page.locator("#history-title").scroll_into_view_if_needed()
    shots(page, "quiz-history")
    width = page.viewport_size["width"]
    for row in range(1, 3):
        for column in (2, 3):  # score, result
            cell = box(page, f"table tbody tr:nth-child({row}) td:nth-child({column})")
            assert cell["x"] >= 0 and cell["x"] + cell["width"] <= width, (row, column, cell)
    assert page.locator("table tbody tr:nth-child(1) td:nth-child(3)").inner_text() == "Lulus"
    assert page.locator("table tbody tr:nth-child(2) td:nth-child(3)").inner_text() == "Tidak lulus"


def _group_to_visit(live_server) -> int:
    """A group of the lansia course: a family never in contact, one idle for 40 days, one last visited 45 days
    ago (waiting for their answer), one active today. Returns the group's id."""
    now = utcnow()
    with live_server.app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "perawatan-dasar-lansia"))
        lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.id))
        skill = db.session.scalar(select(Skill).where(Skill.course_id == course.id).order_by(Skill.id))
        trainer = register_user("Bu Wayan Sukerti", "phone", "+6281355500009", DEFAULT_PASSWORD, role=Role.TRAINER,
                                consent=ADULT_CONSENT)
        cohort = create_cohort(trainer, "Banjar Tegal Kaja", "", [course.id])
        names = ("Ni Luh Putu Ayu Wulandari Kusumaningrum", "Komang Ayu Lestari", "Made Sudarsana", "Wahyu Hidayat")
        with frozen_at(now - timedelta(days=70)):
            learners = [register_user(name, "phone", f"+628135550010{n}", DEFAULT_PASSWORD, consent=ADULT_CONSENT)
                        for n, name in enumerate(names)]
            for learner in learners:
                add_member(cohort, learner, actor=None)
        for learner, days in zip(learners[1:], (40, 60, 0), strict=True):
            with frozen_at(now - timedelta(days=days)):
                mark_lesson_done(learner.id, lesson)
        with frozen_at(now - timedelta(days=45)):
            record_observation(trainer, learners[2], skill, ObservationInput(
                client_id=str(uuid.uuid4()), steps={step.id: "done" for step in current_steps(skill)},
                result="competent", place="home", observed_at=utcnow()))
        db.session.commit()
        cohort_id = cohort.id
        db.session.remove()
    return cohort_id


def test_who_needs_a_visit_fits_a_phone(live_server, new_page, shots):
    cohort_id = _group_to_visit(live_server)
    page = new_page()  # axe runs in the page
    page.goto(live_server("/masuk"))
    page.get_by_label("Nomor HP atau e-mail").fill("081355500009")
    page.get_by_label("Kata sandi", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.goto(live_server(f"/kelompok/{cohort_id}"))
    section = page.locator("section", has=page.locator("#to-visit-h"))
    assert section.locator("h2").inner_text() == "Perlu dikunjungi (3)"
    names = section.locator("tbody th").all_inner_texts()
    assert names == ["Ni Luh Putu Ayu Wulandari Kusumaningrum", "Made Sudarsana", "Komang Ayu Lestari"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the page never scrolls sideways
    # the list fits as it is: its box does not scroll sideways, not even for a long name
    assert page.locator("table.to-visit").evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    section.scroll_into_view_if_needed()
    check_accessibility(page, "group page, who needs a visit")
    shots(page, "group-needs-visit")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_admin_search_that_looks_inside_words_says_so_on_a_phone(live_server, new_page, shots, javascript):
    with live_server.app.app_context():
        register_user("Admin Rawat", "phone", "+6281355500099", DEFAULT_PASSWORD, role=Role.ADMIN,
                      consent=ADULT_CONSENT)
        for n, name in enumerate(("Siti Aminah", "Aminah Rahmawati", "Ni Luh Putu-Ayu")):
            register_user(name, "phone", f"+62813555001{n:02d}", DEFAULT_PASSWORD, consent=ADULT_CONSENT)
        db.session.commit()
        db.session.remove()
    page = new_page(javascript=javascript)
    sign_in_through_form(page, live_server, "081355500099", DEFAULT_PASSWORD)
    page.goto(live_server("/admin/pengguna"))
    page.locator("#q").fill("minah")
    page.get_by_role("button", name="Cari").click()
    main = page.locator("main").inner_text()
    assert "Tidak ada kata yang diawali “minah”" in main
    assert page.locator(".user-row strong").all_inner_texts() == ["Aminah Rahmawati", "Siti Aminah"]
    assert page.get_by_label("Cari juga di dalam kata (“minah” menemukan “Aminah”)").is_visible()
    shots(page, "admin-search-inside-words")
    wide = page.evaluate("[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 360)"
                         ".map(e => e.tagName + '.' + e.className)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide
    if javascript:
        check_accessibility(page, "admin users, searched inside words")
    page.locator("#q").fill("putu ayu")
    page.get_by_role("button", name="Cari").click()
    assert page.locator(".user-row strong").all_inner_texts() == ["Ni Luh Putu-Ayu"]
    assert "Tidak ada kata" not in page.locator("main").inner_text()
