"""The course page lists the practical skills a care manager observes, when the course observes any."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from lms.accounts.models import Role
from lms.courses.models import Course
from lms.extensions import db

SKILL = {"id": "mencuci-tangan", "title": "Mencuci tangan dengan sabun", "why": "Tangan bersih mencegah infeksi.",
         "steps": ["Membasahi tangan dengan air mengalir",
                   {"text": "Menggosok dengan sabun 20 detik", "critical": True}, "Mengeringkan dengan handuk bersih"]}
DOLL = {"id": "menolong-tersedak", "title": "Menolong orang dewasa yang tersedak", "why": "Tersedak bisa mematikan.",
        "performed_on": "doll", "steps": [{"text": "Menanyakan apakah ia tersedak", "critical": True},
                                          "Berdiri di belakangnya", "Memberi lima tepukan di punggung"]}
SHEET = "/kursus/kursus-uji/keterampilan/mencuci-tangan/lembar.pdf"


def skill_modules():
    return [
        {"slug": "modul-satu", "title": "Modul Satu", "skills": [SKILL], "practice_minutes": 20,
         "lessons": [{"slug": "pelajaran-a", "title": "Pelajaran A", "body": "Isi pelajaran A.\n"}]},
        {"slug": "modul-dua", "title": "Modul Dua", "skills": [DOLL], "practice_minutes": 20,
         "lessons": [{"slug": "pelajaran-b", "title": "Pelajaran B", "body": "Isi pelajaran B.\n"}]},
    ]


@pytest.mark.parametrize("practice, says", [("required", "Wajib untuk sertifikat."),
                                            ("optional", "Pilihan: tidak diperlukan untuk sertifikat.")])
def test_learners_see_the_skills_and_their_steps(make_course, sign_in, practice, says):
    make_course(modules=skill_modules(), course={"practice": practice})
    page = sign_in().get("/kursus/kursus-uji").get_data(as_text=True)
    assert "Keterampilan praktik" in page
    assert "Pendamping Anda akan melihat Anda memperagakan keterampilan ini." in page and says in page
    assert page.index("Mencuci tangan dengan sabun") < page.index("Menolong orang dewasa yang tersedak")
    assert "Tangan bersih mencegah infeksi." in page
    assert page.count("diperagakan pada boneka") == 1  # only the choking skill
    assert "<details>" in page and "Berdiri di belakangnya" in page
    assert "Menggosok dengan sabun 20 detik <strong class=\"critical\">(langkah kritis)</strong>" in page
    assert page.count("(langkah kritis)") == 2
    assert SHEET not in page  # the printable sheet is for care managers


def test_trainers_get_a_link_to_each_sheet(make_course, sign_in):
    make_course(modules=skill_modules(), course={"practice": "optional"})
    trainer = sign_in(Role.TRAINER, lang="en")
    page = trainer.get("/kursus/kursus-uji").get_data(as_text=True)
    assert "Practical skills" in page and "Observation sheet (PDF, A4)" in page
    assert "Optional: not needed for the certificate." in page and "shown on a doll" in page
    assert "(critical step)" in page
    assert SHEET in page and "/kursus/kursus-uji/keterampilan/menolong-tersedak/lembar.pdf" in page
    assert trainer.get(SHEET).status_code == 200


def test_no_section_without_practice(make_course, client):
    make_course()  # no skills: practice is "none"
    page = client.get("/kursus/kursus-uji").get_data(as_text=True)
    assert "Keterampilan praktik" not in page and "keterampilan/" not in page


def test_skills_are_hidden_when_the_course_says_none(make_course, client):
    course = make_course(modules=skill_modules(), course={"practice": "optional"})
    # the importer refuses skills with practice: none; a course switched off in the database still shows none
    db.session.execute(update(Course).where(Course.id == course.id).values(practice="none"))
    db.session.commit()
    page = client.get("/kursus/kursus-uji").get_data(as_text=True)
    assert "Keterampilan praktik" not in page and "Mencuci tangan dengan sabun" not in page


def test_a_retired_skill_leaves_the_page(make_course, client, tmp_path):
    from lms.courses.importer import import_content
    from tests.factories import write_course

    make_course(modules=skill_modules(), course={"practice": "optional"})
    modules = skill_modules()
    modules[1]["skills"] = None  # the second module's skills.yaml is gone
    folder = write_course(tmp_path / "content", "kursus-uji", modules=modules, course={"practice": "optional"})
    next(folder.glob("02-*/skills.yaml")).unlink()
    import_content(folder)
    db.session.commit()
    page = client.get("/kursus/kursus-uji").get_data(as_text=True)
    assert "Mencuci tangan dengan sabun" in page and "Menolong orang dewasa" not in page
