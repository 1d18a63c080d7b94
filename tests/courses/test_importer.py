"""The content importer: good folders, located errors, all or nothing, idempotent updates."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.courses.importer import ContentError, import_content
from lms.courses.models import Course, CourseAsset, Lesson, LessonCompletion, Module
from lms.courses.services import mark_lesson_done
from lms.extensions import db
from tests.factories import write_course

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>x</title><rect width="5" height="5"/></svg>'


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def problems_of(folder) -> list[str]:
    with pytest.raises(ContentError) as caught:
        import_content(folder)
    return [str(p) for p in caught.value.problems]


def test_good_folder_is_imported_with_order_slugs_and_images(tmp_path):
    folder = write_course(tmp_path, images={"gambar.svg": SVG}, modules=[
        {"slug": "kebersihan", "title": "Kebersihan", "lessons": [
            {"slug": "cuci-tangan", "title": "Cuci Tangan", "body": "Teks\n\n![Gambar](images/gambar.svg)\n",
             "minutes": 7},
            {"slug": "mandi", "title": "Mandi", "body": "Teks mandi.\n"}]},
        {"slug": "obat", "title": "Obat", "lessons": [{"slug": "jadwal", "title": "Jadwal", "body": "Teks.\n"}]},
    ])
    reports = import_content(folder)
    db.session.commit()
    assert [(r.slug, r.created) for r in reports] == [("kursus-uji", True)]
    course = db.session.scalar(select(Course).where(Course.slug == "kursus-uji"))
    assert course.title == "Kursus Uji" and course.hours == 1 and course.certificate_validity_months == 24
    assert [m.slug for m in course.modules] == ["kebersihan", "obat"]
    assert [lsn.slug for lsn in course.modules[0].lessons] == ["cuci-tangan", "mandi"]
    assert course.modules[0].lessons[0].minutes == 7
    assert db.session.scalar(select(CourseAsset.content_type)) == "image/svg+xml"


def test_the_hours_of_study_are_counted_from_lessons_quizzes_and_practice_never_taken_as_declared(tmp_path):
    quiz = {"title": "Kuis", "questions_per_attempt": 8, "questions": [
        {"id": f"soal-{n}", "type": "true_false", "text": f"Benar {n}?", "answer": True, "explanation": "Ya."}
        for n in range(10)]}
    folder = write_course(tmp_path, course={"hours": 40}, modules=[
        {"slug": "satu", "title": "Satu", "practice_minutes": 30, "quiz": quiz, "lessons": [
            {"slug": "a", "title": "A", "body": "Teks.\n", "minutes": 40},
            {"slug": "b", "title": "B", "body": "Teks.\n", "minutes": 50}]},
    ])
    import_content(folder)
    db.session.commit()
    # 40 + 50 lesson minutes, 8 drawn questions × 1.5 = 12, 30 of practice: 132 minutes, 2.9 JP
    assert db.session.scalar(select(Course.hours).where(Course.slug == "kursus-uji")) == 3


def test_reimport_changes_nothing(tmp_path):
    folder = write_course(tmp_path)
    import_content(folder)
    db.session.commit()
    again = import_content(folder)
    assert [(r.created, r.changes) for r in again] == [(False, 0)]
    assert count(Lesson) == 3 and count(Module) == 2


def test_the_real_content_folder_imports_and_is_idempotent():
    root = Path(__file__).resolve().parents[2] / "content"
    try:
        first = import_content(root)
    except ContentError as exc:  # show every problem if the shipped content is broken
        pytest.fail("\n".join(map(str, exc.problems)))
    db.session.commit()
    assert {r.slug for r in first} >= {"perawatan-dasar-lansia", "mendampingi-penyandang-disabilitas"}
    assert all(r.changes == 0 for r in import_content(root))
    lansia = db.session.scalar(select(Course).where(Course.slug == "perawatan-dasar-lansia"))
    assert len(lansia.modules) >= 6


def test_update_keeps_progress_and_retires_removed_lessons(tmp_path, make_user):
    learner = make_user()
    folder = write_course(tmp_path)
    import_content(folder)
    db.session.commit()
    lesson_a = db.session.scalar(select(Lesson).where(Lesson.slug == "pelajaran-a"))
    lesson_b = db.session.scalar(select(Lesson).where(Lesson.slug == "pelajaran-b"))
    mark_lesson_done(learner.id, lesson_a)
    mark_lesson_done(learner.id, lesson_b)
    db.session.commit()
    # New version: lesson A renumbered and renamed, lesson B removed, a new lesson added.
    write_course(tmp_path, course={"version": 2}, modules=[
        {"slug": "modul-satu", "title": "Modul Satu", "lessons": [
            {"slug": "pelajaran-baru", "title": "Pelajaran Baru", "body": "Baru.\n"},
            {"slug": "pelajaran-a", "title": "Pelajaran A (diperbarui)", "body": "Isi baru A.\n"}]},
        {"slug": "modul-dua", "title": "Modul Dua", "lessons": [
            {"slug": "pelajaran-c", "title": "Pelajaran C", "body": "Isi pelajaran C.\n"}]},
    ])
    for stale in (folder / "01-modul-satu").glob("0*-pelajaran-*.md"):
        if stale.name not in {"01-pelajaran-baru.md", "02-pelajaran-a.md"}:
            stale.unlink()
    report = import_content(folder)[0]
    db.session.commit()
    assert report.changes > 0
    db.session.expire_all()
    lesson_a = db.session.get(Lesson, lesson_a.id)
    assert lesson_a.title == "Pelajaran A (diperbarui)" and lesson_a.position == 2 and lesson_a.retired_at is None
    assert db.session.get(Lesson, lesson_b.id).retired_at is not None  # retired, not deleted
    assert count(LessonCompletion) == 2  # history kept
    assert db.session.scalar(select(Course.version)) == 2


def test_removed_lesson_comes_back_when_restored(tmp_path):
    folder = write_course(tmp_path)
    import_content(folder)
    moved = folder / "01-modul-satu" / "02-pelajaran-b.md"
    text = moved.read_text()
    moved.unlink()
    import_content(folder)
    assert db.session.scalar(select(Lesson.retired_at).where(Lesson.slug == "pelajaran-b")) is not None
    moved.write_text(text)
    import_content(folder)
    assert db.session.scalar(select(Lesson.retired_at).where(Lesson.slug == "pelajaran-b")) is None


def test_broken_yaml_is_reported_with_file_and_line(tmp_path):
    folder = write_course(tmp_path)
    (folder / "course.yaml").write_text("title: Kursus\nsummary: [tidak ditutup\nhours: 2\n", encoding="utf-8")
    problems = problems_of(folder)
    assert len(problems) == 1 and "course.yaml:3" in problems[0] and "invalid YAML" in problems[0]


def test_missing_and_wrong_fields_are_each_located(tmp_path):
    folder = write_course(tmp_path, course={"hours": "banyak", "pass_mark": 150, "warna": "merah"})
    text = (folder / "course.yaml").read_text()
    (folder / "course.yaml").write_text(text.replace("title: Kursus Uji\n", ""), encoding="utf-8")
    problems = "\n".join(problems_of(folder))
    assert "'title' is required" in problems
    assert "'hours' must be a whole number" in problems
    assert "'pass_mark' must be at most 100 (found 150)" in problems
    assert "unknown key 'warna'" in problems


def test_lesson_without_front_matter_or_title(tmp_path):
    folder = write_course(tmp_path)
    (folder / "01-modul-satu" / "01-pelajaran-a.md").write_text("Tanpa front matter\n", encoding="utf-8")
    (folder / "01-modul-satu" / "02-pelajaran-b.md").write_text("---\nminutes: 99\n---\n\nIsi\n", encoding="utf-8")
    problems = "\n".join(problems_of(folder))
    assert "01-pelajaran-a.md:1: missing front matter" in problems
    assert "02-pelajaran-b.md" in problems and "'title' is required" in problems
    assert "02-pelajaran-b.md:2: 'minutes' must be at most 60 (found 99)" in problems  # the file's line


def test_missing_image_and_broken_svg(tmp_path):
    folder = write_course(tmp_path, images={"rusak.svg": b'<svg onload="alert(1)">'}, modules=[
        {"slug": "m", "title": "M", "lessons": [
            {"slug": "a", "title": "A", "body": "Baris satu\n\n![x](images/tidak-ada.png)\n"}]}])
    problems = "\n".join(problems_of(folder))
    assert "rusak.svg:1: the SVG is not well-formed XML (no element found)" in problems
    assert "01-a.md:8: image 'images/tidak-ada.png' not found" in problems


def test_an_svg_with_scripts_is_imported_cleaned(tmp_path):
    folder = write_course(tmp_path, images={"jahat.svg": b'<svg onload="alert(1)"><script>alert(1)</script></svg>'})
    import_content(folder)
    db.session.commit()
    assert db.session.scalar(select(CourseAsset.data)) == b'<svg xmlns="http://www.w3.org/2000/svg"/>'


def test_duplicate_lesson_slug_and_unexpected_files(tmp_path):
    folder = write_course(tmp_path)
    (folder / "02-modul-dua" / "02-pelajaran-a.md").write_text("---\ntitle: X\nminutes: 2\n---\nX\n")
    (folder / "02-modul-dua" / "catatan.txt").write_text("?")
    problems = "\n".join(problems_of(folder))
    assert "lesson slug 'pelajaran-a' is used twice" in problems
    assert "catatan.txt: unexpected file" in problems


def test_one_broken_course_changes_nothing_at_all(tmp_path):
    root = tmp_path / "content"
    write_course(root, "kursus-baik")
    broken = write_course(root, "kursus-rusak")
    (broken / "01-modul-satu" / "module.yaml").unlink()
    problems = problems_of(root)
    assert any("module.yaml" in p and "missing" in p for p in problems)
    assert count(Course) == 0 and count(Lesson) == 0


def test_cli_imports_and_reports_problems(runner, tmp_path):
    folder = write_course(tmp_path)
    result = runner.invoke(args=["lms", "import-content", str(folder)])
    assert result.exit_code == 0 and "kursus-uji: created" in result.output
    result = runner.invoke(args=["lms", "import-content", str(folder)])
    assert "kursus-uji: unchanged (0 change(s))" in result.output
    (folder / "course.yaml").write_text("title: [", encoding="utf-8")
    result = runner.invoke(args=["lms", "import-content", str(folder)])
    assert result.exit_code == 1 and "Nothing was changed" in result.output and "course.yaml" in result.output


def test_problems_carry_a_code_and_where_they_are_for_the_browser_editor(tmp_path):
    """The browser editor words problems for authors from `code` and `params`, never from the English."""
    folder = write_course(tmp_path)
    (folder / "02-modul-dua" / "01-pelajaran-c.md").unlink()
    (folder / "01-modul-satu" / "02-pelajaran-b.md").write_text(
        "---\ntitle: B\nminutes: 99\n---\n\n![x](images/x.png)\n", encoding="utf-8")
    problems = caught_problems(folder)
    found = {(p.path.name, p.code, tuple(sorted(p.params.items()))) for p in problems}
    assert ("02-modul-dua", "no_lessons", ()) in found
    assert ("02-pelajaran-b.md", "too_large", (("field", "minutes"), ("found", 99), ("max", 60))) in found
    assert ("02-pelajaran-b.md", "image_missing", (("image", "images/x.png"),)) in found
    assert all(p.code for p in problems)
    assert "02-modul-dua: a module needs at least one lesson file named like 01-slug.md" in map(
        lambda p: f"{p.path.name}: {p.message}", problems)  # the command line keeps its words


def caught_problems(folder):
    with pytest.raises(ContentError) as caught:
        import_content(folder)
    return caught.value.problems
