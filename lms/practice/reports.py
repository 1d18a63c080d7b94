"""Reads for what care managers and programmes see of skills across a group: the skills matrix, who is
ready to be observed ("perlu diamati"), the group CSV's skill columns, and the steps families most often miss.

A learner's state of a skill, from their observations that count (rejected and withdrawn ones never do):
competent if any confirmed observation says competent; else "not yet" if a confirmed one says not yet (the
latest confirmed one then says not yet too: a result is competent or not yet); else "pending" if one waits
for the learner's answer; else not observed. Every read is a fixed number of queries whatever the size of the
group: its members are given as their ids or a SELECT of them (CohortReport.learners), and the counting is
done by the database (GROUP BY), not by a loop over the observations.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime

from sqlalchemy import Select, and_, case, exists, func, select

from ..accounts.models import User
from ..cohorts.models import Cohort, CohortCourse, CohortMember
from ..cohorts.queries import SHOWN_ACCOUNT, LearnerRow
from ..courses.models import Course, Module, Skill, SkillStep
from ..database import among
from ..extensions import db
from .models import Observation, ObservedStep

COMPETENT, NOT_YET, PENDING, NOT_OBSERVED = "competent", "not_yet", "pending", "not_observed"
#: the statuses that count; a rejected observation is the admin's to look at, a withdrawn one was a mistake
COUNTED = ("pending", "confirmed")
#: the missed steps of a skill a group meeting can practise; the others are folded away (critical ones never)
SHOWN = 3


@dataclass(frozen=True, slots=True)
class GroupSkill:
    """A current skill of one of the group's courses, numbered in the order the matrix shows them."""

    id: int
    course_id: int
    slug: str
    title: str
    #: 1, 2, 3… across the group's skills: the matrix's column headings
    number: int


@dataclass(frozen=True, slots=True)
class SkillCell:
    """Where one skill stands for one learner."""

    state: str
    #: the first confirmed competent observation's date (when the skill was seen done), for "competent"
    competent_at: datetime | None = None
    #: observations waiting for the learner's answer (there may be one while the state is "not yet")
    waiting: int = 0


NOT_OBSERVED_CELL = SkillCell(NOT_OBSERVED)


@dataclass
class GroupSkills:
    """The skills of a group's courses and where each member stands in each."""

    #: the courses that observe practice, in the group's order, each with its current skills in course order
    courses: list[tuple[Course, list[GroupSkill]]]
    #: (user id, skill id) -> cell, only where the learner has an observation that counts
    cells: dict[tuple[int, int], SkillCell] = field(default_factory=dict)

    @cached_property
    def skills(self) -> list[GroupSkill]:
        return [skill for _course, skills in self.courses for skill in skills]

    def cell(self, user_id: int, skill_id: int) -> SkillCell:
        return self.cells.get((user_id, skill_id), NOT_OBSERVED_CELL)


def group_skills(cohort: Cohort, members: Select | Collection[int]) -> GroupSkills:
    """The group's skills and its members' states in them. Two queries (the skills, then the states of every
    member in every skill, grouped in SQL); none when no course of the group observes practice.

    `members` are the group's members' user ids or a SELECT of them (CohortReport.learners)."""
    observed = [course for course in cohort.courses if course.practice != "none"]
    if not observed:
        return GroupSkills([])
    skills = _current_skills(observed)
    result = GroupSkills([(course, skills[course.id]) for course in observed if skills.get(course.id)])
    skill_ids = [skill.id for skill in result.skills]
    if skill_ids:
        result.cells = skill_cells(members, skill_ids)
    return result


def _current_skills(courses: list[Course]) -> dict[int, list[GroupSkill]]:
    """course id -> its current skills of current modules, in module and skill order, numbered in the order of
    `courses`. One query."""
    rows = db.session.execute(
        select(Skill.id, Skill.course_id, Skill.slug, Skill.title)
        .join(Module, Module.id == Skill.module_id)
        .where(Skill.course_id.in_([course.id for course in courses]), Skill.retired_at.is_(None),
               Module.retired_at.is_(None))
        .order_by(Module.position, Skill.position, Skill.id)
    ).all()
    by_course: dict[int, list[tuple]] = {}
    for row in rows:
        by_course.setdefault(row.course_id, []).append(row)
    numbered: dict[int, list[GroupSkill]] = {}
    number = 0
    for course in courses:
        for skill_id, course_id, slug, title in by_course.get(course.id, []):
            number += 1
            numbered.setdefault(course_id, []).append(GroupSkill(skill_id, course_id, slug, title, number))
    return numbered


