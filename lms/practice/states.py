"""Reads for the learner's side of observations: what waits for their answer, where each skill stands,
and the admin's list of rejected observations.

A learner's state of a skill, from their observations that count (rejected and withdrawn ones never do):
competent if any confirmed observation says competent; else "not yet" if the latest confirmed one says
not yet; else "pending" if one waits for the learner's answer; else not observed. Every read here is a
fixed number of queries, whatever the number of skills, courses or observations.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..courses.models import Course, Enrollment, Module, Skill, SkillStep
from ..extensions import db
from .models import Observation, ObservedStep

COMPETENT, NOT_YET, PENDING, NOT_OBSERVED = "competent", "not_yet", "pending", "not_observed"
#: the statuses that count for a state; a rejected one is the admin's to look at, a withdrawn one was a mistake
COUNTED = ("pending", "confirmed")

Observer = aliased(User, name="observer")
Learner = aliased(User, name="learner")


@dataclass
class Seen:
    """One counted observation of a skill, as the state rule needs it."""

    id: int
    status: str
    result: str
    observed_at: datetime
    observer: str = ""
    note: str = ""
    confirmed_on_paper: bool = False


@dataclass
class StepToPractise:
    text: str
    #: "not_done", or "not_seen" (the care manager could not see it)
    state: str


@dataclass
class SkillState:
    """Where one skill stands for one learner; `shown` is the observation the state is told from."""

    kind: str
    shown: Seen | None = None
    #: observations waiting for the learner's answer (also while the state is "not yet")
    waiting: int = 0
    #: for "not yet": the steps of the shown observation that were not done, in checklist order
    to_practise: list[StepToPractise] = field(default_factory=list)


def state_of(seen: list[Seen]) -> SkillState:
    """The rule of the module docstring, over one skill's counted observations (any order)."""
    ordered = sorted(seen, key=lambda s: (s.observed_at, s.id))
    confirmed = [s for s in ordered if s.status == "confirmed"]
    waiting = sum(1 for s in ordered if s.status == "pending")
    competent = [s for s in confirmed if s.result == "competent"]
    if competent:
        return SkillState(COMPETENT, competent[-1], waiting)
    if confirmed:
        return SkillState(NOT_YET, confirmed[-1], waiting)
    if waiting:
        return SkillState(PENDING, None, waiting)
    return SkillState(NOT_OBSERVED)


def course_skill_states(learner_id: int, course_id: int) -> dict[int, SkillState]:
    """skill id -> state for every skill of the course the learner has a counted observation of (the others are
    not observed). One query, and one more for the steps to practise when a skill is "not yet"."""
    rows = db.session.execute(
        select(Observation.skill_id, Observation.id, Observation.status, Observation.result,
               Observation.observed_at, Observer.full_name, Observation.note, Observation.confirmed_on_paper)
        .join(Skill, Skill.id == Observation.skill_id)
        .join(Observer, Observer.id == Observation.observer_id)
        .where(Observation.learner_id == learner_id, Skill.course_id == course_id, Observation.status.in_(COUNTED))
    ).all()
    seen: dict[int, list[Seen]] = defaultdict(list)
    for skill_id, *values in rows:
        seen[skill_id].append(Seen(*values))
    states = {skill_id: state_of(observations) for skill_id, observations in seen.items()}
    not_yet = {state.shown.id: state for state in states.values() if state.kind == NOT_YET}
    if not_yet:
        for observation_id, text, state in db.session.execute(
            select(ObservedStep.observation_id, SkillStep.text, ObservedStep.state)
            .join(SkillStep, SkillStep.id == ObservedStep.step_id)
            .where(ObservedStep.observation_id.in_(list(not_yet)), ObservedStep.state != "done")
            .order_by(ObservedStep.observation_id, SkillStep.position, SkillStep.id)
        ):
            not_yet[observation_id].to_practise.append(StepToPractise(text, state))
    return states


@dataclass
class SkillSummary:
    """A course's skills for the dashboard card: how many there are, and how many are in each state."""

    total: int = 0
    competent: int = 0
    not_yet: int = 0
    waiting: int = 0


