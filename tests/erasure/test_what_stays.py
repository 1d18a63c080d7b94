"""What erasing keeps is detached from the person: quiz answers and observation notes emptied, progress details
deleted, and the care manager no longer sees the account anywhere in the group."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lms.cohorts.models import CohortInvitation, CohortMember
from lms.courses.models import Enrollment, LessonCompletion
from lms.extensions import db
from lms.practice.models import Observation, ObservedStep
from lms.quizzes.models import Attempt, AttemptQuestion, Question, Quiz
from lms.timeutil import utcnow
from tests.practice.answering import observe, practice_setting
from tests.quizzes.conftest import LESSONS, pool, quiz_yaml


def rows(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_answers_notes_and_progress_details_go_the_facts_stay(make_course, make_user, erase):
    setting = practice_setting(make_course, make_user)
    learner = setting.learner
    observe(setting, setting.skills[0], note="Bu Siti gemetar; suaminya sakit stroke.")
    quiz_course = make_course("kursus-kuis", modules=[{"slug": "modul-kuis", "title": "Modul Kuis",
                                                       "lessons": LESSONS, "quiz": quiz_yaml(pool(1))}])
    quiz = db.session.scalar(select(Quiz).join(Quiz.module).where(Quiz.module.has(course_id=quiz_course.id)))
    question = db.session.scalar(select(Question).where(Question.quiz_id == quiz.id))
    when = utcnow() - timedelta(days=3)
    db.session.add(Enrollment(user_id=learner.id, course_id=quiz_course.id, enrolled_at=when, last_activity_at=when))
    for number, right in ((1, False), (2, True)):
        attempt = Attempt(user_id=learner.id, quiz_id=quiz.id, number=number, started_at=when, submitted_at=when,
                          score=100 if right else 0, passed=right, pass_mark=70)
        db.session.add(attempt)
        db.session.flush()
        db.session.add(AttemptQuestion(attempt_id=attempt.id, question_id=question.id, position=1,
                                       option_order=[2, 1], answer=[1 if right else 2], is_correct=right))
    db.session.add(LessonCompletion(user_id=learner.id, lesson_id=setting.course.modules[0].lessons[0].id,
                                    completed_at=when))
    db.session.add(CohortInvitation(cohort_id=setting.cohort.id, phone=learner.phone, invited_by_id=setting.trainer.id,
                                    created_at=when, expires_at=when + timedelta(days=30)))
    db.session.commit()

    erase(learner)
    [attempt] = db.session.scalars(select(Attempt).where(Attempt.user_id == learner.id)).all()
    assert (attempt.number, attempt.score, attempt.passed) == (1, 0, False)  # the first attempt, as counted
    [item] = db.session.scalars(select(AttemptQuestion)).all()
    assert item.attempt_id == attempt.id and item.answer is None and item.option_order == [] and not item.is_correct
    [observation] = db.session.scalars(select(Observation).where(Observation.learner_id == learner.id)).all()
    assert observation.note == "" and observation.status == "pending" and observation.observed_at
    assert rows(ObservedStep) == 0
    assert rows(LessonCompletion, LessonCompletion.user_id == learner.id) == 0
    assert rows(Enrollment, Enrollment.user_id == learner.id) == 2
    assert rows(CohortInvitation) == 0
    assert rows(CohortMember, CohortMember.user_id == learner.id) == 1  # counted by programmes, never shown


def test_the_care_manager_no_longer_sees_an_erased_account(make_course, make_user, sign_in, erase):
    setting = practice_setting(make_course, make_user)
    observe(setting, setting.skills[0])
    cohort, learner = setting.cohort, setting.learner
    erase(learner)
    trainer = sign_in(setting.trainer, lang="en")
    for url in (f"/kelompok/{cohort.id}", f"/kelompok/{cohort.id}/laporan.csv", f"/kelompok/{cohort.id}/pengamatan"):
        body = trainer.get(url).get_data(as_text=True)
        assert "Akun dihapus" not in body and "Siti Aminah" not in body, url
    index = trainer.get("/kelompok").get_data(as_text=True)
    assert "0 learners" in index
    for url in (f"/kelompok/{cohort.id}/peserta/{learner.id}",
                f"/kelompok/{cohort.id}/peserta/{learner.id}/pengamatan/{setting.course.slug}"):
        assert trainer.get(url).status_code == 404, url
