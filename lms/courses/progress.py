"""The progress rules, in one place for every page.

A lesson is done when the learner marks it done. A module is done when all its
current lessons are done, its quiz (if it has one) is passed and, in a course whose
practice is required, each of its current skills was seen done competently (a confirmed
observation: SkillCompetence). A course is done when all its current modules are done.
Percentages count lessons, quizzes and required skills as steps.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, bindparam, cast, func, literal_column, null, select, union_all

from ..database import among
from ..extensions import db
from .models import Course, Enrollment, Lesson, LessonCompletion, Module, QuizPass, Skill, SkillCompetence
from .outline import OutlineLesson, OutlineModule, cached_outlines


@dataclass
class ModuleProgress:
    module: OutlineModule | Module
    lessons: list[OutlineLesson] | list[Lesson]
    done_lesson_ids: set[int]
    quiz_score: int | None  # best passing score, None when not passed
    #: the module's skills that count for completion (none unless the course's practice is required)
    required_skill_ids: tuple[int, ...] = ()
    #: the learner's competent skills among them
    competent_skill_ids: frozenset[int] = frozenset()

    @property
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.id in self.done_lesson_ids)

    @property
    def quiz_passed(self) -> bool:
        return self.quiz_score is not None

    @property
    def all_lessons_done(self) -> bool:
        return self.lessons_done == len(self.lessons)

    @property
    def skills_done(self) -> int:
        return len(self.competent_skill_ids)

    @property
    def skills_waiting(self) -> int:
        """Required skills not yet seen done competently (a care manager's observation, not the learner's step)."""
        return len(self.required_skill_ids) - self.skills_done

    @property
    def is_done(self) -> bool:
        return (self.all_lessons_done and (not self.module.has_quiz or self.quiz_passed)
                and self.skills_waiting == 0)

    @property
    def steps(self) -> int:
        return len(self.lessons) + (1 if self.module.has_quiz else 0) + len(self.required_skill_ids)

    @property
    def steps_done(self) -> int:
        return self.lessons_done + (1 if self.module.has_quiz and self.quiz_passed else 0) + self.skills_done


@dataclass
class NextStep:
    kind: str  # "lesson" or "quiz"
    module: OutlineModule | Module
    lesson: OutlineLesson | Lesson | None = None


_NOT_LOADED = object()


class CourseProgress:
    """A learner's progress in a course; `enrollment` is looked up on first use when `learner_id` is given."""

    def __init__(self, course: Course, modules: list[ModuleProgress] | None = None,
                 enrollment: Enrollment | None = None, *, learner_id: int | None = None):
        self.course = course
        self.modules = modules if modules is not None else []
        self._learner_id = learner_id
        self._enrollment = _NOT_LOADED if learner_id is not None else enrollment

    @property
    def enrollment(self) -> Enrollment | None:
        if self._enrollment is _NOT_LOADED:
            self._enrollment = db.session.scalar(select(Enrollment).where(
                Enrollment.user_id == self._learner_id, Enrollment.course_id == self.course.id))
        return self._enrollment

    @enrollment.setter
    def enrollment(self, value: Enrollment | None) -> None:
        self._enrollment = value

    def __repr__(self) -> str:
        return f"<CourseProgress {self.course.slug} {self.done_steps}/{self.total_steps}>"

    @property
    def total_steps(self) -> int:
        return sum(m.steps for m in self.modules)

    @property
    def done_steps(self) -> int:
        return sum(m.steps_done for m in self.modules)

    @property
    def percent(self) -> int:
        total = self.total_steps
        return int(self.done_steps * 100 / total) if total else 0

    @property
    def is_complete(self) -> bool:
        return bool(self.modules) and all(m.is_done for m in self.modules)

    @property
    def is_enrolled(self) -> bool:
        return self.enrollment is not None

    @property
    def has_started(self) -> bool:
        return self.done_steps > 0

    @property
    def skills_waiting(self) -> int:
        """Required skills still to be observed; the learner may have done every lesson and quiz."""
        return sum(m.skills_waiting for m in self.modules)

    def module_progress(self, module_id: int) -> ModuleProgress | None:
        return next((m for m in self.modules if m.module.id == module_id), None)

    def is_lesson_done(self, lesson_id: int) -> bool:
        return any(lesson_id in m.done_lesson_ids for m in self.modules)

    @property
    def next_step(self) -> NextStep | None:
        """The first unfinished lesson, or the quiz of a module whose lessons are all done. Skills are not
        steps the learner takes alone (a care manager observes them): see skills_waiting."""
        for entry in self.modules:
            for lesson in entry.lessons:
                if lesson.id not in entry.done_lesson_ids:
                    return NextStep("lesson", entry.module, lesson)
            if entry.module.has_quiz and not entry.quiz_passed:
                return NextStep("quiz", entry.module)
        return None


