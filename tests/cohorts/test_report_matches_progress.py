"""The group report counts progress as the progress service does: one definition of done.

For varied histories the percent on the group page, in its CSV and on the learner's own page
equals course_progress().percent, also after the course changed under a learner who had
completed it (a lesson retired, a module added).
"""
import csv
import io
import re

import pytest
from sqlalchemy import select

from lms.cohorts.services import add_member, create_cohort
from lms.courses.models import Enrollment, Lesson, Module
from lms.courses.progress import course_progress, progress_for
from lms.courses.services import mark_lesson_done
from lms.extensions import db
from lms.quizzes.models import Quiz
from lms.quizzes.services import start_attempt, submit_attempt
from tests.certificates.fixtures import QUESTION

TRAINER_PHONE = "081300000001"


def _module(slug, title, lessons, *, quiz=True):
    return {"slug": slug, "title": title, "quiz": {"title": f"Kuis {title}", "questions": [QUESTION]} if quiz else None,
            "lessons": [{"slug": lesson, "title": lesson.title(), "body": f"Isi {lesson}.\n"} for lesson in lessons]}


#: version 1: 5 steps (lessons a, b, quiz 1; lesson c, quiz 2)
FIRST = [_module("modul-satu", "Modul Satu", ["pelajaran-a", "pelajaran-b"]),
         _module("modul-dua", "Modul Dua", ["pelajaran-c"])]
#: version 2: lesson b retired, a third module added: still 5 steps (a, quiz 1; c, quiz 2; d)
SECOND = [_module("modul-satu", "Modul Satu", ["pelajaran-a"]),
          _module("modul-dua", "Modul Dua", ["pelajaran-c"]),
          _module("modul-tiga", "Modul Tiga", ["pelajaran-d"], quiz=False)]


def lesson(course, slug):
    return db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == slug))


def take_quiz(user, course, module_slug, *, right):
    quiz = db.session.scalar(select(Quiz).join(Module, Module.id == Quiz.module_id)
                             .where(Module.course_id == course.id, Module.slug == module_slug))
    attempt = start_attempt(user.id, quiz)
    submit_attempt(attempt, {item.id: [o.id for o in item.question.options if o.is_correct == right][:1]
                             for item in attempt.items})


def page_percents(browser, cohort_id):
    """learner name -> percent in the group table."""
    page = browser.get(f"/kelompok/{cohort_id}").get_data(as_text=True)
    return {name: int(percent) for name, percent in re.findall(
        r'<th scope="row"><a [^>]*>([^<]+)</a>.*?</th>\s*<td>(\d+)%</td>', page, re.S)}


