"""Recording observations and the learner's answer. No request, no commit: the caller commits.

Who may do what to whom:
- a trainer records an observation of a learner only if the learner is a member of one of the
  trainer's groups that follows the skill's course (they joined with consent), never of themself;
- the learner, and only the learner, confirms or rejects it;
- an observation is confirmed on paper (the learner signed the printed sheet) only for an
  account the trainer made for a family without a phone of its own;
- the observer may withdraw a pending observation.
Every step is audited. Recording twice with the same client id records it once (the unique
constraint decides); answering is a conditional UPDATE, so two answers at once count once.
A confirmed competent observation becomes the courses feature's SkillCompetence, which the
progress rules read (a course whose practice is required completes only with it).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..accounts.models import User
from ..audit import services as audit
from ..cohorts.queries import accompanying_membership
from ..courses.models import Skill, SkillStep
from ..courses.services import record_skill_competence
from ..database import insert_ignoring_conflict
from ..extensions import db
from ..timeutil import utcnow
from .models import PLACES, RESULTS, STEP_STATES, Observation, ObservedStep

MAX_NOTE = 500
#: how far a phone's clock may run ahead of the server's
CLOCK_SKEW = timedelta(minutes=10)
#: an observation older than this is refused (a paper sheet entered very late is still accepted)
OLDEST = timedelta(days=365)


class ObservationRefused(Exception):
    """Why an observation or an answer cannot be recorded; `reason` is a stable code for the message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class ObservationInput:
    """What the observer wrote: the state of every current step, the result, where, when, a note."""

    client_id: str
    steps: dict[int, str]
    result: str
    place: str
    observed_at: datetime
    note: str = ""
    from_paper: bool = False
    confirmed_on_paper: bool = False


def current_steps(skill: Skill) -> list[SkillStep]:
    return list(db.session.scalars(select(SkillStep).where(SkillStep.skill_id == skill.id,
                                                           SkillStep.retired_at.is_(None))
                                   .order_by(SkillStep.position)))


def is_competent(steps: list[SkillStep], states: dict[int, str]) -> bool:
    """Competent only when every critical step was done (the rule printed on the sheet)."""
    return all(states.get(step.id) == "done" for step in steps if step.critical)


def check_may_observe(observer: User, learner: User, skill: Skill):
    """The accompanying membership, or ObservationRefused."""
    if not observer.is_trainer:
        raise ObservationRefused("not_a_trainer")
    if observer.id == learner.id:
        raise ObservationRefused("oneself")
    if skill.retired_at is not None or skill.module.retired_at is not None:
        raise ObservationRefused("unknown_skill")
    membership = accompanying_membership(observer.id, learner.id, skill.course_id)
    if membership is None:
        raise ObservationRefused("not_accompanied")
    return membership


def _check_input(skill: Skill, given: ObservationInput, now: datetime) -> list[SkillStep]:
    try:
        client_id = str(uuid.UUID(given.client_id))
    except (ValueError, TypeError, AttributeError):
        raise ObservationRefused("bad_client_id") from None
    given.client_id = client_id
    steps = current_steps(skill)
    if set(given.steps) != {step.id for step in steps} or any(v not in STEP_STATES for v in given.steps.values()):
        raise ObservationRefused("steps_mismatch")
    if given.result not in RESULTS or given.place not in PLACES:
        raise ObservationRefused("bad_choice")
    if given.result == "competent" and not is_competent(steps, given.steps):
        raise ObservationRefused("critical_step_missing")
    if not now - OLDEST <= given.observed_at <= now + CLOCK_SKEW:
        raise ObservationRefused("bad_date")
    if len(given.note) > MAX_NOTE:
        raise ObservationRefused("note_too_long")
    return steps


def record_observation(observer: User, learner: User, skill: Skill, given: ObservationInput,
                       *, now: datetime | None = None) -> tuple[Observation, bool]:
    """Record an observation once; (observation, True) when new, (the one recorded before, False) when this
    client id was sent already. Raises ObservationRefused."""
    now = now or utcnow()
    membership = check_may_observe(observer, learner, skill)
    steps = _check_input(skill, given, now)
    if given.confirmed_on_paper and membership.joined_via != "created":
        raise ObservationRefused("paper_needs_family_account")
    created = insert_ignoring_conflict(Observation, {
        "client_id": given.client_id, "skill_id": skill.id, "learner_id": learner.id, "observer_id": observer.id,
        "observed_at": min(given.observed_at, now), "recorded_at": now, "place": given.place,
        "result": given.result, "note": given.note.strip(), "from_paper": given.from_paper or given.confirmed_on_paper,
        "confirmed_on_paper": given.confirmed_on_paper,
        "status": "confirmed" if given.confirmed_on_paper else "pending",
        "answered_at": now if given.confirmed_on_paper else None,
    }, ["client_id"])
    observation = db.session.scalars(select(Observation).where(Observation.client_id == given.client_id)).one()
    if not created:
        if (observation.observer_id, observation.learner_id, observation.skill_id) != (observer.id, learner.id,
                                                                                        skill.id):
            raise ObservationRefused("client_id_taken")
        return observation, False
    db.session.add_all([ObservedStep(observation_id=observation.id, step_id=step.id, state=given.steps[step.id])
                        for step in steps])
    _audit("observation.recorded", observation, observer, skill, learner, result=given.result,
           place=given.place, on_paper=given.confirmed_on_paper)
    if observation.status == "confirmed":
        _count_if_competent(observation, observer)
    return observation, True


def answer(observation: Observation, learner: User, *, confirmed: bool, now: datetime | None = None) -> bool:
    """The learner confirms ("yes, that happened") or rejects it (flagged for an admin). True if this
    answer was the one recorded; False if it was answered or withdrawn before."""
    if learner.id != observation.learner_id:
        raise ObservationRefused("not_yours")
    return _settle(observation, learner, "confirmed" if confirmed else "rejected",
                   "observation.confirmed" if confirmed else "observation.rejected", now)


def withdraw(observation: Observation, observer: User, *, now: datetime | None = None) -> bool:
    """The observer takes back a pending observation (a mistake). True if it was withdrawn now."""
    if observer.id != observation.observer_id:
        raise ObservationRefused("not_yours")
    return _settle(observation, observer, "withdrawn", "observation.withdrawn", now)


def _settle(observation: Observation, actor: User, status: str, action: str, now: datetime | None) -> bool:
    now = now or utcnow()
    claimed = db.session.execute(
        update(Observation).where(Observation.id == observation.id, Observation.status == "pending")
        .values(status=status, answered_at=now).execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(observation)
    if claimed != 1:
        return False
    _audit(action, observation, actor, observation.skill, db.session.get(User, observation.learner_id))
    if status == "confirmed":
        _count_if_competent(observation, db.session.get(User, observation.observer_id))
    return True


def _count_if_competent(observation: Observation, observer: User) -> None:
    # Only now does it count: progress reads the competence, and may complete the course.
    if observation.result == "competent":
        record_skill_competence(observation.learner_id, observation.skill, observed_at=observation.observed_at,
                                observer_id=observer.id, observer_name=observer.full_name,
                                observer_role=observer.role, confirmed_on_paper=observation.confirmed_on_paper)


def _audit(action: str, observation: Observation, actor: User, skill: Skill, learner: User, **details) -> None:
    audit.record(action, actor_id=actor.id, target_type="observation", target_id=observation.id,
                 target_label=f"{learner.full_name} — {skill.title}", skill=skill.slug,
                 observed_at=observation.observed_at.isoformat(timespec="minutes"), **details)
