"""A course whose practice is required completes (and certifies) only when every current skill has a
confirmed competent observation; the rule lives in the progress service like lessons and quizzes."""
from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from lms.accounts.models import Role, User
from lms.audit.models import AuditEntry
from lms.certificates.models import Certificate
from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.courses.models import Course, Enrollment, Module, Skill, SkillCompetence
from lms.courses.progress import course_progress
from lms.courses.services import claim_due_completions, record_quiz_pass
from lms.extensions import db
from lms.practice.models import Observation
from lms.practice.services import ObservationInput, answer, record_observation, withdraw
from lms.timeutil import utcnow
from tests.certificates.fixtures import QUESTION, complete_lessons
from tests.certificates.test_concurrency import _cleanup, committed_session


def skill(slug: str, title: str) -> dict:
    return {"id": slug, "title": title, "why": "Supaya aman.",
            "steps": [{"text": "Langkah penting", "critical": True}, "Langkah biasa", "Langkah penutup"]}


MODULES = [
    {"slug": "modul-satu", "title": "Modul Satu", "skills": [skill("cuci-tangan", "Mencuci tangan")],
     "lessons": [{"slug": "pelajaran-a", "title": "A", "body": "A.\n"}]},
    {"slug": "modul-dua", "title": "Modul Dua", "skills": [skill("memindahkan", "Memindahkan ke kursi")],
     "lessons": [{"slug": "pelajaran-b", "title": "B", "body": "B.\n"}],
     "quiz": {"title": "Kuis Dua", "questions": [QUESTION]}},
]


def accompany(trainer, learner, course, *, joined_via="code") -> Cohort:
    cohort = Cohort(name=f"Kelompok {learner.id}", owner_id=trainer.id, join_code=f"K{uuid.uuid4().hex[:8]}")
    db.session.add(cohort)
    db.session.flush()
    db.session.add_all([CohortCourse(cohort_id=cohort.id, course_id=course.id),
                        CohortMember(cohort_id=cohort.id, user_id=learner.id, joined_via=joined_via)])
    db.session.flush()
    return cohort


def observe(trainer, learner, found_skill, *, result="competent", on_paper=False) -> Observation:
    steps = {step.id: "done" for step in found_skill.steps}
    if result == "not_yet":
        steps[found_skill.steps[0].id] = "not_done"
    observation, _ = record_observation(trainer, learner, found_skill, ObservationInput(
        client_id=str(uuid.uuid4()), steps=steps, result=result, place="home",
        observed_at=utcnow() - timedelta(days=2), confirmed_on_paper=on_paper))
    return observation


def skills_of(course) -> list[Skill]:
    return list(db.session.scalars(select(Skill).where(Skill.course_id == course.id).order_by(Skill.id)))


def certificates_of(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate).where(Certificate.user_id == user_id))


@pytest.fixture
def required(make_course, make_user):
    course = make_course(course={"practice": "required"}, modules=MODULES)
    trainer, learner = make_user(Role.TRAINER, full_name="Ibu Ani Pendamping"), make_user()
    accompany(trainer, learner, course)
    db.session.commit()
    return course, trainer, learner


def pass_everything(learner, course) -> None:
    complete_lessons(learner, course)
    module = db.session.scalar(select(Module).where(Module.course_id == course.id, Module.slug == "modul-dua"))
    record_quiz_pass(learner.id, module, 100)


def test_quizzes_passed_is_not_enough_until_every_skill_is_confirmed_competent(required):
    course, trainer, learner = required
    first, second = skills_of(course)
    pass_everything(learner, course)
    db.session.commit()
    progress = course_progress(learner.id, course)
    assert not progress.is_complete and progress.skills_waiting == 2 and progress.next_step is None
    assert progress.percent < 100 and certificates_of(learner.id) == 0

    # a pending observation, a confirmed "not yet", a rejected and a withdrawn one count for nothing
    pending = observe(trainer, learner, first)
    answer(observe(trainer, learner, first, result="not_yet"), learner, confirmed=True)
    answer(observe(trainer, learner, second), learner, confirmed=False)
    withdraw(observe(trainer, learner, second), trainer)
    db.session.commit()
    assert course_progress(learner.id, course).skills_waiting == 2 and certificates_of(learner.id) == 0

    answer(pending, learner, confirmed=True)
    db.session.commit()
    assert course_progress(learner.id, course).skills_waiting == 1 and certificates_of(learner.id) == 0

    answer(observe(trainer, learner, second), learner, confirmed=True)
    db.session.commit()
    progress = course_progress(learner.id, course)
    assert progress.is_complete and progress.percent == 100
    assert progress.enrollment.completed_at is not None and certificates_of(learner.id) == 1
    competence = db.session.scalars(select(SkillCompetence).where(SkillCompetence.skill_id == second.id)).one()
    assert (competence.observer_name, competence.observer_role) == ("Ibu Ani Pendamping", "trainer")


def test_the_last_confirmation_may_come_before_the_last_quiz(required):
    course, trainer, learner = required
    complete_lessons(learner, course)
    for found in skills_of(course):
        answer(observe(trainer, learner, found), learner, confirmed=True)
    db.session.commit()
    assert course_progress(learner.id, course).skills_waiting == 0 and certificates_of(learner.id) == 0
    module = db.session.scalar(select(Module).where(Module.course_id == course.id, Module.slug == "modul-dua"))
    record_quiz_pass(learner.id, module, 100)
    db.session.commit()
    assert certificates_of(learner.id) == 1


