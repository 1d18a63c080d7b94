"""One format, read and written alike: files -> database -> files -> database -> files, with every key.

The course below uses every key `lms.content_format` lists (the first test makes sure of it, so a key added
there without being carried through here fails), each with a value other than its default. Importing it,
exporting it, importing the export as another course and exporting that must give the same files and the
same rows.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import inspect, select

from lms import content_format as cf
from lms.authoring import draft_files as df
from lms.authoring.exporter import export_course
from lms.authoring.forms import QUESTION_TYPES as EDITOR_TYPES
from lms.courses.content_files import FRONT_MATTER_RE
from lms.courses.importer import import_content
from lms.courses.models import Course, CourseAsset, Lesson, Module, Skill
from lms.extensions import db
from lms.quizzes.models import QUESTION_TYPES as STORED_TYPES
from lms.quizzes.models import Option, Question, Quiz
from tests.factories import write_course_files

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>x</title><rect width="5" height="5"/></svg>'

#: keys an export does not write back, and why (each is in the fixture all the same)
NOT_EXPORTED = {
    ("course", "hours"): "only compared with the hours computed from the content; never written back",
}

COURSE = {
    "title": "Kursus Format", "summary": "Ringkasan kursus.", "audience": "Keluarga pendamping.",
    "language": "en", "hours": 2, "version": 3, "pass_mark": 80, "certificate_validity_months": 24,
    "practice": "required", "pretest": {"questions_per_module": 2}, "published": False,
    "authors": ["Tim Uji", "Tim Dua"],
    "sources": [{"title": "Panduan", "publisher": "WHO", "url": "https://www.who.int/panduan", "year": 2019},
                {"title": "Buku Saku"}],
}
QUIZ = {
    "title": "Kuis Modul Satu", "pass_mark": 60, "questions_per_attempt": 3, "shuffle_questions": False,
    "shuffle_options": False, "max_attempts": 4, "wait_minutes": 15, "show_correct_answers": False,
    "questions": [
        {"id": "kapan-cuci-tangan", "type": "single", "scenario": "Ibu Sari baru membantu ayahnya.",
         "text": "Apa yang Ibu Sari lakukan dulu?", "image": "images/gambar.svg", "image_alt": "Tangan dan sabun",
         "options": [{"id": "sabun", "text": "Mencuci tangan dengan sabun", "correct": True, "feedback": "Benar."},
                     {"text": "Mengelap tangan", "feedback": "Kuman masih ada."}],
         "explanation": "Sabun dan air mengalir."},
        {"id": "tanda-infeksi", "type": "multiple", "scenario": "Luka Pak Budi tidak sembuh.",
         "text": "Tanda infeksi? (pilih semua yang benar)", "image": "images/gambar.svg", "image_alt": "Luka",
         "options": [{"text": "Bernanah", "correct": True}, {"text": "Merah dan panas", "correct": True},
                     {"text": "Kering", "feedback": "Luka kering sedang sembuh."}],
         "explanation": "Nanah, merah dan panas."},
        {"id": "lima-detik", "type": "true_false", "scenario": "Ibu Sari terburu-buru.",
         "text": "Cuci tangan cukup 5 detik.", "image": "images/gambar.svg", "image_alt": "Jam", "answer": False,
         "explanation": "Paling sedikit 20 detik."},
        {"id": "urutan", "type": "ordering", "scenario": "Di dapur.", "text": "Urutkan langkahnya.",
         "image": "images/gambar.svg", "image_alt": "Wastafel",
         "steps": ["Basahi", {"id": "sabuni", "text": "Sabuni"}, "Bilas"], "explanation": "Basahi, sabuni, bilas."},
    ],
}

SKILLS = {"skills": [
    {"id": "cuci-tangan-benar", "title": "Mencuci tangan dengan benar", "why": "Kuman pindah lewat tangan.",
     "performed_on": "doll", "competency_unit": "UJI.01.001.01",
     "steps": ["Membasahi tangan", {"id": "sabun", "text": "Memakai sabun", "critical": True},
               {"text": "Menggosok 20 detik", "critical": True}, "Membilas"]},
    {"id": "mandi-di-tempat-tidur", "title": "Memandikan di tempat tidur", "why": "Kulit bersih tidak lecet.",
     "steps": [{"text": "Menutup jendela", "critical": True}, "Menyiapkan air hangat", "Mengeringkan lipatan"]},
]}


def course_files() -> dict[str, str]:
    """The course as text files, written as the writers write them (keys in order, no defaults)."""
    return {
        cf.COURSE_FILE: df.dump_yaml(COURSE),
        f"01-modul-satu/{cf.MODULE_FILE}": df.dump_yaml({"title": "Modul Satu", "summary": "Ringkasan satu.",
                                                         "practice_minutes": 90}),
        "01-modul-satu/01-cuci-tangan.md": df.lesson_text("Cuci Tangan", 7, "Isi.\n\n![Sabun](images/gambar.svg)"),
        "01-modul-satu/02-mandi.md": df.lesson_text("Mandi", 4, "Isi mandi."),
        f"01-modul-satu/{cf.QUIZ_FILE}": df.dump_yaml(QUIZ),
        f"01-modul-satu/{cf.SKILLS_FILE}": df.dump_yaml(SKILLS),
        f"02-modul-dua/{cf.MODULE_FILE}": df.dump_yaml({"title": "Modul Dua"}),
        "02-modul-dua/01-obat.md": df.lesson_text("Obat", 5, "Isi obat."),
    }


def keys_used(files: dict[str, str]) -> dict[str, set[str]]:
    """The keys each mapping of the format has somewhere in these files, by the names of cf.FORMATS."""
    used: dict[str, set[str]] = {name: set() for name in cf.FORMATS}
    for path, text in files.items():
        name = path.rsplit("/", 1)[-1]
        if name.endswith(cf.LESSON_SUFFIX):
            used["lesson"] |= set(yaml.safe_load(FRONT_MATTER_RE.match(text).group(1)))
            continue
        data = yaml.safe_load(text)
        if name == cf.COURSE_FILE:
            used["course"] |= set(data)
            for source in data.get("sources", []):
                used["source"] |= set(source)
            used["pretest"] |= set(data.get("pretest") or {})
        elif name == cf.MODULE_FILE:
            used["module"] |= set(data)
        elif name == cf.QUIZ_FILE:
            used["quiz"] |= set(data)
            for question in data["questions"]:
                used[f"question:{question['type']}"] |= set(question)
                for option in question.get("options", []):
                    used["option"] |= set(option)
                for step in question.get("steps", []):
                    used["step"] |= set(step) if isinstance(step, dict) else set()
        elif name == cf.SKILLS_FILE:
            used["skills"] |= set(data)
            for skill in data["skills"]:
                used["skill"] |= set(skill)
                for step in skill["steps"]:
                    used["skill_step"] |= set(step) if isinstance(step, dict) else set()
    return used


def rows(course: Course) -> dict:
    """Everything the import stored for a course, every column but ids, links and times."""
    skipped = {"id", "course_id", "module_id", "quiz_id", "question_id", "skill_id", "created_at", "updated_at"}

    def plain(row, **extra) -> dict:
        return {**{c.key: getattr(row, c.key) for c in inspect(type(row)).column_attrs if c.key not in skipped},
                **extra}

    modules = db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position))
    result = {"course": plain(course, slug=None), "modules": []}
    for module in modules:
        lessons = db.session.scalars(select(Lesson).where(Lesson.module_id == module.id).order_by(Lesson.position))
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
        questions = [] if quiz is None else db.session.scalars(
            select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position))
        skills = db.session.scalars(select(Skill).where(Skill.module_id == module.id).order_by(Skill.position))
        result["modules"].append(plain(
            module, lessons=[plain(lesson) for lesson in lessons], quiz=quiz and plain(quiz),
            skills=[plain(skill, steps=[plain(step) for step in skill.steps]) for skill in skills],
            questions=[plain(q, options=[plain(o) for o in db.session.scalars(
                select(Option).where(Option.question_id == q.id).order_by(Option.position))]) for q in questions]))
    assets = db.session.scalars(select(CourseAsset).where(CourseAsset.course_id == course.id)
                                .order_by(CourseAsset.path))
    result["assets"] = [plain(asset) for asset in assets]
    return result


def imported(folder: Path) -> Course:
    import_content(folder)
    db.session.commit()
    return db.session.scalar(select(Course).where(Course.slug == folder.name))


def test_the_course_uses_every_key_of_the_format_with_a_value_other_than_its_default():
    files = course_files()
    used = keys_used(files)
    missing = {name: set(fmt.keys) - used[name] for name, fmt in cf.FORMATS.items()}
    assert missing == {name: set() for name in cf.FORMATS}
    assert set(cf.QUESTION_TYPES) == {q["type"] for q in QUIZ["questions"]}
    assert STORED_TYPES == cf.QUESTION_TYPES == tuple(EDITOR_TYPES)  # the table's check and the editor's choice
    for name, fmt in [("course", cf.COURSE), ("quiz", cf.QUIZ)]:
        data = COURSE if name == "course" else QUIZ
        assert [key for key in fmt.defaults if fmt.is_default(key, data[key])] == [], name
    for name, key in NOT_EXPORTED:
        assert key in cf.FORMATS[name].keys


def test_files_database_files_database_files_give_the_same_files_and_the_same_rows(tmp_path):
    source = course_files()
    first = imported(write_course_files(tmp_path / "a", "kursus-format", source, {"images/gambar.svg": SVG}))
    exported = export_course(first)

    # What was written is what the writers write: the same bytes, but for the keys an export cannot write.
    dropped = {"course": {k for (n, k) in NOT_EXPORTED if n == "course"},
               "module": {k for (n, k) in NOT_EXPORTED if n == "module"}}
    assert sorted(exported.files) == sorted(source)
    for path, text in source.items():
        kind = {cf.COURSE_FILE: "course", cf.MODULE_FILE: "module"}.get(path.rsplit("/", 1)[-1])
        if kind:
            expected = {k: v for k, v in yaml.safe_load(text).items() if k not in dropped[kind]}
            assert exported.files[path] == df.dump_yaml(expected), path
        else:
            assert exported.files[path] == text, path
    assert exported.images == {"images/gambar.svg": ("image/svg+xml", SVG)}

    second = imported(write_course_files(tmp_path / "b", "kursus-format-lagi", exported.files,
                            {path: data for path, (_type, data) in exported.images.items()}))
    again = export_course(second)
    assert again.files == exported.files and again.images == exported.images
    assert rows(second) == rows(first)
    assert import_content(write_course_files(tmp_path / "c", "kursus-format-lagi", again.files,
                                {path: data for path, (_type, data) in again.images.items()}))[0].changes == 0


def test_practice_minutes_survive_an_export(tmp_path):
    """They count in the hours of study: a course published again from an export keeps its hours."""
    first = imported(write_course_files(tmp_path / "a", "kursus-format", course_files(), {"images/gambar.svg": SVG}))
    exported = export_course(first)
    assert "practice_minutes: 90" in exported.files[f"01-modul-satu/{cf.MODULE_FILE}"]
    second = imported(write_course_files(tmp_path / "b", "kursus-format-lagi", exported.files,
                            {path: data for path, (_type, data) in exported.images.items()}))
    assert second.hours == first.hours


def test_editing_a_module_in_a_draft_keeps_the_keys_the_form_does_not_show():
    files = course_files()
    module = df.find_module(files, "modul-satu")
    edited = df.set_module(files, module, "Modul Satu Baru", "")
    assert edited[f"01-modul-satu/{cf.MODULE_FILE}"] == "title: Modul Satu Baru\npractice_minutes: 90\n"
    assert df.set_module(files, df.find_module(files, "modul-dua"), "Dua", "Ringkas.")[
        f"02-modul-dua/{cf.MODULE_FILE}"] == "title: Dua\nsummary: Ringkas.\n"
