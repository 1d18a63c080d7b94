"""Reads for the trainer's observation pages: who may be observed in a group, in which skills, and what
was observed before.

A trainer records observations of the learners of a group they lead, in the skills of the group's
courses that have practice. The group page, the record form and the phones' batches all find their
"who, in what" here (`find_target`), so the three agree on what may be observed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..accounts.models import User
from ..cohorts.models import Cohort, CohortMember
from ..cohorts.queries import SHOWN_ACCOUNT
from ..courses.models import Course, Skill
from ..courses.queries import CourseSkill, course_skills
from ..extensions import db
from .models import Observation
from .queries import current_skill


@dataclass
class Target:
    """One learner of a group, in one current skill of one of the group's courses with practice."""

    cohort: Cohort
    membership: CohortMember
    learner: User
    course: Course
    found: CourseSkill

    @property
    def skill(self) -> Skill:
        return self.found.skill

    @property
    def is_family_account(self) -> bool:
        """An account the trainer made for a family without its own phone: it confirms on paper."""
        return self.membership.joined_via == "created"


def practice_courses(cohort: Cohort) -> list[Course]:
    """The group's courses that have practical skills to observe, by title."""
    return [course for course in cohort.courses if course.practice != "none"]


def membership(cohort_id: int, user_id: int) -> CohortMember | None:
    """The learner's membership of the group, as its care manager sees it (never an erased account)."""
    return db.session.scalar(select(CohortMember).join(User, User.id == CohortMember.user_id)
                             .where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id, SHOWN_ACCOUNT)
                             .limit(1))


def group_course(cohort: Cohort, course_slug: str) -> Course | None:
    """A course of the group with practice, by slug; None otherwise."""
    return next((course for course in practice_courses(cohort) if course.slug == course_slug), None)


def find_target(cohort: Cohort, learner_id: int, course_slug: str, skill_slug: str) -> Target | None:
    """The learner of the group in the skill of the group's course; None when any of them is not so.

    Who may record is the caller's question (the group's own trainer); the service asks it again.
    """
    found_membership = membership(cohort.id, learner_id)
    course = group_course(cohort, course_slug) if found_membership else None
    found = current_skill(course, skill_slug) if course else None
    if found is None:
        return None
    return Target(cohort, found_membership, found_membership.user, course, found)


@dataclass
class SkillState:
    """What the pages say about one learner in one skill: the last observation that still stands."""

    #: a confirmed competent observation exists (it counts for the certificate)
    competent: bool = False
    #: the latest observation that was not withdrawn, if any
    latest: Observation | None = None


@dataclass
class GroupSheet:
    """The group's learners against the skills of its courses with practice."""

    cohort: Cohort
    #: (course, its current skills), by course title
    courses: list[tuple[Course, list[CourseSkill]]]
    members: list[CohortMember]
    #: (learner id, skill id) -> what was observed
    states: dict[tuple[int, int], SkillState] = field(default_factory=dict)

    @property
    def skill_count(self) -> int:
        return sum(len(skills) for _course, skills in self.courses)

    def state(self, learner_id: int, skill_id: int) -> SkillState:
        return self.states.get((learner_id, skill_id)) or SkillState()

    def competent_count(self, learner_id: int) -> int:
        """How many of the skills shown the learner was observed competent in (and confirmed)."""
        return sum(1 for _course, skills in self.courses for entry in skills
                   if self.state(learner_id, entry.skill.id).competent)


def group_sheet(cohort: Cohort) -> GroupSheet:
    """Every learner of the group and every current skill of its courses with practice, with what was observed.

    Queries: the members, two per course with practice (skills, steps), and one for all the observations.
    """
    members = list(db.session.scalars(
        select(CohortMember).join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort.id, SHOWN_ACCOUNT).order_by(User.full_name, User.id)
    ))
    courses = [(course, course_skills(course)) for course in practice_courses(cohort)]
    sheet = GroupSheet(cohort, courses, members)
    skill_ids = [entry.skill.id for _course, skills in courses for entry in skills]
    if members and skill_ids:
        sheet.states = skill_states([m.user_id for m in members], skill_ids)
    return sheet


def skill_states(learner_ids: list[int], skill_ids: list[int]) -> dict[tuple[int, int], SkillState]:
    """(learner id, skill id) -> SkillState, from every observation not withdrawn. One query."""
    states: dict[tuple[int, int], SkillState] = {}
    rows = db.session.scalars(
        select(Observation).where(Observation.learner_id.in_(learner_ids), Observation.skill_id.in_(skill_ids),
                                  Observation.status != "withdrawn")
        .order_by(Observation.observed_at, Observation.id)
    )
    for observation in rows:
        state = states.setdefault((observation.learner_id, observation.skill_id), SkillState())
        state.latest = observation
        if observation.status == "confirmed" and observation.result == "competent":
            state.competent = True
    return states


@dataclass
class PastObservation:
    observation: Observation
    skill: Skill
    observer_name: str


def learner_observations(learner_id: int, course: Course) -> list[PastObservation]:
    """The learner's observations in the course's skills (retired skills too), newest first. One query."""
    rows = db.session.execute(
        select(Observation, Skill, User.full_name).join(Skill, Skill.id == Observation.skill_id)
        .join(User, User.id == Observation.observer_id)
        .where(Observation.learner_id == learner_id, Skill.course_id == course.id)
        .order_by(Observation.observed_at.desc(), Observation.id.desc())
    )
    return [PastObservation(observation, skill, name) for observation, skill, name in rows]


def own_observation(observer_id: int, observation_id: int) -> Observation | None:
    observation = db.session.get(Observation, observation_id)
    if observation is None or observation.observer_id != observer_id:
        return None
    return observation