def csv_percents(browser, cohort_id):
    """learner name -> percent_done of the CSV export."""
    text = browser.get(f"/kelompok/{cohort_id}/laporan.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    column = rows[0].index("percent_done")
    return {row[0]: int(row[column]) for row in rows[1:]}


def learner_page_percent(browser, cohort_id, user_id):
    page = browser.get(f"/kelompok/{cohort_id}/peserta/{user_id}").get_data(as_text=True)
    return int(re.search(r'<ul class="meta">\s*<li>(\d+)%', page).group(1))


@pytest.fixture
def group(make_user, make_course):
    """A group of one course and learners with varied histories: name -> user."""
    trainer = make_user("trainer", phone="+6281300000001")
    course = make_course(modules=FIRST)
    cohort = create_cohort(trainer, "Kelompok", "", [course.id])
    names = ("Belum Mulai", "Dua Pelajaran", "Kuis Gagal", "Kuis Lulus", "Tamat")
    learners = {name: make_user(full_name=name) for name in names}
    for learner in learners.values():
        add_member(cohort, learner, actor=trainer)
    for name in names[1:]:
        mark_lesson_done(learners[name].id, lesson(course, "pelajaran-a"))
        mark_lesson_done(learners[name].id, lesson(course, "pelajaran-b"))
    take_quiz(learners["Kuis Gagal"], course, "modul-satu", right=False)
    take_quiz(learners["Kuis Lulus"], course, "modul-satu", right=True)
    take_quiz(learners["Tamat"], course, "modul-satu", right=True)
    mark_lesson_done(learners["Tamat"].id, lesson(course, "pelajaran-c"))
    take_quiz(learners["Tamat"], course, "modul-dua", right=True)
    db.session.commit()
    return cohort, course, learners


def assert_everywhere_as_progress(browser, cohort, course, learners, expected):
    progress = {name: course_progress(user.id, course).percent for name, user in learners.items()}
    assert progress == expected  # the histories are what this test means them to be
    assert page_percents(browser, cohort.id) == progress
    assert csv_percents(browser, cohort.id) == progress
    for name, user in learners.items():
        assert learner_page_percent(browser, cohort.id, user.id) == progress[name], name


def test_the_group_report_gives_each_learner_the_percent_of_their_progress(browser, group):
    cohort, course, learners = group
    browser.login(TRAINER_PHONE)
    assert_everywhere_as_progress(browser, cohort, course, learners, {
        "Belum Mulai": 0, "Dua Pelajaran": 40, "Kuis Gagal": 40, "Kuis Lulus": 60, "Tamat": 100})


def test_after_the_course_changed_the_report_follows_progress_not_the_old_completion(browser, make_course, group,
                                                                                      tmp_path):
    """Lesson b retired and a module added: the completed learner is no longer at 100 %, and
    the retired lesson counts for nobody; the completion date stays."""
    cohort, course, learners = group
    (tmp_path / "content" / "kursus-uji" / "01-modul-satu" / "02-pelajaran-b.md").unlink()  # as make_course wrote it
    course = make_course(modules=SECOND, course={"version": 2})
    db.session.commit()
    assert lesson(course, "pelajaran-b").retired_at is not None
    browser.login(TRAINER_PHONE)
    assert_everywhere_as_progress(browser, cohort, course, learners, {
        "Belum Mulai": 0, "Dua Pelajaran": 20, "Kuis Gagal": 20, "Kuis Lulus": 40, "Tamat": 80})
    completed = db.session.scalar(select(Enrollment.completed_at).where(Enrollment.user_id == learners["Tamat"].id))
    assert completed is not None
    text = browser.get(f"/kelompok/{cohort.id}/laporan.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    tamat = next(row for row in rows if row[0] == "Tamat")
    assert tamat[rows[0].index("kursus-uji/completed_on")] != ""


def test_a_group_of_two_courses_counts_the_steps_of_both(browser, make_user, make_course, group):
    """Over several courses the percent is the steps done of all of them, each counted by progress."""
    cohort, course, learners = group
    other = make_course("kursus-dua", modules=[_module("modul-x", "Modul X", ["pelajaran-x", "pelajaran-y"])])
    cohort.courses.append(other)
    mark_lesson_done(learners["Kuis Lulus"].id, lesson(other, "pelajaran-x"))
    db.session.commit()
    browser.login(TRAINER_PHONE)
    expected = {}
    for name, user in learners.items():
        both = progress_for(user.id, [course, other]).values()
        expected[name] = int(sum(p.done_steps for p in both) * 100 / sum(p.total_steps for p in both))
    assert expected["Kuis Lulus"] == 50  # 3 + 1 of 5 + 3 steps
    assert page_percents(browser, cohort.id) == expected
    assert csv_percents(browser, cohort.id) == expected


def test_the_report_reads_progress_in_a_fixed_few_queries(make_user, group):
    """The group's courses, its members, their lessons (one row each), quiz passes and skills (one UNION), the
    charts' recent lessons, enrolments, quiz attempts and last visits: 8 statements for a group of any size once
    this process has cached the outlines."""
    from sqlalchemy import event

    from lms.cohorts.models import Cohort
    from lms.cohorts.queries import cohort_report
    from lms.timeutil import utcnow

    cohort, course, learners = group
    cohort_report(cohort, utcnow())  # caches the outline
    db.session.expire_all()
    statements = []

    def count(conn, cursor, statement, *args):
        if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    cohort = db.session.get(Cohort, cohort.id)
    engine = db.session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        report = cohort_report(cohort, utcnow())
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(report.rows) == len(learners)
    assert len(statements) <= 8, statements
