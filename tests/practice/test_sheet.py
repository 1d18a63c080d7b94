"""The observation sheet of a skill: a printable A4 PDF of its checklist, for trainers and admins only."""
from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import yaml

from lms.accounts.models import Role
from lms.courses.importer import import_content
from lms.extensions import db
from lms.practice.sheet import SheetContent, SheetStep, render_sheet

SKILLS = [
    {"id": "memindahkan-ke-kursi-roda", "title": "Memindahkan dari tempat tidur ke kursi roda",
     "why": "Kebanyakan lansia jatuh saat berpindah.",
     "steps": [{"text": "Mengunci kedua roda kursi roda", "critical": True},
               "Menjelaskan kepada lansia apa yang akan dilakukan",
               {"text": "Menahan lutut lansia saat berdiri", "critical": True},
               "Memutar badan lansia perlahan ke kursi"]},
    {"id": "menolong-tersedak", "title": "Menolong orang dewasa yang tersedak", "why": "Tersedak bisa mematikan.",
     "performed_on": "doll",
     "steps": [{"text": "Menanyakan apakah ia tersedak", "critical": True}, "Berdiri di belakangnya",
               "Memberi lima tepukan di punggung"]},
]
URL = "/kursus/kursus-uji/keterampilan/memindahkan-ke-kursi-roda/lembar.pdf"


def modules(skills=SKILLS):
    return [{"slug": "modul-satu", "title": "Modul Satu", "skills": skills, "practice_minutes": 30, "lessons": [
        {"slug": "pelajaran-a", "title": "Pelajaran A", "body": "Isi pelajaran A.\n"}]}]


@pytest.fixture
def skills_course(make_course):
    return make_course(modules=modules(), course={"practice": "required"})


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: run tools/ensure-system-packages (poppler-utils)"
    result = subprocess.run([tool, str(path), "-"], capture_output=True, timeout=60, check=True)
    return " ".join(result.stdout.decode().split())


def pdf_pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    info = subprocess.run([shutil.which("pdfinfo"), str(path)], capture_output=True, timeout=60, check=True)
    return int(next(line.split()[-1] for line in info.stdout.decode().splitlines() if line.startswith("Pages:")))


def test_a_trainer_prints_the_checklist_of_a_skill(skills_course, sign_in, tmp_path):
    response = sign_in(Role.TRAINER).get(URL)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'inline; filename="rawat-kursus-uji-memindahkan-ke-kursi-roda.pdf"')
    assert response.data.startswith(b"%PDF-")
    text = pdf_text(response.data, tmp_path)
    for expected in ["Kursus Uji", "Memindahkan dari tempat tidur ke kursi roda",
                     "Kebanyakan lansia jatuh saat berpindah.", *(
                         step if isinstance(step, str) else step["text"] for step in SKILLS[0]["steps"]),
                     "Kompeten", "Belum kompeten", "Dilakukan", "Tidak dilakukan", "Tidak terlihat", "KRITIS",
                     "Kunjungan rumah", "Posyandu", "Sentra", "Wajib untuk sertifikat"]:
        assert expected in text, expected
    assert text.count("KRITIS") == 2  # the two critical steps, marked in words
    assert "Menolong orang dewasa" not in text  # one skill per sheet
    assert pdf_pages(response.data, tmp_path) == 1


def test_an_admin_prints_it_in_english(skills_course, sign_in, tmp_path):
    response = sign_in(Role.ADMIN, lang="en").get("/kursus/kursus-uji/keterampilan/menolong-tersedak/lembar.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    for expected in ["Menolong orang dewasa yang tersedak", "Berdiri di belakangnya", "Competent",
                     "Not yet competent", "Done", "Not done", "Not seen", "CRITICAL", "Home visit",
                     "Shown on a doll or a pillow", "Signature of the care manager",
                     "Signature of the learner", "The learner signs to confirm"]:
        assert expected in text, expected


@pytest.mark.parametrize("who", [None, Role.LEARNER])
def test_learners_and_visitors_get_not_found(skills_course, client, sign_in, who):
    browser = sign_in(who) if who else client
    assert browser.get(URL).status_code == 404


@pytest.mark.parametrize("url", [
    "/kursus/kursus-uji/keterampilan/tidak-ada/lembar.pdf",
    "/kursus/tidak-ada/keterampilan/memindahkan-ke-kursi-roda/lembar.pdf",
])
def test_unknown_skills_are_not_found(skills_course, sign_in, url):
    assert sign_in(Role.TRAINER).get(url).status_code == 404


def test_a_retired_skill_has_no_sheet_and_a_retired_step_leaves_it(skills_course, sign_in, tmp_path):
    from tests.factories import write_course

    changed = [dict(SKILLS[0], steps=SKILLS[0]["steps"][:3])]  # the last step and the second skill leave
    folder = write_course(tmp_path / "content", "kursus-uji", modules=modules(changed), course={"practice": "required"})
    import_content(folder)
    db.session.commit()
    trainer = sign_in(Role.TRAINER)
    assert trainer.get("/kursus/kursus-uji/keterampilan/menolong-tersedak/lembar.pdf").status_code == 404
    text = pdf_text(trainer.get(URL).data, tmp_path)
    assert "Menahan lutut lansia saat berdiri" in text and "Memutar badan lansia" not in text


def test_drawing_is_rate_limited_per_address(app, skills_course, sign_in):
    trainer = sign_in(Role.TRAINER)
    configured = app.config["PRACTICE_SHEET_RATE_LIMIT"]
    app.config["PRACTICE_SHEET_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [trainer.get(URL).status_code for _ in range(3)]
    finally:
        app.config["PRACTICE_SHEET_RATE_LIMIT"] = configured
    assert codes == [200, 200, 429]


def test_fifteen_long_steps_still_fit_on_one_page_quickly(app, tmp_path):
    long_step = "Memeriksa kembali posisi tubuh lansia, bantal di bawah lutut dan tumit, lalu menanyakan apakah " \
                "ia merasa nyaman dan tidak ada bagian yang tertekan"
    content = SheetContent(
        course_title="Perawatan Dasar Lansia di Rumah", course_version=3, practice="optional", module_number=4,
        module_title="Mencegah luka tekan", skill_title="Mengubah posisi tidur lansia setiap dua jam",
        why="Luka tekan muncul dalam beberapa jam bila lansia berbaring di satu posisi. " * 3,
        performed_on="person", competency_unit="Q.87SOS00.011.1",
        steps=[SheetStep(f"{n}. {long_step}"[:200], critical=n % 3 == 0) for n in range(1, 16)],
    )
    with app.test_request_context():
        started = time.perf_counter()
        pdf = render_sheet(content)
        elapsed = time.perf_counter() - started
    assert pdf_pages(pdf, tmp_path) <= 2
    assert elapsed < 2  # ~0.05 s on a laptop; generous for a loaded CI machine


def test_the_skills_file_of_the_factory_is_what_the_sheet_reads(tmp_path):
    from tests.factories import write_course

    folder = write_course(tmp_path, modules=modules(), course={"practice": "required"})
    data = yaml.safe_load(next(folder.glob("01-*/skills.yaml")).read_text(encoding="utf-8"))
    assert [skill["id"] for skill in data["skills"]] == ["memindahkan-ke-kursi-roda", "menolong-tersedak"]
