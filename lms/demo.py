"""`flask --app wsgi lms demo`: a populated instance for a newcomer to look around.

Creates a demo administrator, a care manager, and a group of a dozen family caregivers
whose learning is spread over the past weeks — finished courses with certificates,
people halfway, someone stuck on a quiz, someone who has not come back for weeks, skills
the care manager observed at home (confirmed, waiting for an answer, not yet, rejected) —
through the same services the pages use, with the clock set back (timeutil.frozen_at).
Idempotent, and refused when the configuration says production.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from .accounts.models import Role, User
from .accounts.privacy import ADULT_CONSENT
from .accounts.services import find_by_identifier, register_user
from .authoring.services import workspace_for_course
from .certificates.models import Certificate
from .certificates.services import issue_certificate, revoke
from .cohorts.models import Cohort
from .cohorts.services import add_member, create_cohort
from .courses.importer import import_content
from .courses.models import Course, Enrollment, Lesson, Skill
from .courses.progress import course_progress
from .courses.services import enroll, mark_lesson_done
from .courses.signals import course_completed
from .extensions import db
from .practice.models import Observation
from .practice.services import ObservationInput, answer, current_steps, record_observation
from .quizzes.models import Quiz
from .quizzes.services import start_attempt, submit_attempt
from .timeutil import frozen_at, utcnow

DEMO_PASSWORD = "rawat demo 2026"
ADMIN = ("Admin Demo Rawat", "+6281100000001")
TRAINER = ("Ratna Wulandari", "+6281100000002")
COHORT_NAME = "Desa Sukamaju — keluarga pendamping lansia"


@dataclass(frozen=True)
class Profile:
    name: str
    phone: str
    #: share of the lansia course's steps done (1.0 = finished, certificate)
    lansia: float
    #: share of the disability course's steps done
    disability: float = 0.0
    #: days since the last activity
    idle_days: int = 1
    #: failed attempts before passing each quiz
    stumbles: int = 0
    locale: str | None = None


LEARNERS = (
    Profile("Siti Aminah", "+6281200000101", 1.0, idle_days=9),
    Profile("Budi Santoso", "+6281200000102", 1.0, 1.0, idle_days=3),
    Profile("Ni Luh Putu Ayu Wulandari", "+6281200000103", 1.0, idle_days=20, locale="en"),
    Profile("Agus Salim", "+6281200000104", 0.75, idle_days=2, stumbles=1),
    Profile("Dewi Lestari", "+6281200000105", 0.6, 0.3, idle_days=5),
    Profile("Yohanes Manek", "+6281200000106", 0.5, idle_days=1, stumbles=2),
    Profile("Fatimah Zahra", "+6281200000107", 0.4, idle_days=24),
    Profile("Made Sudarsana", "+6281200000108", 0.3, idle_days=4),
    Profile("Rina Marpaung", "+6281200000109", 0.25, idle_days=17, stumbles=1),
    Profile("Hendra Gunawan", "+6281200000110", 0.15, idle_days=6),
    Profile("Lestari O'Neil", "+6281200000111", 0.05, idle_days=30),
    Profile("Wahyu Hidayat", "+6281200000112", 0.0, idle_days=2),
)


def _user(name: str, phone: str, role: str, locale: str | None = None) -> User:
    user = find_by_identifier("phone", phone)
    if user is None:
        # demo people have been using Rawat: they agreed to the privacy notice when they registered
        user = register_user(name, "phone", phone, DEMO_PASSWORD, role=role, locale=locale, consent=ADULT_CONSENT)
    return user


def _answers(attempt, right: bool, rng: random.Random) -> dict[int, list[int]]:
    answers = {}
    for item in attempt.items:
        options = {o.id: o for o in item.question.options}
        shown = [options[option_id] for option_id, _token in item.option_order]
        if item.question.type == "ordering":
            ordered = [o.id for o in sorted(shown, key=lambda o: o.position)]
            answers[item.id] = ordered if right else list(reversed(ordered))
        elif item.question.type == "multiple":
            correct = [o.id for o in shown if o.is_correct]
            answers[item.id] = correct if right else correct[:1] + [o.id for o in shown if not o.is_correct][:1]
        else:
            pick = [o.id for o in shown if o.is_correct == right] or [shown[0].id]
            answers[item.id] = [rng.choice(pick)]
    return answers


def _study(user: User, course: Course, share: float, profile: Profile, start: datetime, end: datetime,
           rng: random.Random) -> None:
    """Walk the course's steps in order up to `share` of them, spread between start and end."""
    steps = course_progress(None, course).total_steps
    target = round(steps * share)
    if target == 0:
        if share > 0:
            with frozen_at(start):
                enroll(user.id, course)
        return
    moments = sorted(start + (end - start) * rng.random() for _ in range(target))
    for moment in moments:
        with frozen_at(moment):
            step = course_progress(user.id, course).next_step
            if step is None:
                return
            if step.kind == "lesson":
                mark_lesson_done(user.id, db.session.get(Lesson, step.lesson.id))  # outlines are plain data
                continue
            quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == step.module.id))
            for failure in range(profile.stumbles if rng.random() < 0.6 else 0):
                attempt = start_attempt(user.id, quiz, now=moment - timedelta(hours=failure + 1), rng=rng)
                submit_attempt(attempt, _answers(attempt, False, rng), now=moment - timedelta(hours=failure + 1))
            attempt = start_attempt(user.id, quiz, now=moment, rng=rng)
            submit_attempt(attempt, _answers(attempt, True, rng), now=moment)