def skill_summaries(learner_id: int) -> dict[int, SkillSummary]:
    """course id -> summary of the current skills of every course the learner is enrolled in that observes
    practice. One query (the skills, each with the learner's counted observations of it)."""
    rows = db.session.execute(
        select(Skill.course_id, Skill.id, Observation.id, Observation.status, Observation.result,
               Observation.observed_at)
        .join(Enrollment, and_(Enrollment.course_id == Skill.course_id, Enrollment.user_id == learner_id))
        .join(Course, Course.id == Skill.course_id)
        .join(Module, Module.id == Skill.module_id)
        .outerjoin(Observation, and_(Observation.skill_id == Skill.id, Observation.learner_id == learner_id,
                                     Observation.status.in_(COUNTED)))
        .where(Course.practice != "none", Skill.retired_at.is_(None), Module.retired_at.is_(None))
    ).all()
    skills: dict[tuple[int, int], list[Seen]] = {}
    for course_id, skill_id, observation_id, status, result, observed_at in rows:
        observations = skills.setdefault((course_id, skill_id), [])
        if observation_id is not None:
            observations.append(Seen(observation_id, status, result, observed_at))
    summaries: dict[int, SkillSummary] = defaultdict(SkillSummary)
    for (course_id, _skill_id), observations in skills.items():
        summary, state = summaries[course_id], state_of(observations)
        summary.total += 1
        summary.competent += state.kind == COMPETENT
        summary.not_yet += state.kind == NOT_YET
        summary.waiting += state.kind == PENDING
    return dict(summaries)


def pending_count(learner_id: int) -> int:
    """How many observations wait for the learner's answer. One query."""
    return db.session.scalar(select(func.count(Observation.id)).where(Observation.learner_id == learner_id,
                                                                       Observation.status == "pending")) or 0


@dataclass
class PendingObservation:
    """An observation waiting for the learner's answer, with everything the question shows."""

    observation: Observation
    skill: Skill
    course: Course
    observer: str
    #: (step text, critical?, state) in checklist order
    steps: list[tuple[str, bool, str]] = field(default_factory=list)


def pending_observations(learner_id: int) -> list[PendingObservation]:
    """The learner's pending observations, oldest first (the order they were made). Two queries (the
    observations with their skill, course and observer; then every step seen)."""
    rows = db.session.execute(
        select(Observation, Skill, Course, Observer.full_name)
        .join(Skill, Skill.id == Observation.skill_id)
        .join(Course, Course.id == Skill.course_id)
        .join(Observer, Observer.id == Observation.observer_id)
        .where(Observation.learner_id == learner_id, Observation.status == "pending")
        .order_by(Observation.observed_at, Observation.id)
    ).all()
    found = {observation.id: PendingObservation(observation, skill, course, observer)
             for observation, skill, course, observer in rows}
    if found:
        for observation_id, text, critical, state in db.session.execute(
            select(ObservedStep.observation_id, SkillStep.text, SkillStep.critical, ObservedStep.state)
            .join(SkillStep, SkillStep.id == ObservedStep.step_id)
            .where(ObservedStep.observation_id.in_(list(found)))
            .order_by(ObservedStep.observation_id, SkillStep.position, SkillStep.id)
        ):
            found[observation_id].steps.append((text, critical, state))
    return list(found.values())


@dataclass
class RejectedObservation:
    observation: Observation
    skill_title: str
    course_title: str
    learner: str
    observer: str


def rejected_observations(*, before: tuple[datetime, int] | None, limit: int) -> list[RejectedObservation]:
    """Rejected observations, the latest rejection first, `limit` of them from after the cursor `before`
    (the answered_at and id of the last one shown): keyset pagination, so a later page costs no more than
    the first. One query."""
    stmt = (
        select(Observation, Skill.title, Course.title, Learner.full_name, Observer.full_name)
        .join(Skill, Skill.id == Observation.skill_id)
        .join(Course, Course.id == Skill.course_id)
        .join(Learner, Learner.id == Observation.learner_id)
        .join(Observer, Observer.id == Observation.observer_id)
        .where(Observation.status == "rejected")
        .order_by(Observation.answered_at.desc(), Observation.id.desc())
        .limit(limit)
    )
    if before is not None:
        answered_at, observation_id = before
        stmt = stmt.where(or_(Observation.answered_at < answered_at,
                              and_(Observation.answered_at == answered_at, Observation.id < observation_id)))
    return [RejectedObservation(*row) for row in db.session.execute(stmt)]
