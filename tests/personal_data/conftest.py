"""Two learners of one care manager's group with data everywhere, a second group, and a way to read a copy."""
from __future__ import annotations

import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.accounts import rescue, sessions
from lms.accounts.models import Role
from lms.certificates.queries import latest_certificate
from lms.cohorts.services import add_member, create_cohort, invite
from lms.courses.models import Course, Lesson, Module, Skill, SyncedMark
from lms.courses.services import mark_lesson_done
from lms.extensions import db
from lms.practice.services import ObservationInput, answer, record_observation
from lms.quizzes.models import Quiz
from lms.quizzes.services import start_attempt, submit_attempt
from lms.quizzes.services_pretest import start_pretest, submit_pretest
from lms.timeutil import utcnow
from tests.certificates.fixtures import certify, fresh_keys, issued_pdf  # noqa: F401 (fixtures)

QUESTION = {"id": "soal-satu", "type": "single", "text": "Apa yang benar?",
            "options": [{"text": "Jawaban benar", "correct": True}, {"text": "Jawaban salah"}],
            "explanation": "Karena benar."}
SKILL = {"id": "cuci-tangan", "title": "Mencuci tangan", "why": "Tangan bersih mencegah penyakit.",
         "steps": [{"text": "Membasahi tangan", "critical": True}, "Memakai sabun", "Mengeringkan tangan"]}
MODULES = [{"slug": "modul-satu", "title": "Modul Satu", "skills": [SKILL],
            "lessons": [{"slug": "pelajaran-a", "title": "Pelajaran A", "body": "Isi A.\n"},
                        {"slug": "pelajaran-b", "title": "Pelajaran B", "body": "Isi B.\n"}],
            "quiz": {"title": "Kuis Satu", "questions": [QUESTION]}}]


@dataclass
class World:
    course: Course
    trainer: object
    learners: list
    cohort: object
    certificates: list


def give_data(user, course, trainer, *, phone_invited_to=None) -> None:
    """Everything a learner can leave behind, through the real services: pre-test, lessons (one marked offline),
    a failed and a passed quiz attempt, an observation confirmed, a session, a reset code."""
    pretest = start_pretest(user.id, course)
    submit_pretest(pretest, {item.id: [item.option_order[0][0]] for item in pretest.items})
    lessons = list(db.session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)))
    mark_lesson_done(user.id, lessons[0])
    db.session.add(SyncedMark(user_id=user.id, client_id=str(uuid.uuid4()), lesson_id=lessons[1].id,
                              done_at=utcnow() - timedelta(hours=2)))
    mark_lesson_done(user.id, lessons[1])
    quiz = db.session.scalar(select(Quiz).join(Module, Module.id == Quiz.module_id)
                             .where(Module.course_id == course.id))
    for choose_right in (False, True):
        attempt = start_attempt(user.id, quiz, now=utcnow() - timedelta(days=1 if not choose_right else 0))
        options = {item.id: [oid for oid, _token in item.option_order] for item in attempt.items}
        right = {item.id: [o.id for o in item.question.options if o.is_correct == choose_right][:1]
                 for item in attempt.items}
        assert options
        submit_attempt(attempt, right)
    skill = db.session.scalar(select(Skill).where(Skill.course_id == course.id))
    observation, _created = record_observation(trainer, user, skill, ObservationInput(
        client_id=str(uuid.uuid4()), steps={step.id: "done" for step in skill.steps}, result="competent",
        place="home", observed_at=utcnow() - timedelta(days=1), note=f"Bagus sekali, {user.full_name}."))
    answer(observation, user, confirmed=True)
    sessions.sign_in(user)
    rescue.issue_code(user, channel="helper", issued_by=trainer, reason="lupa sandi")
    if phone_invited_to is not None:
        invite(phone_invited_to, user.phone, actor=trainer)


@pytest.fixture
def world(app, make_user, make_course):
    course = make_course("kursus-data", course={"practice": "optional", "title": "Merawat di Rumah",
                                               "pretest": {"questions_per_module": 1}}, modules=MODULES)
    trainer = make_user(Role.TRAINER, full_name="Ibu Pendamping Ani", phone="+6281311110000")
    first = make_user(full_name="Siti Aminah", phone="+6281422220001")
    second = make_user(full_name="Rahmat Hidayat", phone="+6281433330002")
    cohort = create_cohort(trainer, "Posyandu Melati", "", [course.id])
    other_group = create_cohort(trainer, "Posyandu Mawar", "", [course.id])
    with app.test_request_context():
        for learner in (first, second):
            add_member(cohort, learner, actor=learner)
            give_data(learner, course, trainer, phone_invited_to=other_group)
        db.session.commit()
    certificates = [latest_certificate(learner.id, course.id) for learner in (first, second)]
    assert all(certificates), "the course completes: lessons, quiz, skill (optional)"
    return World(course, trainer, [first, second], cohort, certificates)


def read_zip(data: bytes) -> tuple[dict, str, dict[str, bytes]]:
    """(data-saya.json, the summary HTML, every file) of a copy."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files["data-saya.json"]), files["ringkasan-data-saya.html"].decode("utf-8"), files
