"""The progress rules, in one place for every page.

A lesson is done when the learner marks it done. A module is done when all its
current lessons are done and its quiz (if it has one) is passed. A course is done
when all its current modules are done. Percentages count lessons and quizzes as steps.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import inspect, select
from sqlalchemy.orm import defer, undefer

from ..extensions import db
from .models import Course, Enrollment, Lesson, LessonCompletion, Module, QuizPass


@dataclass
class ModuleProgress:
    module: Module
    lessons: list[Lesson]
    done_lesson_ids: set[int]
    quiz_score: int | None  # best passing score, None when not passed

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
    def is_done(self) -> bool:
        return self.all_lessons_done and (not self.module.has_quiz or self.quiz_passed)

    @property
    def steps(self) -> int:
        return len(self.lessons) + (1 if self.module.has_quiz else 0)

    @property
    def steps_done(self) -> int:
        return self.lessons_done + (1 if self.module.has_quiz and self.quiz_passed else 0)


@dataclass
class NextStep:
    kind: str  # "lesson" or "quiz"
    module: Module
    lesson: Lesson | None = None


@dataclass
class CourseProgress:
    course: Course
    modules: list[ModuleProgress] = field(default_factory=list)
    enrollment: Enrollment | None = None

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

    def module_progress(self, module_id: int) -> ModuleProgress | None:
        return next((m for m in self.modules if m.module.id == module_id), None)

    def is_lesson_done(self, lesson_id: int) -> bool:
        return any(lesson_id in m.done_lesson_ids for m in self.modules)

    @property
    def next_step(self) -> NextStep | None:
        """The first unfinished lesson, or the quiz of a module whose lessons are all done."""
        for entry in self.modules:
            for lesson in entry.lessons:
                if lesson.id not in entry.done_lesson_ids:
                    return NextStep("lesson", entry.module, lesson)
            if entry.module.has_quiz and not entry.quiz_passed:
                return NextStep("quiz", entry.module)
        return None


def load_outline(course_ids: Iterable[int]) -> dict[int, list[tuple[Module, list[Lesson]]]]:
    """Current modules with their current lessons, in order, for several courses (2 queries)."""
    course_ids = list(course_ids)
    if not course_ids:
        return {}
    modules = db.session.scalars(
        select(Module)
        .where(Module.course_id.in_(course_ids), Module.retired_at.is_(None))
        .order_by(Module.course_id, Module.position)
    ).all()
    lessons = db.session.scalars(
        select(Lesson)
        .where(Lesson.course_id.in_(course_ids), Lesson.retired_at.is_(None))
        .order_by(Lesson.position, Lesson.id)
        .options(defer(Lesson.body))  # outlines never show the text; a course's bodies weigh ~100 KB
    ).all()
    by_module: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        by_module[lesson.module_id].append(lesson)
    outline: dict[int, list[tuple[Module, list[Lesson]]]] = defaultdict(list)
    for module in modules:
        outline[module.course_id].append((module, by_module.get(module.id, [])))
    return outline


def load_bodies(lessons: list[Lesson]) -> None:
    """Load the texts an outline left out (load_outline defers them), in one query."""
    ids = [lesson.id for lesson in lessons if "body" in inspect(lesson).unloaded]
    if ids:
        db.session.scalars(select(Lesson).where(Lesson.id.in_(ids)).options(undefer(Lesson.body))).all()


def progress_for(user_id: int | None, courses: list[Course]) -> dict[int, CourseProgress]:
    """Progress of one learner in several courses, in a fixed number of queries."""
    course_ids = [c.id for c in courses]
    outline = load_outline(course_ids)
    done_lessons: set[int] = set()
    quiz_scores: dict[int, int] = {}
    enrollments: dict[int, Enrollment] = {}
    if user_id is not None and course_ids:
        done_lessons = set(db.session.scalars(
            select(LessonCompletion.lesson_id)
            .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
            .where(LessonCompletion.user_id == user_id, Lesson.course_id.in_(course_ids))
        ))
        quiz_scores = dict(db.session.execute(
            select(QuizPass.module_id, QuizPass.best_score)
            .join(Module, Module.id == QuizPass.module_id)
            .where(QuizPass.user_id == user_id, Module.course_id.in_(course_ids))
        ).all())
        enrollments = {e.course_id: e for e in db.session.scalars(
            select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id.in_(course_ids))
        )}
    result = {}
    for course in courses:
        progress = CourseProgress(course=course, enrollment=enrollments.get(course.id))
        for module, lessons in outline.get(course.id, []):
            progress.modules.append(ModuleProgress(
                module=module, lessons=lessons,
                done_lesson_ids={lesson.id for lesson in lessons if lesson.id in done_lessons},
                quiz_score=quiz_scores.get(module.id),
            ))
        result[course.id] = progress
    return result


def course_progress(user_id: int | None, course: Course) -> CourseProgress:
    return progress_for(user_id, [course])[course.id]
