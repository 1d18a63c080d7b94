"""Outcome fixtures: the tiny regions dataset, and random learning activity to roll up."""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.certificates.models import Certificate
from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.courses.models import Course, Enrollment, Module, Skill
from lms.extensions import db
from lms.organisations.models import Organisation
from lms.practice.models import Observation
from lms.quizzes.models import Attempt, AttemptQuestion, Pretest, PretestModuleScore, Question, Quiz
from tests.quizzes.conftest import LESSONS, pool, quiz_yaml
from tests.regions.conftest import BASE, VILLAGES, import_regions, regions, regions_file  # noqa: F401

NOW = datetime(2026, 11, 20, 3, 0)
PLACES = [None, "32.76.06.1001", "32.76.06.1002", "32.76.01.1001", "11.01.01.2001", "32.01.01.1001"]


@pytest.fixture
def officer(sign_in, make_user):
    """officer(scope) signs in a new programme officer of that area (None: the whole country)."""
    def make(scope=None, lang="en"):
        user = make_user(Role.PROGRAMME)
        user.scope_region_code = scope
        db.session.commit()
        return sign_in(user, lang=lang)
    return make


@pytest.fixture
def two_courses(make_course):
    for slug in ("kursus-satu", "kursus-dua"):
        make_course(slug, modules=[
            {"slug": f"modul-{n}", "title": f"Modul {n}", "lessons": [{**LESSONS[0], "slug": f"pelajaran-{n}"}],
             "quiz": quiz_yaml(pool(3))} for n in (1, 2)])
    return db.session.scalars(select(Course).order_by(Course.slug)).all()


@pytest.fixture
def activity(regions, two_courses, make_user):  # noqa: F811 - the fixture imported above
    """activity(seed) writes learners, groups of two organisations and their learning records at random."""
    def write(seed: int, learners: int = 60):
        rng = random.Random(seed)
        trainer = make_user(Role.TRAINER)
        organisations = [Organisation(name=f"Lembaga {n}", kind="lks", region_code="32.76") for n in (1, 2)]
        db.session.add_all(organisations)
        db.session.flush()
        groups = [Cohort(name=f"Kelompok {seed}-{n}", owner_id=trainer.id, join_code=f"K{seed}{n}X",
                         organisation_id=organisation.id if organisation else None,
                         region_code=region)
                  for n, (organisation, region) in enumerate([(organisations[0], "32.76.06"),
                                                              (organisations[0], None),
                                                              (organisations[1], "11.01"), (None, None)])]
        db.session.add_all(groups)
        db.session.flush()
        for group in groups:  # the courses a group follows: its reach counts learning in those only
            for course in rng.sample(two_courses, rng.randrange(0, 3)):
                db.session.add(CohortCourse(cohort_id=group.id, course_id=course.id))
        skills = [_skill(course, seed) for course in two_courses]
        observers = [trainer, make_user(Role.TRAINER)]
        quizzes = {course.id: db.session.scalars(select(Quiz).join(Module).where(Module.course_id == course.id)).all()
                   for course in two_courses}
        for n in range(learners):
            user = make_user(Role.LEARNER, full_name=f"Peserta {seed} {n}")
            user.village_code = rng.choice(PLACES)
            user.created_at = NOW - timedelta(days=rng.randrange(0, 120), hours=rng.randrange(24))
            for group in rng.sample(groups, rng.randrange(0, 3)):
                db.session.add(CohortMember(cohort_id=group.id, user_id=user.id))
            for course in rng.sample(two_courses, rng.randrange(0, 3)):
                _learn(rng, user, course, quizzes[course.id])
            for _visit in range(rng.choice([0, 0, 1, 2])):  # visits, some of which do not count
                observed = NOW - timedelta(days=rng.randrange(0, 60), hours=rng.randrange(24))
                db.session.add(Observation(
                    client_id=str(uuid.UUID(int=rng.getrandbits(128))), skill_id=rng.choice(skills).id,
                    learner_id=user.id, observer_id=rng.choice(observers).id, observed_at=observed,
                    recorded_at=observed, place="home", result="competent",
                    status=rng.choice(["pending", "confirmed", "confirmed", "rejected", "withdrawn"])))
        db.session.commit()
    return write


def _skill(course, seed: int) -> Skill:
    module = db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.id)).first()
    skill = Skill(course_id=course.id, module_id=module.id, slug=f"memindahkan-{seed}", position=1, title="Memindahkan",
                  why="Agar aman.")
    db.session.add(skill)
    db.session.flush()
    return skill


def _learn(rng, user, course, quizzes) -> None:
    enrolled = user.created_at + timedelta(days=rng.randrange(0, 10), hours=rng.randrange(24))
    enrollment = Enrollment(user_id=user.id, course_id=course.id, enrolled_at=enrolled,
                            last_activity_at=NOW - timedelta(days=rng.randrange(0, 70)))
    db.session.add(enrollment)
    if rng.random() < 0.4:
        pretest = Pretest(user_id=user.id, course_id=course.id, started_at=enrolled, submitted_at=enrolled,
                          score=0)
        db.session.add(pretest)
        db.session.flush()
        for quiz in quizzes:
            score = rng.choice([0, 33, 66, 100])
            db.session.add(PretestModuleScore(pretest_id=pretest.id, module_id=quiz.module_id, question_count=3,
                                              right_count=score // 33, score=score))
    for quiz in quizzes:
        if rng.random() < 0.6:
            score = rng.choice([33, 66, 100])
            attempt = Attempt(user_id=user.id, quiz_id=quiz.id, number=1, started_at=enrolled,
                              submitted_at=enrolled + timedelta(days=rng.randrange(0, 40)), score=score,
                              passed=score >= 66, pass_mark=66)
            db.session.add(attempt)
            db.session.flush()
            questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)).all()
            for position, question in enumerate(questions, start=1):
                db.session.add(AttemptQuestion(attempt_id=attempt.id, question_id=question.id, position=position,
                                               option_order=[], answer=[], is_correct=rng.random() < 0.7))
            if not attempt.passed:  # a retake, which first-attempt figures must leave out
                retake = Attempt(user_id=user.id, quiz_id=quiz.id, number=2, started_at=attempt.submitted_at,
                                 submitted_at=attempt.submitted_at + timedelta(days=1), score=100, passed=True,
                                 pass_mark=66)
                db.session.add(retake)
                db.session.flush()
                db.session.add(AttemptQuestion(attempt_id=retake.id, question_id=questions[0].id, position=1,
                                               option_order=[], answer=[], is_correct=False))
    if rng.random() < 0.6:
        enrollment.completed_at = enrolled + timedelta(days=rng.randrange(0, 60))
        if rng.random() < 0.8:
            issued = enrollment.completed_at + timedelta(hours=rng.randrange(1, 48))
            db.session.add(Certificate(
                public_id=f"C{user.id:05d}{course.id:03d}", user_id=user.id, course_id=course.id, cycle=1,
                holder_name=user.full_name, course_title=course.title, course_version=1, hours=course.hours,
                completed_on=issued.date(), valid_until=(issued + timedelta(days=rng.choice([20, 700]))).date(),
                issuer="Rawat", signatory_name="Penanda", signatory_position="Kepala", locale="id",
                issued_at=issued, key_id="k", signature="s",
                revoked_at=issued + timedelta(days=1) if rng.random() < 0.1 else None))