def _done_steps_statement():
    user_id, course_ids = bindparam("user_id"), bindparam("course_ids", expanding=True)
    return union_all(
        select(literal_column("0").label("kind"), LessonCompletion.lesson_id.label("step_id"),
               null().label("score"))
        .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
        .where(LessonCompletion.user_id == user_id, Lesson.course_id.in_(course_ids)),
        select(literal_column("1"), QuizPass.module_id, QuizPass.best_score)
        .join(Module, Module.id == QuizPass.module_id)
        .where(QuizPass.user_id == user_id, Module.course_id.in_(course_ids)),
        select(literal_column("2"), SkillCompetence.skill_id, null())
        .join(Skill, Skill.id == SkillCompetence.skill_id)
        .where(SkillCompetence.user_id == user_id, Skill.course_id.in_(course_ids)),
    )


# Built once (every lesson page runs it): the statement keeps its cache key and compiled form.
_DONE_STEPS = _done_steps_statement()


@dataclass
class DoneSteps:
    """What one learner did in some courses: finished lessons, best quiz scores, competent skills."""

    lessons: set[int]
    quiz_scores: dict[int, int]
    skills: set[int]


def _done_steps(user_id: int, course_ids: list[int]) -> DoneSteps:
    """The learner's completed lessons, best quiz scores and competent skills in these courses, in one query."""
    done = DoneSteps(set(), {}, set())
    for kind, step_id, score in db.session.execute(_DONE_STEPS, {"user_id": user_id, "course_ids": course_ids}):
        if kind == 0:
            done.lessons.add(step_id)
        elif kind == 1:
            done.quiz_scores[step_id] = score
        else:
            done.skills.add(step_id)
    return done


def module_progress(course: Course, module: OutlineModule, lessons: list[OutlineLesson], done: DoneSteps,
                    ) -> ModuleProgress:
    """One module's progress by the rules above; skills count only where the course's practice is required."""
    required = module.skill_ids if course.practice == "required" else ()
    return ModuleProgress(
        module=module, lessons=lessons,
        done_lesson_ids={lesson.id for lesson in lessons if lesson.id in done.lessons},
        quiz_score=done.quiz_scores.get(module.id),
        required_skill_ids=required,
        competent_skill_ids=frozenset(skill_id for skill_id in required if skill_id in done.skills),
    )


def progress_for(user_id: int | None, courses: list[Course], *,
                 with_enrollments: bool = True) -> dict[int, CourseProgress]:
    """Progress of one learner in several courses, in a fixed number of queries.

    Outlines are plain data (OutlineModule, OutlineLesson). Without `with_enrollments`, each
    progress looks its enrolment up only if asked for it (a lesson page never does).
    """
    course_ids = [c.id for c in courses]
    outline = cached_outlines(courses)
    done = DoneSteps(set(), {}, set())
    enrollments: dict[int, Enrollment] = {}
    if user_id is not None and course_ids:
        done = _done_steps(user_id, course_ids)
        if with_enrollments:
            enrollments = {e.course_id: e for e in db.session.scalars(
                select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id.in_(course_ids))
            )}
    lazy = user_id is not None and not with_enrollments
    result = {}
    for course in courses:
        progress = CourseProgress(course, enrollment=enrollments.get(course.id),
                                  learner_id=user_id if lazy else None)
        progress.modules = [module_progress(course, module, lessons, done)
                            for module, lessons in outline.get(course.id, [])]
        result[course.id] = progress
    return result


def course_progress(user_id: int | None, course: Course, *, with_enrollment: bool = True) -> CourseProgress:
    return progress_for(user_id, [course], with_enrollments=with_enrollment)[course.id]


_NO_LESSONS: frozenset[int] = frozenset()


