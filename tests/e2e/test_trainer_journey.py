"""Journey 4: a care manager writes and publishes a course in the browser, opens a group, follows a learner.

The trainer writes a course (one module, one Markdown lesson, a quiz with one question) in the
authoring pages and publishes it; creates a group for that course and reads its join code off
the page. A family member, in a browser of their own, registers with a phone number, joins
with the code, reads the lesson and marks it done. The trainer's group page then shows it.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import check_accessibility
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e

TRAINER_PHONE = "+6281355500001"
TRAINER_NAME = "Bu Wayan Sukerti"
LEARNER_NAME = "Komang Ayu Lestari"
COURSE = "Mencegah Luka Tekan"
MODULE = "Kulit yang Sehat"
LESSON = "Memeriksa Kulit Setiap Hari"
GROUP = "Banjar Tegal Kaja"
LESSON_BODY = """Luka tekan muncul bila kulit tertekan **terlalu lama**.

## Yang diperiksa

- tumit
- pinggul
- punggung bawah

::: warning Segera hubungi puskesmas
Bila kulit melepuh atau bernanah.
:::
"""


@pytest.fixture
def trainer(live_server):
    """A care manager's account, made through the real services."""
    from lms.accounts.models import Role
    from lms.accounts.privacy import ADULT_CONSENT
    from lms.accounts.services import register_user
    from lms.extensions import db

    with live_server.app.app_context():
        register_user(TRAINER_NAME, "phone", TRAINER_PHONE, DEFAULT_PASSWORD, role=Role.TRAINER, consent=ADULT_CONSENT)
        db.session.commit()
        db.session.remove()
    return TRAINER_PHONE


