"""The per-process outline cache (outline.cached_outlines): plain data, never stale, never shared."""
from sqlalchemy import select

from lms.courses.models import Course, Lesson, Module
from lms.courses.outline import _OUTLINES, OutlineLesson, OutlineModule, course_outline
from lms.courses.progress import course_progress
from lms.extensions import db

MODULES = [
    {"slug": "modul-satu", "title": "Modul Satu", "lessons": [
        {"slug": "pelajaran-a", "title": "Pelajaran A", "body": "Isi A.\n"},
        {"slug": "pelajaran-b", "title": "Pelajaran B", "body": "Isi B.\n"},
    ]},
]


def renamed(title_b):
    modules = [dict(MODULES[0], lessons=[dict(lesson) for lesson in MODULES[0]["lessons"]])]
    modules[0]["lessons"][1]["title"] = title_b
    return modules


def test_a_reimported_course_shows_the_new_lesson_title_at_once(make_course, client):
    course = make_course(modules=MODULES)
    page = client.get("/kursus/kursus-uji/materi/pelajaran-a").get_data(as_text=True)
    assert "Pelajaran B →" in page
    make_course(modules=renamed("Pelajaran B Baru"))
    page = client.get("/kursus/kursus-uji/materi/pelajaran-a").get_data(as_text=True)
    assert "Pelajaran B Baru →" in page
    assert [lesson.title for lesson in course_outline(db.session.get(Course, course.id))[0][1]] == [
        "Pelajaran A", "Pelajaran B Baru"]


def test_a_module_written_without_the_importer_is_seen_at_once(make_user, make_course):
    user = make_user()
    course = make_course(modules=MODULES)
    assert course_progress(user.id, course).total_steps == 2
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    module.has_quiz = True
    db.session.commit()
    assert course_progress(user.id, course).total_steps == 3
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "pelajaran-b"))
    lesson.title = "Judul Lain"
    db.session.commit()
    assert [ls.title for ls in course_progress(user.id, course).modules[0].lessons] == ["Pelajaran A", "Judul Lain"]


def test_two_courses_never_share_an_outline(make_course):
    first = make_course("kursus-satu", modules=MODULES)
    second = make_course("kursus-dua", modules=renamed("Lain"))
    one, two = course_outline(first), course_outline(second)
    assert {lesson.course_id for _m, lessons in one for lesson in lessons} == {first.id}
    assert {lesson.course_id for _m, lessons in two for lesson in lessons} == {second.id}
    assert one[0][1][1].title == "Pelajaran B" and two[0][1][1].title == "Lain"
    keys = [key for key in _OUTLINES if key[0] in (first.id, second.id)]
    assert len(keys) == 2


def test_the_cached_outline_holds_plain_data_only(make_course):
    course = make_course(modules=MODULES)
    outline = course_outline(course)
    db.session.expunge_all()  # another request's session: the cached entries must not depend on this one
    for module, lessons in outline:
        assert type(module) is OutlineModule
        assert all(type(lesson) is OutlineLesson for lesson in lessons)
        assert module.title == "Modul Satu" and [lesson.slug for lesson in lessons] == ["pelajaran-a", "pelajaran-b"]
        assert not hasattr(module, "_sa_instance_state")


def test_the_lesson_page_still_offers_the_enrolment_when_asked(make_user, make_course):
    user = make_user()
    course = make_course(modules=MODULES)
    from lms.courses.services import enroll

    enroll(user.id, course)
    db.session.commit()
    progress = course_progress(user.id, course, with_enrollment=False)
    assert progress.enrollment is not None and progress.enrollment.course_id == course.id
    assert course_progress(None, course, with_enrollment=False).enrollment is None
