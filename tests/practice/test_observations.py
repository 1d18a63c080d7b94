"""Observations of practical skills: who may observe whom, the competent rule, once per client id,
the learner's answer, paper confirmation for families without a phone, all in the audit log."""
from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.audit.models import AuditEntry
from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.courses.models import Skill
from lms.extensions import db
from lms.practice.models import Observation, ObservedStep
from lms.practice.services import ObservationInput, ObservationRefused, answer, record_observation, withdraw
from lms.timeutil import utcnow

SKILL = {"id": "pindah-ke-kursi", "title": "Memindahkan ke kursi roda", "why": "Banyak lansia jatuh saat pindah.",
         "steps": [{"text": "Mengunci kedua roda", "critical": True}, "Menjelaskan apa yang dilakukan",
                   {"text": "Menahan lutut saat berdiri", "critical": True}, "Menanyakan apakah nyaman"]}


@pytest.fixture
def setting(make_course, make_user):
    course = make_course(course={"practice": "required"}, modules=[
        {"slug": "modul-satu", "title": "Modul Satu", "skills": [SKILL],
         "lessons": [{"slug": "pelajaran-a", "title": "Pelajaran A", "body": "Isi.\n"}]}])
    trainer, learner = make_user(Role.TRAINER), make_user()
    cohort = Cohort(name="Posyandu Melati", owner_id=trainer.id, join_code="MELATI01")
    db.session.add(cohort)
    db.session.flush()
    db.session.add_all([CohortCourse(cohort_id=cohort.id, course_id=course.id),
                        CohortMember(cohort_id=cohort.id, user_id=learner.id, joined_via="code")])
    db.session.commit()
    skill = db.session.scalar(select(Skill).where(Skill.course_id == course.id))
    return course, skill, trainer, learner, cohort


def seen(skill, **states) -> dict[int, str]:
    """Every current step done, but for the ones named by position (a, b, c…)."""
    letters = "abcdefghij"
    return {step.id: states.get(letters[index], "done") for index, step in enumerate(skill.steps)}


def given(skill, result="competent", **overrides) -> ObservationInput:
    values = {"client_id": str(uuid.uuid4()), "steps": seen(skill), "result": result, "place": "home",
              "observed_at": utcnow() - timedelta(days=1), "note": "Roda dikunci dengan baik."}
    values.update(overrides)
    return ObservationInput(**values)


def test_an_accompanying_trainer_records_an_observation_once_however_often_it_is_sent(setting):
    _course, skill, trainer, learner, _cohort = setting
    sent = given(skill)
    observations = [record_observation(trainer, learner, skill, sent) for _ in range(3)]
    db.session.commit()
    assert [created for _o, created in observations] == [True, False, False]
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 1
    observation = observations[0][0]
    assert observation.status == "pending" and observation.observed_at == sent.observed_at
    assert observation.recorded_at > observation.observed_at  # the time it was made, not when it arrived
    assert db.session.scalar(select(func.count()).select_from(ObservedStep)) == len(skill.steps)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "observation.recorded")) == 1


def test_strangers_oneself_and_other_courses_are_refused(setting, make_user, make_course):
    _course, skill, trainer, learner, cohort = setting
    other_trainer, stranger = make_user(Role.TRAINER), make_user()
    cases = [(other_trainer, learner, "not_accompanied"), (trainer, stranger, "not_accompanied"),
             (trainer, trainer, "oneself"), (learner, trainer, "not_a_trainer")]
    for observer, observed, reason in cases:
        with pytest.raises(ObservationRefused) as refused:
            record_observation(observer, observed, skill, given(skill))
        assert refused.value.reason == reason
    # a member of the trainer's group, but the group does not follow this course
    db.session.execute(CohortCourse.__table__.delete().where(CohortCourse.cohort_id == cohort.id))
    with pytest.raises(ObservationRefused, match="not_accompanied"):
        record_observation(trainer, learner, skill, given(skill))
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0


def test_competent_needs_every_critical_step_done(setting):
    _course, skill, trainer, learner, _cohort = setting
    for state in ("not_done", "not_seen"):
        with pytest.raises(ObservationRefused, match="critical_step_missing"):
            record_observation(trainer, learner, skill, given(skill, steps=seen(skill, c=state)))
    observation, _ = record_observation(trainer, learner, skill, given(skill, result="not_yet",
                                                                       steps=seen(skill, c="not_done")))
    record_observation(trainer, learner, skill, given(skill, steps=seen(skill, b="not_done")))  # b is not critical
    assert observation.result == "not_yet"


@pytest.mark.parametrize("change, reason", [
    ({"client_id": "not-a-uuid"}, "bad_client_id"),
    ({"place": "pasar"}, "bad_choice"),
    ({"note": "x" * 501}, "note_too_long"),
    ({"observed_at": utcnow() + timedelta(hours=2)}, "bad_date"),
])
def test_bad_input_is_refused_with_a_reason(setting, change, reason):
    _course, skill, trainer, learner, _cohort = setting
    with pytest.raises(ObservationRefused, match=reason):
        record_observation(trainer, learner, skill, given(skill, **change))