def create_demo(content_dir: Path, seed: int = 2026) -> tuple[bool, list[tuple[str, str, str]]]:
    """Create the demo data unless it is there; return (created, [(role, name, phone)])."""
    logins = [("admin", *ADMIN), ("trainer", *TRAINER)] + [("learner", p.name, p.phone) for p in LEARNERS[:3]]
    if db.session.scalar(select(Cohort.id).where(Cohort.name == COHORT_NAME)) is not None:
        return False, logins
    courses = {c.slug: c for c in db.session.scalars(select(Course))}
    if "perawatan-dasar-lansia" not in courses:
        import_content(content_dir)
        courses = {c.slug: c for c in db.session.scalars(select(Course))}
    lansia = courses["perawatan-dasar-lansia"]
    disability = courses.get("mendampingi-penyandang-disabilitas")
    rng = random.Random(seed)
    now = utcnow()
    _user(*ADMIN, Role.ADMIN)
    trainer = _user(*TRAINER, Role.TRAINER)
    with frozen_at(now - timedelta(days=60)):
        cohort = create_cohort(trainer, COHORT_NAME, "Keluarga yang merawat orang tua di rumah, didampingi Bu Ratna.",
                               [c.id for c in (lansia, disability) if c is not None])
    # Learning happens in the past; certificates are issued (and signed) now, dated by
    # the completion, exactly as `lms certificates reconcile` would after an outage.
    members = []
    with course_completed.muted():
        for index, profile in enumerate(LEARNERS):
            joined = now - timedelta(days=56 - index * 3)
            with frozen_at(joined):
                learner = _user(profile.name, profile.phone, Role.LEARNER, profile.locale)
                learner.created_at = joined
                add_member(cohort, learner, actor=trainer if index % 3 else None)
            members.append(learner)
            last = now - timedelta(days=profile.idle_days)
            _study(learner, lansia, profile.lansia, profile, joined + timedelta(hours=2), last, rng)
            if disability is not None and profile.disability:
                _study(learner, disability, profile.disability, profile, joined + timedelta(days=1), last, rng)
        _observe_skills(trainer, members, lansia, now, rng)
    _issue_certificates()
    _revoke_one_for_the_record()
    if disability is not None:
        # The care manager looks after one course in the browser editor, so her authoring pages have content.
        workspace_for_course(disability, trainer)
    db.session.flush()
    return True, logins


#: what the care manager saw of the first learners' lansia skills, in course order: c(ompetent) and
#: confirmed, n(ot yet) and confirmed, p(ending: waiting for the learner's answer), r(ejected by the learner)
OBSERVED = ("cccccc", "ccccn", "ccp", "np", "r")
NOTES = {"n": "Masih lupa mengunci roda sebelum berdiri. Kita latih lagi minggu depan.",
         "c": "Sudah lancar dan tenang.", "p": "", "r": ""}


def _observe_skills(trainer: User, members: list[User], course: Course, now: datetime, rng: random.Random) -> None:
    """Home visits of the last weeks, recorded and answered through the practice services."""
    skills = list(db.session.scalars(select(Skill).where(Skill.course_id == course.id, Skill.retired_at.is_(None))
                                     .order_by(Skill.module_id, Skill.position)))
    for learner, plan in zip(members, OBSERVED, strict=False):
        for skill, kind in zip(skills, plan, strict=False):
            moment = now - timedelta(days=rng.randint(3, 20), hours=rng.randint(0, 6))
            steps = current_steps(skill)
            states = {step.id: "done" for step in steps}
            ordinary = [step for step in steps if not step.critical]
            if ordinary and rng.random() < 0.5:  # an ordinary step forgotten now and then: the "most missed"
                states[rng.choice(ordinary).id] = "not_done"
            if kind == "n":
                states[next(step for step in steps if step.critical).id] = "not_done"
            with frozen_at(moment + timedelta(hours=1)):
                observation, _ = record_observation(trainer, learner, skill, ObservationInput(
                    client_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), steps=states,
                    result="not_yet" if kind == "n" else "competent", place=rng.choice(("home", "home", "posyandu")),
                    observed_at=moment, note=NOTES[kind]))
            if kind in "cnr":
                with frozen_at(moment + timedelta(days=1)):
                    answer(db.session.get(Observation, observation.id), learner, confirmed=kind != "r")


def _issue_certificates() -> None:
    for enrollment in db.session.scalars(select(Enrollment).where(Enrollment.completed_at.is_not(None))):
        issue_certificate(db.session.get(User, enrollment.user_id), enrollment.course,
                          completed_at=enrollment.completed_at, enrollment=enrollment)


def _revoke_one_for_the_record() -> None:
    """One revoked certificate, so verifiers can see what that looks like."""
    holder = find_by_identifier("phone", LEARNERS[2].phone)
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == holder.id))
    if certificate is not None and certificate.revoked_at is None:
        revoke(certificate, "Contoh pencabutan untuk demo: data peserta perlu diperiksa ulang.",
               actor_label="lms demo")


@click.command("demo")
@click.option("--seed", default=2026, show_default=True, help="Random seed for the varied progress.")
def demo_command(seed: int) -> None:
    """Create demo accounts, a group and weeks of varied progress (not in production)."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("refused: this instance is configured for production (LMS_ENV=production)")
    created, logins = create_demo(Path(current_app.config["CONTENT_DIR"]), seed)
    db.session.commit()
    click.echo("Demo data created." if created else "Demo data already present; nothing changed.")
    click.echo(f"Every demo account uses the password: {DEMO_PASSWORD}")
    for role, name, phone in logins:
        click.echo(f"  {role:<8} {name:<28} {'0' + phone[3:]}")
