"""Read helpers: who may see which group, and the group report.

The report puts every learner against every step of the group's courses. What counts as
done is the progress service's (lms/courses/progress.py): each row holds the learner's
CourseProgress. It runs a fixed number of queries whatever the number of learners (no
query per row): the members, their progress (2), their quiz attempts, their last visits
(asked of practice: reach.py says who needs a visit), and the outlines when this process
has not cached them (2).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property

from flask import abort
from sqlalchemy import func, select

from ..accounts.models import User
from ..courses.models import Course
from ..courses.outline import OutlineLesson, OutlineModule
from ..courses.progress import (
    CourseProgress,
    LearnersProgress,
    ModuleProgress,
    progress_of_learners,
)
from ..extensions import db
from ..quizzes.queries import first_attempt_passes
from ..timeutil import utcnow
from .models import Cohort, CohortCourse, CohortInvitation, CohortMember
from .reach import is_reached, last_contact, last_visits

CHART_WEEKS = 8
#: the members a care manager sees: an erased account (User.erased_at, lms/erasure) keeps its membership,
#: de-identified, only for the programme figures, and is never shown in a group
SHOWN_ACCOUNT = User.erased_at.is_(None)


def cohorts_visible_to(user: User) -> list[Cohort]:
    stmt = select(Cohort).order_by(Cohort.name)
    if not user.is_admin:
        stmt = stmt.where(Cohort.owner_id == user.id)
    return list(db.session.scalars(stmt))


def member_counts(cohort_ids: list[int]) -> dict[int, int]:
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        select(CohortMember.cohort_id, func.count()).join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id.in_(cohort_ids), SHOWN_ACCOUNT)
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


def accompanying_membership(trainer_id: int, learner_id: int, course_id: int) -> CohortMember | None:
    """The learner's membership of a group the trainer leads and that follows the course, or None.

    Every membership was joined with consent (a code, an invitation, or an account the trainer
    made with the family present: `joined_via`). One indexed query.
    """
    return db.session.scalar(
        select(CohortMember)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(CohortCourse, CohortCourse.cohort_id == Cohort.id)
        .join(User, User.id == CohortMember.user_id)
        .where(Cohort.owner_id == trainer_id, CohortMember.user_id == learner_id, CohortCourse.course_id == course_id,
               SHOWN_ACCOUNT)
        .order_by(CohortMember.joined_at)
        .limit(1)
    )


def is_member(cohort_id: int, user_id: int) -> bool:
    """The account is a member its care manager sees (not an erased one)."""
    return db.session.scalar(
        select(CohortMember.id).join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id, SHOWN_ACCOUNT)
    ) is not None


class StepState(StrEnum):
    """What a learner's cell of a step shows; the group table, the learner's page and the CSV all ask here."""

    DONE = "done"
    #: a quiz submitted at least once, not passed yet
    TRIED = "tried"
    NOT_YET = "not_yet"


@dataclass
class StepColumn:
    """A step of the group's courses: a current lesson, or a module's quiz (lesson None)."""

    course: Course
    module: OutlineModule
    module_number: int
    lesson: OutlineLesson | None = None

    @property
    def is_quiz(self) -> bool:
        return self.lesson is None


@dataclass(frozen=True)
class ModuleColumns:
    """A module's columns side by side (its lessons, then its quiz): a row's cells are read module by
    module, one ModuleProgress each, rather than asked column by column (20,000 cells in a group of 500)."""

    course_id: int
    module_number: int
    module_id: int
    lesson_ids: tuple[int, ...]
    has_quiz: bool


@dataclass
class LearnerRow:
    """A learner of the group and their progress in each of its courses."""

    user: User
    joined_at: datetime
    #: course id -> the learner's progress, as the progress service counts it
    progress: dict[int, CourseProgress] = field(default_factory=dict)
    #: module id -> passed at the first attempt, for each module quiz the learner submitted at least once
    attempts: dict[int, bool] = field(default_factory=dict)
    #: when the learner was last observed (a visit, reach.last_visits), None if never
    last_visit: datetime | None = None
    #: neither learning activity nor a visit within reach.REACH_DAYS (reach.py defines it)
    needs_visit: bool = False

    def module_progress(self, course_id: int, module_number: int) -> ModuleProgress:
        # Columns and progress come from the same outline: a module's number is its place in the course.
        return self.progress[course_id].modules[module_number - 1]

    @property
    def steps_done(self) -> int:
        return sum(progress.done_steps for progress in self.progress.values())

    @property
    def total_steps(self) -> int:
        return sum(progress.total_steps for progress in self.progress.values())

    @property
    def percent(self) -> int:
        """Steps done in all the group's courses; for one course, CourseProgress.percent."""
        total = self.total_steps
        return int(self.steps_done * 100 / total) if total else 0

    @cached_property
    def last_activity(self) -> datetime | None:
        moments = [p.enrollment.last_activity_at for p in self.progress.values() if p.enrollment is not None]
        return max(moments, default=None)

    @property
    def last_contact(self) -> datetime | None:
        return last_contact(self.last_activity, self.last_visit)

    @cached_property
    def completed_courses(self) -> dict[int, datetime]:
        """course id -> when the learner completed it (set once, even if the course changed since)."""
        return {course_id: p.enrollment.completed_at for course_id, p in self.progress.items()
                if p.enrollment is not None and p.enrollment.completed_at is not None}

    def is_done(self, column: StepColumn) -> bool:
        entry = self.module_progress(column.course.id, column.module_number)
        return entry.quiz_passed if column.is_quiz else column.lesson.id in entry.done_lesson_ids

    def quiz_score(self, column: StepColumn) -> int | None:
        """The best passing score of the column's quiz, None when not passed."""
        return self.module_progress(column.course.id, column.module_number).quiz_score

    def state(self, column: StepColumn) -> StepState:
        if self.is_done(column):
            return StepState.DONE
        if column.is_quiz and column.module.id in self.attempts:
            return StepState.TRIED
        return StepState.NOT_YET

    def cells(self, modules: list[ModuleColumns]) -> list[int | StepState]:
        """Every column's cell in table order, as `state` and `quiz_score` answer: a passed quiz's best
        score, else the step's state."""
        cells: list[int | StepState] = []
        for module in modules:
            entry = self.module_progress(module.course_id, module.module_number)
            done = entry.done_lesson_ids
            cells.extend(StepState.DONE if lesson_id in done else StepState.NOT_YET for lesson_id in module.lesson_ids)
            if module.has_quiz:
                if entry.quiz_passed:
                    cells.append(int(entry.quiz_score))
                else:
                    cells.append(StepState.TRIED if module.module_id in self.attempts else StepState.NOT_YET)
        return cells