def test_every_current_step_must_be_reported(setting):
    _course, skill, trainer, learner, _cohort = setting
    states = seen(skill)
    states.pop(next(iter(states)))
    with pytest.raises(ObservationRefused, match="steps_mismatch"):
        record_observation(trainer, learner, skill, given(skill, steps=states))
    with pytest.raises(ObservationRefused, match="steps_mismatch"):
        record_observation(trainer, learner, skill, given(skill, steps={**seen(skill), 999999: "done"}))


def test_only_the_learner_answers_once_and_a_rejection_is_flagged(setting):
    _course, skill, trainer, learner, _cohort = setting
    first, _ = record_observation(trainer, learner, skill, given(skill))
    second, _ = record_observation(trainer, learner, skill, given(skill))
    with pytest.raises(ObservationRefused, match="not_yours"):
        answer(first, trainer, confirmed=True)
    assert answer(first, learner, confirmed=True) is True
    assert answer(first, learner, confirmed=False) is False  # answered already
    assert first.status == "confirmed" and first.answered_at is not None
    assert answer(second, learner, confirmed=False) is True and second.status == "rejected"
    assert withdraw(second, trainer) is False  # only a pending one can be withdrawn
    db.session.commit()
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "observation")))
    assert actions == {"observation.recorded", "observation.confirmed", "observation.rejected"}


def test_the_observer_withdraws_a_pending_observation(setting):
    _course, skill, trainer, learner, _cohort = setting
    observation, _ = record_observation(trainer, learner, skill, given(skill))
    with pytest.raises(ObservationRefused, match="not_yours"):
        withdraw(observation, learner)
    assert withdraw(observation, trainer) is True and observation.status == "withdrawn"
    assert answer(observation, learner, confirmed=True) is False


def test_paper_confirmation_only_for_an_account_the_trainer_made(setting, make_user):
    _course, skill, trainer, learner, cohort = setting
    with pytest.raises(ObservationRefused, match="paper_needs_family_account"):
        record_observation(trainer, learner, skill, given(skill, confirmed_on_paper=True))
    family = make_user()
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=family.id, joined_via="created"))
    db.session.flush()
    observation, _ = record_observation(trainer, family, skill, given(skill, confirmed_on_paper=True))
    assert (observation.status, observation.confirmed_on_paper, observation.from_paper) == ("confirmed", True, True)


def test_a_retired_skill_is_not_observed(setting, make_course):
    _course, skill, trainer, learner, _cohort = setting
    skill.retired_at = utcnow()
    with pytest.raises(ObservationRefused, match="unknown_skill"):
        record_observation(trainer, learner, skill, given(skill))


@pytest.mark.own_app
def test_two_answers_at_the_same_moment_count_once(tmp_path):
    """The conditional UPDATE settles a double tap on two phones: one answer is recorded."""
    from flask_migrate import upgrade

    from lms import create_app
    from lms.config import TestConfig
    from tests.factories import write_course
    from lms.accounts.services import register_user
    from lms.courses.importer import import_content

    app = create_app(TestConfig, instance_path=str(tmp_path), SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'o.db'}")
    with app.app_context():
        upgrade()
        import_content(write_course(tmp_path / "content", modules=[
            {"slug": "modul-satu", "title": "Modul Satu", "skills": [SKILL],
             "lessons": [{"slug": "pelajaran-a", "title": "Pelajaran A", "body": "Isi.\n"}]}],
            course={"practice": "required"}))
        trainer = register_user("Pelatih", "phone", "+6281300000009", "kata sandi aman 1", role=Role.TRAINER)
        learner = register_user("Ibu Ani", "phone", "+6281300000010", "kata sandi aman 1")
        db.session.flush()
        skill = db.session.scalar(select(Skill))
        cohort = Cohort(name="Kelompok", owner_id=trainer.id, join_code="KELOMPOK9")
        db.session.add(cohort)
        db.session.flush()
        db.session.add_all([CohortCourse(cohort_id=cohort.id, course_id=skill.course_id),
                            CohortMember(cohort_id=cohort.id, user_id=learner.id)])
        observation, _ = record_observation(trainer, learner, skill, given(skill))
        db.session.commit()
        ids = (observation.id, learner.id)

    results, barrier = [], threading.Barrier(2)

    def tap(confirmed: bool):
        from lms.accounts.models import User

        barrier.wait()
        # as the answer form's POST does: the write lock first (BEGIN IMMEDIATE on SQLite)
        with app.test_request_context("/", method="POST"):
            found = db.session.get(Observation, ids[0])
            results.append(answer(found, db.session.get(User, ids[1]), confirmed=confirmed))
            db.session.commit()

    threads = [threading.Thread(target=tap, args=(flag,)) for flag in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False, True]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action.in_(["observation.confirmed", "observation.rejected"]))) == 1
