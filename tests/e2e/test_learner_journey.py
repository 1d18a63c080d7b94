"""Journeys 1 and 2: a family member, on a phone, from registration to a signed certificate.

Run twice: with JavaScript, and with JavaScript switched off in the browser.
"""
import json

import pytest

from tests.e2e.conftest import check_accessibility
from tests.factories import write_course

pytestmark = pytest.mark.e2e

QUIZ = {
    "title": "Kuis Uji Perawatan", "pass_mark": 100, "questions_per_attempt": 2, "max_attempts": None,
    "wait_minutes": 0, "show_correct_answers": True,
    "questions": [
        {"id": "kapan-cuci-tangan", "type": "single", "text": "Kapan mencuci tangan?",
         "options": [{"text": "Sebelum menyuapi", "correct": True}, {"text": "Hanya bila tangan kotor"},
                     {"text": "Seminggu sekali"}],
         "explanation": "Cuci tangan sebelum menyuapi."},
        {"id": "urutan-cuci-tangan", "type": "ordering", "text": "Urutkan langkahnya.",
         "steps": ["Basahi tangan", "Gosok dengan sabun", "Bilas dengan air"],
         "explanation": "Basahi, sabuni, bilas."},
    ],
}
RIGHT_ORDER = ["Basahi tangan", "Gosok dengan sabun", "Bilas dengan air"]


@pytest.fixture
def short_course(live_server, tmp_path):
    """A two-lesson course with one quiz, loaded into the live server's database."""
    from lms.courses.importer import import_content
    from lms.extensions import db

    folder = write_course(tmp_path / "e2e-content", "kursus-singkat", course={"title": "Kursus Singkat Merawat"},
                          modules=[{"slug": "dasar", "title": "Dasar Merawat", "quiz": QUIZ, "lessons": [
                              {"slug": "cuci-tangan", "title": "Cuci Tangan", "body": "Cuci tangan dengan sabun.\n"},
                              {"slug": "menyuapi", "title": "Menyuapi", "body": "Duduk tegak saat makan.\n"}]}])
    with live_server.app.app_context():
        import_content(folder)
        db.session.commit()
        db.session.remove()
    return "/kursus/kursus-singkat"


def answer_quiz(page, *, right: bool):
    page.get_by_label("Sebelum menyuapi" if right else "Seminggu sekali").check()
    order = RIGHT_ORDER if right else list(reversed(RIGHT_ORDER))
    for rank, step in enumerate(order, start=1):
        page.get_by_label(step).select_option(str(rank))
    page.locator("main form button[type=submit], main form input[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_family_member_earns_a_signed_certificate(live_server, short_course, new_page, shots, tmp_path, javascript):
    page = new_page(javascript=javascript)
    page.goto(live_server("/daftar"))
    page.get_by_label("Nama lengkap").fill("Ni Luh Putu Ayu O'Brien")
    page.get_by_label("Nomor HP atau e-mail").fill("0812-3456-7890")
    page.get_by_label("Kata sandi", exact=True).fill("merawat ibu setiap hari")
    page.get_by_label("Ulangi kata sandi").fill("merawat ibu setiap hari")
    page.get_by_label("Saya berumur 17 tahun atau lebih").check()
    page.get_by_label("Saya sudah membaca pemberitahuan privasi dan setuju.").check()
    shots(page, "register")
    page.get_by_role("button", name="Buat akun").click()
    assert "Selamat datang" in page.content()

    page.goto(live_server(short_course))
    shots(page, "course")
    page.get_by_role("button", name="Mulai belajar").click()
    for title in ("Cuci Tangan", "Menyuapi"):
        assert page.locator("h1").inner_text() == title
        shots(page, f"lesson-{title}")
        page.get_by_role("button", name="Tandai selesai dan lanjut").click()

    # After the last lesson the learner lands on the quiz; the first try fails.
    assert "/kuis/dasar" in page.url
    page.locator("main form[action$='/mulai'] [type=submit]").click()
    if javascript:  # axe runs as a script in the page
        check_accessibility(page, "quiz")
    shots(page, "quiz")
    assert "correct" not in page.content().split("<main", 1)[1].lower()
    answer_quiz(page, right=False)
    assert "/hasil" in page.url
    if javascript:  # axe runs as a script in the page
        check_accessibility(page, "result")
    shots(page, "quiz-failed")
    page.goto(live_server(short_course + "/kuis/dasar"))
    page.locator("main form[action$='/mulai'] [type=submit]").click()
    answer_quiz(page, right=True)
    shots(page, "quiz-passed")
    # The course is finished: the result's main button is the certificate, not "back to the quiz".
    assert page.locator("main a.button.primary").first.get_attribute("href").endswith("/unduh")
    assert page.locator("main a.button.primary").first.inner_text() == "Unduh sertifikat (PDF)"

    page.goto(live_server(short_course))
    assert "Anda sudah menyelesaikan kursus ini." in page.content()
    with page.expect_download() as download_info:
        page.locator("a[href$='/unduh']").first.click()
    download = download_info.value
    assert download.suggested_filename.startswith("") and download.suggested_filename.endswith(".pdf")
    pdf = (tmp_path / download.suggested_filename)
    download.save_as(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"/ByteRange" in data and b"/Sig" in data
    public_id = download.suggested_filename.rsplit(".", 1)[0]
    page.goto(live_server("/dasbor"))
    if javascript:  # axe runs as a script in the page
        check_accessibility(page, "dashboard")
    shots(page, "dashboard")
    assert "Kursus Singkat Merawat" in page.content() and page.locator("a[href$='/unduh']").count() >= 1
    assert any(part in page.content() for part in public_id.split("-")[-2:])

    # The same certificate as a badge to share: the panel opens without JavaScript (a <details>), the PNG
    # carries the credential, and the verification page says it is genuine.
    page.get_by_text("Lencana dan berbagi").first.click()
    assert page.get_by_role("link", name="Tambahkan ke profil LinkedIn").first.is_visible()
    if javascript:
        check_accessibility(page, "dashboard, badge and sharing")
    shots(page, "dashboard-badge")
    with page.expect_download() as badge_info:
        page.get_by_role("link", name="Unduh lencana (PNG)").first.click()
    badge = tmp_path / badge_info.value.suggested_filename
    badge_info.value.save_as(badge)
    from lms.credentials.baking import unbake

    assert badge.name.startswith("lencana-RWT-")
    credential = json.loads(unbake(badge.read_bytes()))
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"].endswith(badge.name[len("lencana-"):-len(".png")])
    page.goto(live_server("/verifikasi"))
    page.get_by_label("Berkas sertifikat: PDF, lencana (PNG) atau kredensial (JSON)").set_input_files(str(badge))
    page.get_by_role("button", name="Periksa berkas", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "genuine"