@dataclass
class ModuleRate:
    course: Course
    module: OutlineModule
    module_number: int
    #: learners who submitted at least one attempt (or passed: a pass recorded without an attempt counts)
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


#: learners per page of the progress table and the skills matrix. The whole group is read for its summaries,
#: but a table of 500 learners by 40 steps is what cost (720 KB of HTML, about 120 ms to draw).
ROWS_PER_PAGE = 100


@dataclass(frozen=True)
class RowPage:
    """One page of the group's rows, in the report's order (by name)."""

    rows: list[LearnerRow]
    #: 1 for the first page
    number: int
    count: int
    #: position in the group of the first and last row shown, from 1 (0 and 0 for an empty group)
    first: int
    last: int
    #: learners in the whole group
    total: int


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

    @cached_property
    def modules(self) -> list[ModuleColumns]:
        """The columns module by module, in table order (LearnerRow.cells reads them)."""
        by_module: dict[int, list[StepColumn]] = {}
        for column in self.columns:  # a module's columns are side by side
            by_module.setdefault(column.module.id, []).append(column)
        return [ModuleColumns(columns[0].course.id, columns[0].module_number, module_id,
                              tuple(column.lesson.id for column in columns if not column.is_quiz),
                              any(column.is_quiz for column in columns))
                for module_id, columns in by_module.items()]

    def cells(self, row: LearnerRow) -> list[int | StepState]:
        return row.cells(self.modules)

    @cached_property
    def learners(self) -> list[int]:
        """The rows' user ids, for other features' queries about the group (lms.database.among writes
        them into the statement; progress_of_learners says why)."""
        return [row.user.id for row in self.rows]

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
        return row.percent

    def page(self, number: int, size: int | None = None) -> RowPage:
        """The rows of page `number`; a number outside 1..count (a stale or typed link) is the nearest page."""
        size = size or ROWS_PER_PAGE
        count = max(1, -(-len(self.rows) // size))
        number = min(max(number, 1), count)
        start = (number - 1) * size
        rows = self.rows[start:start + size]
        return RowPage(rows, number, count, start + 1 if rows else 0, start + len(rows), len(self.rows))

    @cached_property
    def to_visit(self) -> list[LearnerRow]:
        """The rows that need a visit, longest without contact first (reach.py): never in contact first, those in
        the group longest first; then by the oldest last contact; ties in the report's order (by name)."""
        rows = [row for row in self.rows if row.needs_visit]
        return sorted(rows, key=lambda row: (row.last_contact is not None, row.last_contact or row.joined_at))

    @property
    def needing_visit(self) -> int:
        return len(self.to_visit)

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
    in_group = [CohortMember.cohort_id == cohort.id, SHOWN_ACCOUNT]
    if only_user_id is not None:
        in_group.append(CohortMember.user_id == only_user_id)
    members = db.session.execute(
        select(CohortMember.joined_at, User).join(User, User.id == CohortMember.user_id)
        .where(*in_group).order_by(User.full_name, User.id)
    ).all()
    # The ids just loaded, as values (progress_of_learners says why); nobody in the group (or not this
    # learner): the outlines still give the columns, no step is read.
    learners = [user.id for _joined_at, user in members]
    weeks = [_week_start(now) - timedelta(weeks=n) for n in range(CHART_WEEKS - 1, -1, -1)]
    progress = progress_of_learners(learners, courses, activity_since=weeks[0])
    columns = report_columns(courses, progress)
    quiz_modules = list({column.module.id for column in columns if column.is_quiz})
    attempts = first_attempt_passes(learners, quiz_modules) if learners else {}
    rows = report_rows(members, progress, attempts, last_visits(learners), now)
    lessons, completions = weekly_counts(progress.lesson_completed_at if columns else [], rows)
    return CohortReport(
        cohort=cohort, columns=columns, rows=rows, weeks=weeks,
        lessons_per_week=[lessons.get(week, 0) for week in weeks],
        completions_per_week=[completions.get(week, 0) for week in weeks],
        module_rates=module_rates(courses, progress, rows),
    )


def report_columns(courses: list[Course], progress: LearnersProgress) -> list[StepColumn]:
    """Every current step of the courses in order: each module's lessons, then its quiz."""
    columns: list[StepColumn] = []
    for course in courses:
        for number, (module, lessons) in enumerate(progress.outlines.get(course.id, []), start=1):
            columns.extend(StepColumn(course, module, number, lesson) for lesson in lessons)
            if module.has_quiz:
                columns.append(StepColumn(course, module, number))
    return columns


def report_rows(members: list, progress: LearnersProgress, attempts: dict[tuple[int, int], bool],
                visits: dict[int, datetime], now: datetime) -> list[LearnerRow]:
    """One row per (joined_at, User), in the order given; `visits` are the last visits (reach.last_visits),
    a row needs a visit when it was not reached (reach.is_reached)."""
    by_learner: dict[int, dict[int, bool]] = {}
    for (user_id, module_id), first_try in attempts.items():
        by_learner.setdefault(user_id, {})[module_id] = first_try
    rows = []
    for joined_at, user in members:
        row = LearnerRow(user=user, joined_at=joined_at, progress=progress.of(user.id),
                         attempts=by_learner.get(user.id, {}), last_visit=visits.get(user.id))
        row.needs_visit = not is_reached(row.last_activity, row.last_visit, now)
        rows.append(row)
    return rows


def weekly_counts(lesson_times: list[datetime], rows: list[LearnerRow]) -> tuple[Counter, Counter]:
    """Lessons finished (when each was, retired lessons too) and the rows' courses completed, per week start;
    `lesson_times` need only cover the charts' weeks."""
    days = Counter(moment.date() for moment in lesson_times)  # a week start per day, not per lesson
    lessons = Counter()
    for day, count in days.items():
        lessons[_week_start(datetime(day.year, day.month, day.day))] += count
    completions = Counter(_week_start(moment) for row in rows for moment in row.completed_courses.values())
    return lessons, completions


def module_rates(courses: list[Course], progress: LearnersProgress, rows: list[LearnerRow]) -> list[ModuleRate]:
    """For each module quiz, in course and module order: how many tried, passed, passed at the first try."""
    rates = []
    for course in courses:
        for number, (module, _lessons) in enumerate(progress.outlines.get(course.id, []), start=1):
            if module.has_quiz:
                rates.append(_module_rate(course, module, number, rows))
    return rates


def _module_rate(course: Course, module: OutlineModule, number: int, rows: list[LearnerRow]) -> ModuleRate:
    passed = {row.user.id for row in rows if row.module_progress(course.id, number).quiz_passed}
    tried = {row.user.id for row in rows if module.id in row.attempts} | passed
    first_try = sum(1 for row in rows if row.attempts.get(module.id))
    return ModuleRate(course, module, number, attempted=len(tried), passed=len(passed), first_try=first_try)
