"""Read helpers: who may see which group, and the group report.

The report puts every learner against every step of the group's courses. It runs
a fixed number of queries whatever the number of learners (no query per row).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import and_, case, func, select

from ..accounts.models import User
from ..courses.models import Course, Enrollment, Lesson, LessonCompletion, Module, QuizPass
from ..courses.progress import load_outline
from ..extensions import db
from ..quizzes.models import Attempt, Quiz
from ..timeutil import utcnow
from .models import Cohort, CohortInvitation, CohortMember

INACTIVE_AFTER = timedelta(days=14)
CHART_WEEKS = 8


def cohorts_visible_to(user: User) -> list[Cohort]:
    stmt = select(Cohort).order_by(Cohort.name)
    if not user.is_admin:
        stmt = stmt.where(Cohort.owner_id == user.id)
    return list(db.session.scalars(stmt))


def member_counts(cohort_ids: list[int]) -> dict[int, int]:
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        select(CohortMember.cohort_id, func.count()).where(CohortMember.cohort_id.in_(cohort_ids))
        .group_by(CohortMember.cohort_id)
    )
    return dict(rows.all())


def get_cohort_for(user: User, cohort_id: int) -> Cohort:
    """A group the user runs (admins: any group); 404 if unknown, 403 if someone else's."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    if not (user.is_admin or cohort.owner_id == user.id):
        abort(403)
    return cohort


def cohorts_of_learner(user_id: int) -> list[Cohort]:
    return list(db.session.scalars(
        select(Cohort).join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id).order_by(Cohort.name)
    ))


def pending_invitations(user: User) -> list[CohortInvitation]:
    """Open invitations to the user's mobile number, to groups they are not in yet."""
    if not user.phone:
        return []
    already = select(CohortMember.cohort_id).where(CohortMember.user_id == user.id)
    return list(db.session.scalars(
        select(CohortInvitation).join(Cohort, Cohort.id == CohortInvitation.cohort_id)
        .where(CohortInvitation.phone == user.phone, CohortInvitation.expires_at > utcnow(),
               CohortInvitation.cohort_id.not_in(already))
        .order_by(CohortInvitation.created_at.desc()).limit(20)
    ))


def invitation_for(user: User, invitation_id: int) -> CohortInvitation | None:
    """One of the user's own open invitations, else None (someone else's is never shown)."""
    invitation = db.session.get(CohortInvitation, invitation_id)
    if invitation is None or not user.phone or invitation.phone != user.phone or invitation.expires_at <= utcnow():
        return None
    return invitation


def open_invitations(cohort_id: int) -> list[CohortInvitation]:
    """The group's unanswered invitations, for its care manager: numbers and dates, no names."""
    return list(db.session.scalars(
        select(CohortInvitation).where(CohortInvitation.cohort_id == cohort_id,
                                       CohortInvitation.expires_at > utcnow())
        .order_by(CohortInvitation.created_at.desc()).limit(200)
    ))


def is_member(cohort_id: int, user_id: int) -> bool:
    return db.session.scalar(
        select(CohortMember.id).where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id)
    ) is not None


@dataclass
class StepColumn:
    course: Course
    module: Module
    module_number: int
    lesson: Lesson | None = None  # None: the module's quiz

    @property
    def is_quiz(self) -> bool:
        return self.lesson is None


@dataclass
class LearnerRow:
    user: User
    joined_at: datetime
    done_lessons: set[int] = field(default_factory=set)
    quiz_scores: dict[int, int] = field(default_factory=dict)
    attempted_modules: set[int] = field(default_factory=set)
    #: modules whose quiz the learner passed at their very first attempt
    first_try_modules: set[int] = field(default_factory=set)
    last_activity: datetime | None = None
    completed_courses: dict[int, datetime] = field(default_factory=dict)
    needs_visit: bool = False
    steps_done: int = 0

    def is_done(self, column: StepColumn) -> bool:
        if column.is_quiz:
            return column.module.id in self.quiz_scores
        return column.lesson.id in self.done_lessons

    def quiz_score(self, column: StepColumn) -> int | None:
        return self.quiz_scores.get(column.module.id)

    def tried_quiz(self, column: StepColumn) -> bool:
        return column.module.id in self.attempted_modules


@dataclass
class ModuleRate:
    course: Course
    module: Module
    module_number: int
    #: learners who submitted at least one attempt
    attempted: int
    #: learners who passed, at any attempt
    passed: int
    #: learners who passed at their first attempt: where this is low, families struggle
    first_try: int = 0

    @property
    def percent(self) -> int | None:
        return round(self.passed * 100 / self.attempted) if self.attempted else None

    @property
    def first_try_percent(self) -> int | None:
        return round(self.first_try * 100 / self.attempted) if self.attempted else None


