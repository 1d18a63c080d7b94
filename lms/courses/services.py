"""Recording learning: enrolment, finished lessons, passed quizzes, completion.

Every write here is idempotent and safe when two requests arrive together: the
unique constraints decide, and completion is claimed by a conditional UPDATE so the
`course_completed` signal is sent once per enrolment. Callers commit.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, select, update

from ..database import insert_ignoring_conflict
from ..extensions import db
from ..timeutil import utcnow
from .models import Course, Enrollment, Lesson, LessonCompletion, Module, QuizPass, Skill, SkillCompetence
from .outline import cached_outlines
from .progress import CourseProgress, DoneSteps, course_progress, module_progress
from .signals import completed_courses_shown, course_completed


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


def record_skill_competence(user_id: int, skill: Skill, *, observed_at: datetime, observer_id: int,
                            observer_name: str, observer_role: str, confirmed_on_paper: bool = False) -> bool:
    """Record that the learner was seen doing the skill competently (a confirmed observation); True if new.

    The first one counts and stays. Does not enrol: an observation of someone who never opened the
    course is kept until they finish it, and completion waits for their last step.
    """
    created = insert_ignoring_conflict(SkillCompetence, {
        "user_id": user_id, "skill_id": skill.id, "observed_at": observed_at, "confirmed_at": utcnow(),
        "observer_id": observer_id, "observer_name": observer_name, "observer_role": observer_role,
        "confirmed_on_paper": confirmed_on_paper,
    }, ["user_id", "skill_id"])
    if created:
        touch_activity(user_id, skill.course_id)
        complete_if_done(user_id, db.session.get(Course, skill.course_id))
    return created


def complete_if_done(user_id: int, course: Course) -> bool:
    """Mark the enrolment complete when every module is done; signal it exactly once.

    Two requests may each record a last step (a quiz pass, a confirmed skill) at once and each see
    only its own. The enrolment row is locked first (PostgreSQL; SQLite writers are serialized by
    BEGIN IMMEDIATE), so the second to get here reads the first's committed step and completes.
    """
    db.session.execute(select(Enrollment.id).where(Enrollment.user_id == user_id,
                                                   Enrollment.course_id == course.id).with_for_update())
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


def catch_up_for_learner(user_id: int, rows: list[tuple[Enrollment, Course]],
                         progress: dict[int, CourseProgress]) -> bool:
    """On the learner's dashboard: finish what the request that completed a course could not.

    An enrolment whose every current step is done is completed now (course_completed is sent,
    so its certificate is issued); then `completed_courses_shown` lets listeners catch up on
    finished courses (certificates issue one that is missing). Safe when two requests do it at
    once: the completion is claimed by a conditional UPDATE and certificates are unique per
    learner, course and cycle. True when something was written: the caller commits.
    """
    wrote = False
    for enrollment, course in rows:
        if enrollment.completed_at is None and progress[course.id].is_complete:
            wrote |= complete_if_done(user_id, course)
    finished = [(enrollment, course) for enrollment, course in rows if enrollment.completed_at is not None]
    if finished:
        for _receiver, result in completed_courses_shown.send(None, user_id=user_id, finished=finished):
            wrote |= bool(result)
    return wrote


def claim_due_completions() -> list[Enrollment]:
    """Complete every enrolment whose current steps are all done but that was never marked complete.

    The step that finishes a course normally completes it in the same transaction. An enrolment
    is left behind when the course changed under the learner (the lessons they had not done were
    retired, or a module quiz was removed). Each completion sends course_completed, like any
    other. Returns the enrolments completed now. A fixed number of queries, then a few per
    enrolment completed.
    """
    pending = db.session.scalars(select(Enrollment).where(Enrollment.completed_at.is_(None))).all()
    if not pending:
        return []
    courses = {enrollment.course_id: enrollment.course for enrollment in pending}
    outline = cached_outlines(list(courses.values()))
    done: dict[int, DoneSteps] = defaultdict(lambda: DoneSteps(set(), {}, set()))
    for user_id, lesson_id in db.session.execute(
        select(LessonCompletion.user_id, LessonCompletion.lesson_id)
        .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
        .join(Enrollment, and_(Enrollment.user_id == LessonCompletion.user_id,
                               Enrollment.course_id == Lesson.course_id, Enrollment.completed_at.is_(None)))
    ).all():
        done[user_id].lessons.add(lesson_id)
    for user_id, module_id, score in db.session.execute(
        select(QuizPass.user_id, QuizPass.module_id, QuizPass.best_score)
        .join(Module, Module.id == QuizPass.module_id)
        .join(Enrollment, and_(Enrollment.user_id == QuizPass.user_id,
                               Enrollment.course_id == Module.course_id, Enrollment.completed_at.is_(None)))
    ).all():
        done[user_id].quiz_scores[module_id] = score
    for user_id, skill_id in db.session.execute(
        select(SkillCompetence.user_id, SkillCompetence.skill_id)
        .join(Skill, Skill.id == SkillCompetence.skill_id)
        .join(Enrollment, and_(Enrollment.user_id == SkillCompetence.user_id,
                               Enrollment.course_id == Skill.course_id, Enrollment.completed_at.is_(None)))
    ).all():
        done[user_id].skills.add(skill_id)
    claimed = []
    for enrollment in pending:
        course = courses[enrollment.course_id]
        progress = CourseProgress(course=course, enrollment=enrollment, modules=[
            module_progress(course, module, lessons, done[enrollment.user_id])
            for module, lessons in outline.get(course.id, [])
        ])
        if progress.is_complete and complete_if_done(enrollment.user_id, course):
            claimed.append(enrollment)
    return claimed