def skill_cells(members: Select | Collection[int], skill_ids: list[int]) -> dict[tuple[int, int], SkillCell]:
    """(user id, skill id) -> cell for every member with an observation that counts of one of the skills.
    One query, grouped per learner and skill."""
    confirmed = Observation.status == "confirmed"
    rows = db.session.execute(
        select(Observation.learner_id, Observation.skill_id,
               func.min(case((and_(confirmed, Observation.result == "competent"), Observation.observed_at)))
               .label("competent_at"),
               func.count(case((confirmed, 1))).label("confirmed"),
               func.count(case((Observation.status == "pending", 1))).label("waiting"))
        .where(among(Observation.learner_id, members), Observation.skill_id.in_(skill_ids),
               Observation.status.in_(COUNTED))
        .group_by(Observation.learner_id, Observation.skill_id)
    ).all()
    cells = {}
    for learner_id, skill_id, competent_at, confirmed_count, waiting in rows:
        if competent_at is not None:
            state = COMPETENT
        elif confirmed_count:
            state = NOT_YET
        else:
            state = PENDING
        cells[learner_id, skill_id] = SkillCell(state, competent_at, waiting)
    return cells


def last_observed(members: Select | Collection[int]) -> dict[int, datetime]:
    """user id -> the latest observed_at of an observation of the member that counts (pending or confirmed), by
    any observer, of any skill: the member's last recorded visit (cohorts.reach defines reach with it). Members
    never observed are left out. One query, grouped per learner in SQL."""
    rows = db.session.execute(
        select(Observation.learner_id, func.max(Observation.observed_at))
        .where(among(Observation.learner_id, members), Observation.status.in_(COUNTED))
        .group_by(Observation.learner_id)
    )
    return dict(rows.all())


def group_members(cohort_id: int) -> Select:
    """The SELECT of a group's members' user ids (those its care manager sees), to be used as a subquery."""
    return (select(CohortMember.user_id).join(User, User.id == CohortMember.user_id)
            .where(CohortMember.cohort_id == cohort_id, SHOWN_ACCOUNT))


@dataclass
class ToObserve:
    """A learner ready to be observed: the skills of each course still without a competent observation."""

    user: User
    #: (course, [(skill, cell)]) for each course whose quizzes the learner passed
    courses: list[tuple[Course, list[tuple[GroupSkill, SkillCell]]]]

    @property
    def skill_count(self) -> int:
        return sum(len(skills) for _course, skills in self.courses)


def ready_for_observation(row: LearnerRow, course_id: int) -> bool:
    """The learner passed every current quiz of the course (a course without quizzes: did every lesson).
    Read from the group report's progress: no query."""
    progress = row.progress.get(course_id)
    if progress is None or not progress.modules:
        return False
    quizzes = [entry for entry in progress.modules if entry.module.has_quiz]
    if quizzes:
        return all(entry.quiz_passed for entry in quizzes)
    return all(entry.all_lessons_done for entry in progress.modules)


def to_observe(rows: list[LearnerRow], skills: GroupSkills) -> list[ToObserve]:
    """"Perlu diamati": per learner (one visit per family), in the report's order, the skills still without a
    confirmed competent observation in the courses the learner is ready for. No query."""
    visits = []
    for row in rows:
        courses = []
        for course, course_skills in skills.courses:
            if not ready_for_observation(row, course.id):
                continue
            missing = [(skill, skills.cell(row.user.id, skill.id)) for skill in course_skills]
            missing = [(skill, cell) for skill, cell in missing if cell.state != COMPETENT]
            if missing:
                courses.append((course, missing))
        if courses:
            visits.append(ToObserve(row.user, courses))
    return visits


@dataclass
class MissedStep:
    """One step of a skill's checklist and how often it was seen not done."""

    text: str
    critical: bool
    position: int
    not_done: int
    #: the care manager could not see it: not counted as missed, and not in the share's base
    not_seen: int
    done: int

    @property
    def seen(self) -> int:
        return self.done + self.not_done

    @property
    def percent(self) -> int:
        """Share of the observations that saw the step in which it was not done."""
        return round(self.not_done * 100 / self.seen) if self.seen else 0