@dataclass
class CohortReport:
    cohort: Cohort
    columns: list[StepColumn]
    rows: list[LearnerRow]
    weeks: list[datetime]
    lessons_per_week: list[int]
    completions_per_week: list[int]
    module_rates: list[ModuleRate]

    @property
    def total_steps(self) -> int:
        return len(self.columns)

    @property
    def course_spans(self) -> list[tuple[Course, int]]:
        """(course, number of step columns) in table order: the header row that names the courses."""
        spans: list[tuple[Course, int]] = []
        for column in self.columns:
            if spans and spans[-1][0].id == column.course.id:
                spans[-1] = (spans[-1][0], spans[-1][1] + 1)
            else:
                spans.append((column.course, 1))
        return spans

    def percent(self, row: LearnerRow) -> int:
        return int(row.steps_done * 100 / self.total_steps) if self.total_steps else 0

    @property
    def needing_visit(self) -> int:
        return sum(1 for row in self.rows if row.needs_visit)

    @property
    def finished(self) -> int:
        course_count = len(self.cohort.courses)
        return sum(1 for row in self.rows if course_count and len(row.completed_courses) >= course_count)


def _week_start(moment: datetime) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def cohort_report(cohort: Cohort, now: datetime, *, only_user_id: int | None = None) -> CohortReport:
    """The whole group's report, or one learner's (only_user_id: the per-learner page)."""
    courses = list(cohort.courses)
    course_ids = [c.id for c in courses]
    outline = load_outline(course_ids)
    columns: list[StepColumn] = []
    for course in courses:
        for number, (module, lessons) in enumerate(outline.get(course.id, []), start=1):
            columns.extend(StepColumn(course, module, number, lesson) for lesson in lessons)
            if module.has_quiz:
                columns.append(StepColumn(course, module, number))
    lesson_ids = {c.lesson.id for c in columns if c.lesson is not None}
    module_ids = {c.module.id for c in columns}

    in_group = [CohortMember.cohort_id == cohort.id]
    if only_user_id is not None:
        in_group.append(CohortMember.user_id == only_user_id)
    members = select(CohortMember.user_id).where(*in_group).scalar_subquery()
    rows = {
        member.user_id: LearnerRow(user=user, joined_at=member.joined_at)
        for member, user in db.session.execute(
            select(CohortMember, User).join(User, User.id == CohortMember.user_id)
            .where(*in_group).order_by(User.full_name, User.id)
        ).all()
    }
    weeks = [_week_start(now) - timedelta(weeks=n) for n in range(CHART_WEEKS - 1, -1, -1)]
    lessons_per_week: Counter = Counter()
    completions_per_week: Counter = Counter()

    if rows and columns:
        for user_id, lesson_id, completed_at in db.session.execute(
            select(LessonCompletion.user_id, LessonCompletion.lesson_id, LessonCompletion.completed_at)
            .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
            .where(LessonCompletion.user_id.in_(members), Lesson.course_id.in_(course_ids))
        ).all():
            if lesson_id in lesson_ids:
                rows[user_id].done_lessons.add(lesson_id)
            lessons_per_week[_week_start(completed_at)] += 1
        for user_id, module_id, score in db.session.execute(
            select(QuizPass.user_id, QuizPass.module_id, QuizPass.best_score)
            .where(QuizPass.user_id.in_(members), QuizPass.module_id.in_(module_ids))
        ).all():
            rows[user_id].quiz_scores[module_id] = score
        passed_first = func.max(case((and_(Attempt.number == 1, Attempt.passed.is_(True)), 1), else_=0))
        for user_id, module_id, first_try in db.session.execute(
            select(Attempt.user_id, Quiz.module_id, passed_first).join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.user_id.in_(members), Quiz.module_id.in_(module_ids), Attempt.submitted_at.is_not(None))
            .group_by(Attempt.user_id, Quiz.module_id)
        ).all():
            rows[user_id].attempted_modules.add(module_id)
            if first_try:
                rows[user_id].first_try_modules.add(module_id)
    if rows and course_ids:
        for user_id, course_id, last_activity, completed_at in db.session.execute(
            select(Enrollment.user_id, Enrollment.course_id, Enrollment.last_activity_at, Enrollment.completed_at)
            .where(Enrollment.user_id.in_(members), Enrollment.course_id.in_(course_ids))
        ).all():
            row = rows[user_id]
            if row.last_activity is None or last_activity > row.last_activity:
                row.last_activity = last_activity
            if completed_at is not None:
                row.completed_courses[course_id] = completed_at
                completions_per_week[_week_start(completed_at)] += 1

    for row in rows.values():
        row.steps_done = sum(1 for column in columns if row.is_done(column))
        reference = row.last_activity or row.joined_at
        row.needs_visit = now - reference > INACTIVE_AFTER

    rates = []
    for course in courses:
        for number, (module, _lessons) in enumerate(outline.get(course.id, []), start=1):
            if module.has_quiz:
                attempted = sum(1 for r in rows.values() if module.id in r.attempted_modules or module.id in r.quiz_scores)
                passed = sum(1 for r in rows.values() if module.id in r.quiz_scores)
                first_try = sum(1 for r in rows.values() if module.id in r.first_try_modules)
                rates.append(ModuleRate(course, module, number, attempted, passed, first_try))
    return CohortReport(
        cohort=cohort, columns=columns, rows=list(rows.values()), weeks=weeks,
        lessons_per_week=[lessons_per_week.get(week, 0) for week in weeks],
        completions_per_week=[completions_per_week.get(week, 0) for week in weeks],
        module_rates=rates,
    )