def test_a_family_account_confirmed_on_paper_counts_at_once(make_course, make_user):
    course = make_course(course={"practice": "required"}, modules=MODULES)
    trainer, learner = make_user(Role.TRAINER), make_user()
    accompany(trainer, learner, course, joined_via="created")
    pass_everything(learner, course)
    for found in skills_of(course):
        observe(trainer, learner, found, on_paper=True)
    db.session.commit()
    assert certificates_of(learner.id) == 1
    assert all(c.confirmed_on_paper for c in db.session.scalars(select(SkillCompetence)))


def test_optional_practice_does_not_hold_the_certificate(make_course, make_user):
    course = make_course(course={"practice": "optional"}, modules=MODULES)
    learner = make_user()
    pass_everything(learner, course)
    db.session.commit()
    progress = course_progress(learner.id, course)
    assert progress.is_complete and progress.skills_waiting == 0 and certificates_of(learner.id) == 1


def test_a_course_made_required_later_is_caught_up_when_the_skills_are_confirmed(required):
    """claim_due_completions (the reconcile command) reads competences like the request does."""
    course, trainer, learner = required
    pass_everything(learner, course)
    for found in skills_of(course):
        observation = observe(trainer, learner, found)
        observation.status = "confirmed"  # as if confirmed before the competence fact existed
        db.session.add(SkillCompetence(user_id=learner.id, skill_id=found.id, observed_at=observation.observed_at,
                                       observer_id=trainer.id, observer_name=trainer.full_name,
                                       observer_role="trainer"))
    db.session.commit()
    assert certificates_of(learner.id) == 0
    assert [e.user_id for e in claim_due_completions()] == [learner.id]
    db.session.commit()
    assert certificates_of(learner.id) == 1


def test_the_last_quiz_pass_and_the_last_confirmation_racing_give_one_certificate(app, tmp_path):
    """Two transactions each record one last step; whichever commits second must see the other's and
    complete, once. Several learners race at once (real concurrent transactions on PostgreSQL)."""
    from lms.accounts.services import register_user
    from lms.courses.importer import import_content
    from tests.factories import write_course

    rounds = 6
    with committed_session(app):
        user_ids, course_ids = [], []
        try:
            import_content(write_course(tmp_path / "content", "kursus-balap", course={"practice": "required"},
                                        modules=[MODULES[1]]))
            db.session.commit()
            course = db.session.scalar(select(Course).where(Course.slug == "kursus-balap"))
            course_ids.append(course.id)
            trainer = register_user("Pendamping Balap", "phone", "+6281377700099", "kata sandi aman 1",
                                    role=Role.TRAINER)
            db.session.flush()
            user_ids.append(trainer.id)
            found = skills_of(course)[0]
            work = []
            for n in range(rounds):
                learner = register_user(f"Peserta Balap {n}", "phone", f"+6281377700{n:03d}", "kata sandi aman 1")
                db.session.flush()
                user_ids.append(learner.id)
                accompany(trainer, learner, course)
                complete_lessons(learner, course)
                work.append((learner.id, observe(trainer, learner, found).id))
            module_id = db.session.scalar(select(Module.id).where(Module.course_id == course.id))
            db.session.commit()

            barrier, errors = threading.Barrier(2 * rounds), []

            def run(step):
                try:
                    with app.test_request_context("/", method="POST"):  # a POST: SQLite writes under BEGIN IMMEDIATE
                        barrier.wait(timeout=30)
                        step()
                        db.session.commit()
                except Exception as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)

            def passing(user_id):
                return lambda: record_quiz_pass(user_id, db.session.get(Module, module_id), 100)

            def confirming(user_id, observation_id):
                return lambda: answer(db.session.get(Observation, observation_id), db.session.get(User, user_id),
                                      confirmed=True)

            threads = [threading.Thread(target=run, args=(step,)) for user_id, observation_id in work
                       for step in (passing(user_id), confirming(user_id, observation_id))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            assert errors == []
            db.session.remove()
            for user_id, _observation_id in work:
                enrollment = db.session.scalars(select(Enrollment).where(Enrollment.user_id == user_id)).one()
                assert enrollment.completed_at is not None
                assert certificates_of(user_id) == 1
        finally:
            db.session.rollback()
            db.session.execute(delete(AuditEntry).where(AuditEntry.target_type == "observation",
                                                        AuditEntry.actor_id.in_(user_ids)))
            db.session.execute(delete(Cohort).where(Cohort.owner_id.in_(user_ids)))
            db.session.execute(delete(Skill).where(Skill.course_id.in_(course_ids)))
            db.session.commit()
            _cleanup(user_ids, course_ids)


def test_the_quiz_result_says_what_still_stands_between_the_learner_and_the_certificate(required, sign_in):
    from lms.quizzes.models import Quiz
    from tests.certificates.test_renewal import pass_quiz

    course, _trainer, learner = required
    complete_lessons(learner, course)
    db.session.commit()
    attempt = pass_quiz(learner, db.session.scalars(select(Quiz)).one())
    browser = sign_in(learner)
    page = browser.get(f"/kursus/{course.slug}/kuis/modul-dua/percobaan/{attempt.id}/hasil")
    assert page.status_code == 200
    assert "pendamping Anda perlu melihat Anda memperagakan 2 keterampilan" in page.text
    assert certificates_of(learner.id) == 0


def test_the_dashboard_says_the_skills_still_wait_for_the_care_manager(required, sign_in):
    course, _trainer, learner = required
    pass_everything(learner, course)
    db.session.commit()
    page = sign_in(learner).get("/dasbor")
    assert page.status_code == 200
    assert "pendamping Anda perlu melihat Anda memperagakan 2 keterampilan" in page.text