@dataclass
class MissedSkill:
    """A skill and its steps that were not done at least once, the most missed first."""

    title: str
    course_title: str
    #: the most observations any of its steps was in (every observation records every current step)
    observations: int
    steps: list[MissedStep]

    @property
    def shown(self) -> list[MissedStep]:
        """What the page lists: the SHOWN most missed steps, and every critical step missed however rarely."""
        return [step for index, step in enumerate(self.steps) if index < SHOWN or step.critical]

    @property
    def folded(self) -> list[MissedStep]:
        """The other steps missed at times, folded away on the page."""
        return [step for index, step in enumerate(self.steps) if index >= SHOWN and not step.critical]

    @property
    def top(self) -> int:
        return self.steps[0].not_done if self.steps else 0

    @property
    def total(self) -> int:
        return sum(step.not_done for step in self.steps)


def _in_scope(viewer: User, cohort: Cohort | None) -> list:
    """Which observations count for the viewer: those of the members of one group in its courses, or of the
    members of any group the trainer leads in that group's courses (admins: every group)."""
    if cohort is not None:
        return [Observation.learner_id.in_(group_members(cohort.id)),
                Skill.course_id.in_(select(CohortCourse.course_id).where(CohortCourse.cohort_id == cohort.id))]
    if viewer.is_admin:
        return []
    # EXISTS, not a join: a learner in two of the trainer's groups is counted once.
    return [exists(
        select(CohortMember.id).join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(CohortCourse, CohortCourse.cohort_id == Cohort.id)
        .where(Cohort.owner_id == viewer.id, CohortMember.user_id == Observation.learner_id,
               CohortCourse.course_id == Skill.course_id)
    )]


def missed_steps(viewer: User, cohort: Cohort | None = None) -> tuple[list[MissedSkill], list[MissedSkill]]:
    """(skills with a step not done at least once, ordered for the next group meeting; skills observed whose
    steps were all done every time), counted over the pending and confirmed observations in the viewer's scope
    (_in_scope). One query: the database counts per step (GROUP BY); Python only orders the steps.

    Order: steps by how many times they were not done, then critical first, then by share; skills by their most
    missed step, then by all their misses. Only current steps of current skills are shown."""
    counts = (
        select(ObservedStep.step_id,
               func.count(case((ObservedStep.state == "not_done", 1))).label("not_done"),
               func.count(case((ObservedStep.state == "not_seen", 1))).label("not_seen"),
               func.count(case((ObservedStep.state == "done", 1))).label("done"))
        .join(Observation, Observation.id == ObservedStep.observation_id)
        .join(Skill, Skill.id == Observation.skill_id)
        .where(Observation.status.in_(COUNTED), *_in_scope(viewer, cohort))
        .group_by(ObservedStep.step_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Skill.id, Skill.title, Course.title, SkillStep.text, SkillStep.critical, SkillStep.position,
               counts.c.not_done, counts.c.not_seen, counts.c.done)
        .select_from(counts)
        .join(SkillStep, SkillStep.id == counts.c.step_id)
        .join(Skill, Skill.id == SkillStep.skill_id)
        .join(Module, Module.id == Skill.module_id)
        .join(Course, Course.id == Skill.course_id)
        .where(SkillStep.retired_at.is_(None), Skill.retired_at.is_(None), Module.retired_at.is_(None),
               Course.practice != "none")
        .order_by(Course.title, Module.position, Skill.position, SkillStep.position)
    ).all()
    skills: dict[int, MissedSkill] = {}
    for skill_id, title, course_title, text, critical, position, not_done, not_seen, done in rows:
        skill = skills.setdefault(skill_id, MissedSkill(title, course_title, 0, []))
        skill.observations = max(skill.observations, not_done + not_seen + done)
        if not_done:
            skill.steps.append(MissedStep(text, critical, position, not_done, not_seen, done))
    for skill in skills.values():
        skill.steps.sort(key=lambda step: (-step.not_done, not step.critical, -step.percent, step.position))
    missed = sorted((skill for skill in skills.values() if skill.steps), key=lambda skill: (-skill.top, -skill.total))
    done_well = [skill for skill in skills.values() if not skill.steps]
    return missed, done_well