@dataclass
class LearnersProgress:
    """Several learners' progress in the same courses, read at once (progress_of_learners).

    The progress `of` a learner is read-only: modules in the same state (done with the same
    score, or untouched) share one ModuleProgress, so a group of 500 learners keeps few
    objects alive and Python's garbage collector has less to walk.
    """

    courses: list[Course]
    #: course id -> the plain outline every progress below is measured against
    outlines: dict[int, list[tuple[OutlineModule, list[OutlineLesson]]]]
    #: learner id -> ids of the lessons of these courses they finished (retired lessons too)
    done_lessons: dict[int, set[int]]
    #: learner id -> module id -> best passing score
    quiz_scores: dict[int, dict[int, int]]
    #: learner id -> ids of the skills of these courses they were seen doing competently
    competent_skills: dict[int, set[int]]
    #: learner id -> course id -> enrolment
    enrollments: dict[int, dict[int, Enrollment]]
    #: when each finished lesson of these courses was finished (retired lessons too), for charts
    lesson_completed_at: list[datetime]

    def __post_init__(self) -> None:
        # module id -> its current lessons' ids, once: a group of 500 learners asks 500 times.
        self._lesson_ids = {module.id: frozenset(lesson.id for lesson in lessons)
                            for outline in self.outlines.values() for module, lessons in outline}
        self._shared: dict[tuple[int, bool, int | None, frozenset[int]], ModuleProgress] = {}
        self._practice_required = {course.id for course in self.courses if course.practice == "required"}

    def of(self, user_id: int) -> dict[int, CourseProgress]:
        """course id -> the learner's CourseProgress, as progress_for would give it (no query)."""
        done = self.done_lessons.get(user_id, set())
        scores = self.quiz_scores.get(user_id, {})
        skills = self.competent_skills.get(user_id, set())
        enrollments = self.enrollments.get(user_id, {})
        return {
            course.id: CourseProgress(course, enrollment=enrollments.get(course.id), modules=[
                self._module_progress(module, lessons, done, scores.get(module.id),
                                      module.skill_ids if course.id in self._practice_required else (), skills)
                for module, lessons in self.outlines.get(course.id, [])
            ])
            for course in self.courses
        }

    def _module_progress(self, module: OutlineModule, lessons: list[OutlineLesson], done: set[int],
                         score: int | None, required: tuple[int, ...], skills: set[int]) -> ModuleProgress:
        competent = frozenset(skill_id for skill_id in required if skill_id in skills) if required else frozenset()
        ids = self._lesson_ids[module.id]
        if not ids <= done and not ids.isdisjoint(done):  # some lessons done: this learner's own
            return ModuleProgress(module=module, lessons=lessons, done_lesson_ids=done & ids, quiz_score=score,
                                  required_skill_ids=required, competent_skill_ids=competent)
        all_done = ids <= done
        key = (module.id, all_done, score, competent)
        shared = self._shared.get(key)
        if shared is None:
            shared = self._shared[key] = ModuleProgress(module=module, lessons=lessons, quiz_score=score,
                                                        done_lesson_ids=ids if all_done else _NO_LESSONS,
                                                        required_skill_ids=required, competent_skill_ids=competent)
        return shared


def progress_of_learners(learners: Collection[int], courses: list[Course], *,
                         activity_since: datetime | None = None) -> LearnersProgress:
    """Progress of many learners in several courses: 3 queries whatever their number, 4 with `activity_since`
    (and 3 for outlines this process has not cached).

    `learners` are the ids, already loaded with the group: as values the planner sees how few
    they are, where a sub-select of the memberships got PostgreSQL's generic plan (a scan of all of
    them) once psycopg prepared it. `lesson_completed_at` keeps the moments from `activity_since` on
    (the charts' weeks), not every lesson ever finished.
    """
    course_ids = [c.id for c in courses]
    result = LearnersProgress(courses, cached_outlines(courses), defaultdict(set), defaultdict(dict),
                              defaultdict(set), defaultdict(dict), [])
    ids = sorted(set(learners))
    if not course_ids or not ids:
        return result
    _read_progress(result, ids, course_ids, activity_since)
    return result


def _read_progress(result: LearnersProgress, ids: list[int], course_ids: list[int],
                   activity_since: datetime | None) -> None:
    # A learner's finished lessons come as one row of comma-separated ids: a group of 500 has finished
    # some 17,500 lessons, and a row each cost more to fetch and unpack than the query itself.
    for user_id, lesson_ids in db.session.execute(
        select(LessonCompletion.user_id, func.aggregate_strings(cast(LessonCompletion.lesson_id, String), ","))
        .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
        .where(among(LessonCompletion.user_id, ids), Lesson.course_id.in_(course_ids))
        .group_by(LessonCompletion.user_id)
    ):
        result.done_lessons[user_id] = set(map(int, lesson_ids.split(",")))
    # One UNION for the other kinds of step, as _DONE_STEPS does for one learner.
    steps = union_all(
        select(literal_column("1").label("kind"), QuizPass.user_id, QuizPass.module_id.label("step_id"),
               QuizPass.best_score.label("score"))
        .join(Module, Module.id == QuizPass.module_id)
        .where(among(QuizPass.user_id, ids), Module.course_id.in_(course_ids)),
        select(literal_column("2"), SkillCompetence.user_id, SkillCompetence.skill_id, null())
        .join(Skill, Skill.id == SkillCompetence.skill_id)
        .where(among(SkillCompetence.user_id, ids), Skill.course_id.in_(course_ids)),
    )
    for kind, user_id, step_id, score in db.session.execute(steps).all():
        if kind == 1:
            result.quiz_scores[user_id][step_id] = score
        else:
            result.competent_skills[user_id].add(step_id)
    if activity_since is not None:
        result.lesson_completed_at.extend(db.session.scalars(
            select(LessonCompletion.completed_at).join(Lesson, Lesson.id == LessonCompletion.lesson_id)
            .where(among(LessonCompletion.user_id, ids), Lesson.course_id.in_(course_ids),
                   LessonCompletion.completed_at >= activity_since)))
    for enrollment in db.session.scalars(
        select(Enrollment).where(among(Enrollment.user_id, ids), Enrollment.course_id.in_(course_ids))
    ):
        result.enrollments[enrollment.user_id][enrollment.course_id] = enrollment
