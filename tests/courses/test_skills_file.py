"""Practical skills in the course files (skills.yaml): checked with located problems, stored, kept by id."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.courses.importer import ContentError, import_content
from lms.courses.models import Course, Skill, SkillStep
from lms.extensions import db
from tests.factories import write_course

LESSONS = [{"slug": "pelajaran-a", "title": "Pelajaran A", "body": "Isi pelajaran A.\n"}]


def transfer(**changes) -> dict:
    skill = {
        "id": "pindah-ke-kursi", "title": "Memindahkan ke kursi roda", "why": "Banyak lansia jatuh saat pindah.",
        "steps": [{"text": "Mengunci kedua roda kursi roda", "critical": True},
                  "Menjelaskan apa yang akan dilakukan", "Menghitung bersama sampai tiga",
                  {"id": "duduk", "text": "Mendudukkan pelan-pelan", "critical": True}],
    }
    skill.update(changes)
    return skill


def course_with(tmp_path, *skill_lists, practice="optional", slug="kursus-uji"):
    modules = [{"slug": f"modul-{n}", "title": f"Modul {n}", "lessons": [
        {**LESSONS[0], "slug": f"pelajaran-{n}"}], "skills": skills} for n, skills in enumerate(skill_lists, 1)]
    course = {} if practice is None else {"practice": practice}
    return write_course(tmp_path / "content", slug, modules=modules, course=course)


def problems_of(folder) -> list[tuple[str, int | None, str]]:
    with pytest.raises(ContentError) as raised:
        import_content(folder)
    return [(p.path.name, p.line, p.code) for p in raised.value.problems]


def test_skills_are_stored_with_their_checklists(tmp_path):
    import_content(course_with(tmp_path, [transfer(), transfer(id="cpr", title="Pijat jantung", performed_on="doll",
                                                                steps=["Satu", {"text": "Dua", "critical": True},
                                                                       "Tiga"])]))
    db.session.commit()
    course = db.session.scalar(select(Course).where(Course.slug == "kursus-uji"))
    assert course.practice == "optional"
    skills = db.session.scalars(select(Skill).where(Skill.course_id == course.id).order_by(Skill.position)).all()
    assert [(s.slug, s.performed_on, s.position) for s in skills] == [("pindah-ke-kursi", "person", 1),
                                                                       ("cpr", "doll", 2)]
    assert [(step.slug, step.critical) for step in skills[0].steps] == [("a", True), ("b", False), ("c", False),
                                                                        ("duduk", True)]


def test_editing_keeps_rows_by_id_and_retires_what_left(tmp_path):
    import_content(course_with(tmp_path, [transfer(), transfer(id="kedua", title="Kedua")]))
    db.session.commit()
    first = db.session.scalar(select(Skill).where(Skill.slug == "pindah-ke-kursi"))
    kept_step = db.session.scalar(select(SkillStep).where(SkillStep.skill_id == first.id, SkillStep.slug == "duduk"))
    steps = [{"id": "duduk", "text": "Mendudukkan pelan-pelan", "critical": True}, "Mengunci roda", "Bercerita"]
    report = import_content(course_with(tmp_path, [transfer(steps=steps)]))[0]
    db.session.commit()
    assert report.changes > 0
    assert db.session.scalar(select(Skill).where(Skill.slug == "pindah-ke-kursi")).id == first.id
    db.session.refresh(kept_step)
    assert kept_step.position == 1 and kept_step.retired_at is None
    assert db.session.scalar(select(Skill).where(Skill.slug == "kedua")).retired_at is not None
    assert import_content(course_with(tmp_path, [transfer(steps=steps)]))[0].changes == 0


@pytest.mark.parametrize("skill, code", [
    (transfer(steps=["Satu", "Dua", "Tiga"]), "no_critical_step"),
    (transfer(steps=[{"text": "Satu", "critical": True}, "Dua"]), "step_count"),
    (transfer(performed_on="boneka"), "bad_performed_on"),
    (transfer(colour="merah"), "unknown_key"),
    (transfer(id="Pindah Kursi"), "bad_id"),
    (transfer(why=None), "required"),
    (transfer(steps=[{"text": "Satu", "critical": "ya"}, {"text": "Dua", "critical": True}, "Tiga"]), "not_boolean"),
    (transfer(steps=[{"id": "x", "text": "Satu", "critical": True}, {"id": "x", "text": "Dua"}, "Tiga"]),
     "bad_step_id"),
    (transfer(steps=[{"id": "x" * 81, "text": "Satu", "critical": True}, "Dua", "Tiga"]), "too_long"),
])
def test_a_wrong_skill_is_refused_with_its_file_and_line(tmp_path, skill, code):
    found = problems_of(course_with(tmp_path, [skill]))
    assert [(name, kind) for name, _line, kind in found] == [("skills.yaml", code)]
    assert all(line is not None for _name, line, _code in found)
    assert db.session.scalar(select(Course).where(Course.slug == "kursus-uji")) is None  # all or nothing


def test_the_course_says_how_its_skills_count(tmp_path):
    assert ("course.yaml", "practice_without_setting") in \
        [(name, code) for name, _line, code in problems_of(course_with(tmp_path, [transfer()], practice=None))]
    assert ("course.yaml", "practice_without_skills") in \
        [(name, code) for name, _line, code in problems_of(course_with(tmp_path, [], practice="required",
                                                                        slug="kursus-dua"))]
    assert ("course.yaml", "bad_practice") in \
        [(name, code) for name, _line, code in problems_of(course_with(tmp_path, [transfer()], practice="wajib",
                                                                        slug="kursus-tiga"))]


def test_a_skill_id_is_unique_in_the_course(tmp_path):
    found = problems_of(course_with(tmp_path, [transfer()], [transfer()]))
    assert [code for _name, _line, code in found] == ["duplicate_skill"]
