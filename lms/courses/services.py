"""Recording learning: enrolment, finished lessons, passed quizzes, completion.

Every write here is idempotent and safe when two requests arrive together: the
unique constraints decide, and completion is claimed by a conditional UPDATE so the
`course_completed` signal is sent once per enrolment. Callers commit.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ..database import insert_ignoring_conflict
from ..extensions import db
from ..timeutil import utcnow
from .models import Course, Enrollment, Lesson, LessonCompletion, Module, QuizPass
from .progress import course_progress
from .signals import course_completed


class NotEnrollable(Exception):
    """The course is not published."""


def enroll(user_id: int, course: Course) -> Enrollment:
    """Enrol the learner (once) and return the enrolment."""
    if not course.is_published:
        raise NotEnrollable(course.slug)
    insert_ignoring_conflict(Enrollment, {"user_id": user_id, "course_id": course.id}, ["user_id", "course_id"])
    return db.session.scalars(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == course.id)
    ).one()


def touch_activity(user_id: int, course_id: int) -> None:
    db.session.execute(
        update(Enrollment)
        .where(Enrollment.user_id == user_id, Enrollment.course_id == course_id)
        .values(last_activity_at=utcnow())
    )


def mark_lesson_done(user_id: int, lesson: Lesson, *, done_at: datetime | None = None) -> bool:
    """Record that the learner finished the lesson; True if this is new.

    `done_at` is when it happened, if earlier than now (a mark made offline and sent
    later). A retired lesson is recorded too, in the learner's history: it no longer
    counts towards progress, but a mark made before a new course version must not be lost.
    """
    enroll(user_id, lesson.course)
    values = {"user_id": user_id, "lesson_id": lesson.id}
    if done_at is not None:
        values["completed_at"] = min(done_at, utcnow())
    created = insert_ignoring_conflict(LessonCompletion, values, ["user_id", "lesson_id"])
    touch_activity(user_id, lesson.course_id)
    if created:
        complete_if_done(user_id, lesson.course)
    return created


def record_quiz_pass(user_id: int, module: Module, score: int) -> bool:
    """Record a passed module quiz, keeping the best score; True if it is the first pass."""
    enroll(user_id, module.course)
    created = insert_ignoring_conflict(
        QuizPass, {"user_id": user_id, "module_id": module.id, "best_score": score}, ["user_id", "module_id"]
    )
    if not created:
        db.session.execute(
            update(QuizPass)
            .where(QuizPass.user_id == user_id, QuizPass.module_id == module.id, QuizPass.best_score < score)
            .values(best_score=score)
        )
    touch_activity(user_id, module.course_id)
    complete_if_done(user_id, module.course)
    return created


def complete_if_done(user_id: int, course: Course) -> bool:
    """Mark the enrolment complete when every module is done; signal it exactly once."""
    progress = course_progress(user_id, course)
    if not progress.is_complete:
        return False
    claimed = db.session.execute(
        update(Enrollment)
        .where(Enrollment.user_id == user_id, Enrollment.course_id == course.id, Enrollment.completed_at.is_(None))
        .values(completed_at=utcnow())
    ).rowcount
    if claimed != 1:
        return False
    enrollment = db.session.scalars(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == course.id)
    ).one()
    db.session.refresh(enrollment)
    course_completed.send(course, user_id=user_id, enrollment=enrollment)
    return True
