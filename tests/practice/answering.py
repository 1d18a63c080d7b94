"""Shared set-up of the learner's-side tests: a practice course with three skills, a care manager who
accompanies a learner in a group, and observations recorded and answered through the real services."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_date
from sqlalchemy import select

from lms.accounts.models import Role
from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.courses.models import Course, Skill
from lms.courses.services import enroll
from lms.extensions import db
from lms.practice.services import ObservationInput, answer, record_observation
from lms.timeutil import utcnow

SKILLS = [
    {"id": "pindah-ke-kursi", "title": "Memindahkan ke kursi roda", "why": "Banyak lansia jatuh saat pindah.",
     "steps": [{"text": "Mengunci kedua roda", "critical": True}, "Menjelaskan apa yang dilakukan",
               {"text": "Menahan lutut saat berdiri", "critical": True}, "Menanyakan apakah nyaman"]},
    {"id": "cuci-tangan", "title": "Mencuci tangan", "why": "Tangan bersih mencegah penyakit.",
     "steps": [{"text": "Membasahi tangan", "critical": True}, "Memakai sabun", "Mengeringkan tangan"]},
    {"id": "memiringkan", "title": "Memiringkan badan", "why": "Mencegah luka tekan.",
     "steps": [{"text": "Menjelaskan dulu", "critical": True}, "Menahan bahu dan pinggul",
               "Meletakkan bantal di punggung"]},
]


@dataclass
class Setting:
    course: Course
    skills: list[Skill]
    trainer: object
    learner: object
    cohort: Cohort


def practice_setting(make_course, make_user, *, slug="kursus-praktik", practice="required",
                     enrolled=True) -> Setting:
    """A course observing three skills; "Ibu Ani" accompanies a learner (joined by code) in her group."""
    course = make_course(slug, course={"practice": practice}, modules=[
        {"slug": "modul-satu", "title": "Modul Satu", "skills": SKILLS,
         "lessons": [{"slug": "pelajaran-a", "title": "Pelajaran A", "body": "Isi.\n"}]}])
    trainer = make_user(Role.TRAINER, full_name="Ibu Ani")
    learner = make_user(full_name="Siti Aminah")
    cohort = Cohort(name=f"Posyandu {slug}", owner_id=trainer.id, join_code=f"K{uuid.uuid4().hex[:8].upper()}")
    db.session.add(cohort)
    db.session.flush()
    db.session.add_all([CohortCourse(cohort_id=cohort.id, course_id=course.id),
                        CohortMember(cohort_id=cohort.id, user_id=learner.id, joined_via="code")])
    if enrolled:
        enroll(learner.id, course)
    db.session.commit()
    skills = list(db.session.scalars(select(Skill).where(Skill.course_id == course.id).order_by(Skill.position)))
    return Setting(course, skills, trainer, learner, cohort)


def evening_days_ago(days: int) -> datetime:
    """20:00 UTC `days` ago: already the next day in Jakarta (03:00 WIB)."""
    return (utcnow() - timedelta(days=days)).replace(hour=20, minute=0, second=0, microsecond=0)


def jakarta_day_in_english(moment: datetime) -> str:
    """How an English page shows the Jakarta calendar day of a moment at 20:00 UTC (e.g. "December 3, 2026")."""
    return format_date((moment + timedelta(hours=7)).date(), "long", locale="en")


def observe(setting: Setting, skill: Skill, *, result="competent", not_done=(), not_seen=(), note="Bagus.",
            observed_at: datetime | None = None, learner=None, place="home", answer_with: bool | None = None,
            answered_at: datetime | None = None):
    """Record an observation (steps done but for the positions named, 0-based) and, if `answer_with` is
    True/False, the learner's answer; committed, as the requests would."""
    learner = learner or setting.learner
    states = {}
    for index, step in enumerate(skill.steps):
        states[step.id] = "not_done" if index in not_done else "not_seen" if index in not_seen else "done"
    given = ObservationInput(client_id=str(uuid.uuid4()), steps=states, result=result, place=place,
                             observed_at=observed_at or evening_days_ago(3), note=note)
    observation, _created = record_observation(setting.trainer, learner, skill, given)
    if answer_with is not None:
        answer(observation, learner, confirmed=answer_with, now=answered_at)
    db.session.commit()
    return observation