def sign_in(page, identifier: str) -> None:
    page.get_by_label("Nomor HP atau e-mail").fill(identifier)
    page.get_by_label("Kata sandi", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_load_state()


def submit(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def flash(page) -> str:
    return " ".join(page.locator(".flashes").all_inner_texts())


def progress_of(page, learner: str) -> dict[str, str]:
    """The learner's row of the group report, as column heading -> cell text."""
    table = page.locator("table.report")
    # Two heading rows: learner, done, last activity, then the course names; the steps below them.
    first = [text.strip() for text in table.locator("thead tr").first.locator("th[scope=col]").all_inner_texts()]
    steps = [text.strip() for text in table.locator("thead tr.steps-head th").all_inner_texts()]
    headings = first + steps
    row = table.locator("tbody tr", has=page.locator("th", has_text=learner))
    assert row.count() == 1, f"{learner} is not in the group report"
    cells = [text.strip() for text in row.locator("td").all_inner_texts()]
    return dict(zip(headings[1:], cells, strict=False))


def bars_drawn(page, chart_title: str) -> int:
    """How many bars of a column chart are higher than zero."""
    chart = page.locator("svg.chart", has=page.locator(f"title:text-is('{chart_title}')"))
    return sum(1 for height in chart.locator("rect").evaluate_all("rs => rs.map(r => +r.getAttribute('height'))")
               if height > 0)


def test_a_trainer_writes_a_course_and_follows_a_learner_of_the_group(live_server, trainer, new_page, shots):
    page = new_page()
    page.goto(live_server("/masuk"))
    sign_in(page, trainer)

    # --- the course, written in the browser -------------------------------------------------
    page.get_by_role("link", name="Menyusun kursus").click()
    page.get_by_role("link", name="Kursus baru").click()
    page.get_by_label("Judul kursus").fill(COURSE)
    page.get_by_label("Ringkasan").fill("Cara mencegah luka tekan pada orang yang lama berbaring.")
    page.get_by_label("Untuk siapa kursus ini").fill("Keluarga yang merawat lansia yang lama berbaring.")
    submit(page, "Buat kursus")
    assert "Kursus sudah dibuat sebagai draf." in flash(page)
    assert page.locator("h1").inner_text() == COURSE
    course_editor = page.url
    # Not publishable yet: a course needs a module with a lesson.
    assert page.locator("#publish .error-summary").count() == 1

    page.get_by_label("Judul modul").fill(MODULE)
    submit(page, "Tambahkan modul")
    module = page.locator("section.module", has_text=MODULE)
    assert module.count() == 1
    module.get_by_role("link", name="Tambah materi").click()

    page.get_by_label("Judul materi").fill(LESSON)
    page.get_by_label("Lama membaca (menit)").fill("4")
    page.get_by_label("Teks (Markdown)").fill(LESSON_BODY)
    submit(page, "Tampilkan pratinjau")
    preview = page.locator("#lesson-preview .lesson-body")
    assert preview.locator("h2").inner_text() == "Yang diperiksa"
    assert preview.locator("strong").inner_text() == "terlalu lama"
    assert preview.locator(".callout-warning").count() == 1
    check_accessibility(page, "lesson editor")
    shots(page, "lesson-editor-preview")
    submit(page, "Simpan materi")
    assert urlsplit(page.url).path.endswith("/materi/memeriksa-kulit-setiap-hari")  # saved: now editing it
    assert page.get_by_label("Teks (Markdown)").input_value().strip() == LESSON_BODY.strip()
    page.get_by_role("link", name="Kembali ke kursus").click()
    assert page.locator("section.module", has_text=MODULE).get_by_role("link", name=LESSON, exact=True).count() == 1

    page.locator("section.module", has_text=MODULE).get_by_role("link", name="Tambah kuis").click()
    page.get_by_label("Judul kuis").fill("Kuis Kulit yang Sehat")
    submit(page, "Tambahkan kuis")
    page.get_by_role("link", name="Satu jawaban benar").click()
    page.get_by_label("Soal", exact=True).fill("Seberapa sering posisi tidur diubah?")
    page.get_by_label("Jawaban 1", exact=True).fill("Setiap 2 jam")
    page.get_by_label("Jawaban 2", exact=True).fill("Sekali sehari")
    page.get_by_label("Ini jawaban yang benar (Jawaban 1)").check()
    page.get_by_label("Penjelasan").fill("Ubah posisi paling lambat setiap 2 jam.")
    check_accessibility(page, "question editor")
    submit(page, "Simpan soal")
    assert page.locator("#questions li", has_text="Seberapa sering posisi tidur diubah?").count() == 1
    assert page.locator("#questions h2").inner_text() == "1 soal"
    check_accessibility(page, "quiz editor")
    shots(page, "quiz-editor")

    page.goto(course_editor)
    assert page.locator("#publish .error-summary").count() == 0
    assert "Draf sudah siap." in page.locator("#publish").inner_text()
    check_accessibility(page, "course editor")
    shots(page, "course-editor")
    submit(page, "Terbitkan versi 1")
    assert "Versi 1 sudah diterbitkan." in flash(page)
    assert page.locator(".badge.ok").first.inner_text() == "Diterbitkan · versi 1"

    # --- the group ---------------------------------------------------------------------------
    page.get_by_role("link", name="Kelompok saya").click()
    page.get_by_role("link", name="Kelompok baru").click()
    page.get_by_label("Nama kelompok").fill(GROUP)
    page.get_by_label(COURSE).check()  # the course published a moment ago is offered
    submit(page, "Simpan kelompok")
    code = page.locator(".join-code").inner_text().strip()
    assert len(code) >= 6 and code in flash(page)
    assert "Belum ada yang bergabung" in page.locator("main").inner_text()
    group_page = page.url

    # --- a family member joins with the code and learns ---------------------------------------
    learner = new_page()
    learner.goto(live_server("/daftar"))
    learner.get_by_label("Nama lengkap").fill(LEARNER_NAME)
    learner.get_by_label("Nomor HP atau e-mail").fill("0857 1234 5678")
    learner.get_by_label("Kata sandi", exact=True).fill("kulit ibu harus sehat")
    learner.get_by_label("Ulangi kata sandi").fill("kulit ibu harus sehat")
    learner.get_by_label("Saya berumur 17 tahun atau lebih").check()
    learner.get_by_label("Saya sudah membaca pemberitahuan privasi dan setuju.").check()
    submit(learner, "Buat akun")
    learner.goto(live_server("/gabung"))
    learner.get_by_label("Kode kelompok").fill(code.lower())
    submit(learner, "Cari kelompok")
    assert learner.locator("h1").inner_text() == GROUP
    assert TRAINER_NAME in learner.locator("main").inner_text()
    submit(learner, "Gabung ke kelompok ini")
    assert f"Anda sudah bergabung ke {GROUP}." in flash(learner)

    page.goto(group_page)
    before = progress_of(page, LEARNER_NAME)
    assert before["Selesai"] == "0%" and before["1.1"] == "–" and before["K1"] == "–"
    assert bars_drawn(page, "Materi selesai per minggu") == 0

    learner.goto(live_server("/kursus"))
    learner.get_by_role("link", name=COURSE).click()
    submit(learner, "Mulai belajar")
    assert learner.locator("h1").inner_text() == LESSON
    body = learner.locator(".lesson-body")
    assert body.locator("h2").inner_text() == "Yang diperiksa"
    assert body.locator("li").all_inner_texts() == ["tumit", "pinggul", "punggung bawah"]
    assert "Segera hubungi puskesmas" in body.locator(".callout-warning").inner_text()
    shots(learner, "learner-lesson")
    submit(learner, "Tandai selesai dan lanjut")
    assert urlsplit(learner.url).path.endswith("/kuis/kulit-yang-sehat")

    # --- the trainer sees it --------------------------------------------------------------
    page.reload()
    after = progress_of(page, LEARNER_NAME)
    assert after["1.1"] == "✓" and after["K1"] == "–"
    assert after["Selesai"] == "50%"  # one of two steps: the lesson done, the quiz not yet
    assert bars_drawn(page, "Materi selesai per minggu") == 1
    assert page.get_by_role("heading", name="Materi selesai per minggu").is_visible()  # each chart has a title
    check_accessibility(page, "group page")
    shots(page, "group-page")
