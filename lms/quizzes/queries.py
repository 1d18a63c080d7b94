"""Read helpers for quiz pages: the quiz behind a URL, attempts, questions as shown; pre-tests and their figures."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from ..courses.models import Course, Lesson, LessonCompletion, Module
from ..database import among
from ..extensions import db
from .models import Attempt, AttemptQuestion, Option, Pretest, PretestModuleScore, PretestQuestion, Question, Quiz


def get_quiz(course_slug: str, module_slug: str) -> Quiz | None:
    """The current quiz of a current module of a published course, or None."""
    return db.session.scalar(
        select(Quiz)
        .join(Module, Module.id == Quiz.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(Course.slug == course_slug, Module.slug == module_slug, Course.is_published.is_(True),
               Module.retired_at.is_(None), Quiz.retired_at.is_(None))
        # Every quiz page shows its module and course: take them from the rows already joined.
        .options(contains_eager(Quiz.module).contains_eager(Module.course))
    )


def module_quiz(module_id: int) -> Quiz | None:
    """The module's current quiz, published or not, or None (1 query)."""
    return db.session.scalar(select(Quiz).where(Quiz.module_id == module_id, Quiz.retired_at.is_(None)))


@dataclass(frozen=True)
class QuizFacts:
    """What a quiz is, as told before taking it."""

    question_count: int  # questions in one attempt
    pass_mark: int


def attempt_size(per_attempt: int | None, pool: int) -> int:
    """Questions in one attempt: the quiz's setting (None: all), never more than the current pool."""
    return min(per_attempt or pool, pool)


def quiz_facts(course_id: int) -> dict[int, QuizFacts]:
    """module id -> facts of the current quizzes of a course's current modules (1 query)."""
    pool = (select(func.count(Question.id)).where(Question.quiz_id == Quiz.id, Question.retired_at.is_(None))
            .correlate(Quiz).scalar_subquery())
    rows = db.session.execute(
        select(Quiz.module_id, Quiz.pass_mark, Quiz.questions_per_attempt, pool)
        .join(Module, Module.id == Quiz.module_id)
        .where(Module.course_id == course_id, Module.retired_at.is_(None), Quiz.retired_at.is_(None))
    ).all()
    return {module_id: QuizFacts(attempt_size(per_attempt, count), pass_mark)
            for module_id, pass_mark, per_attempt, count in rows}


def questions_with_options(quiz: Quiz) -> list[Question]:
    """The quiz's questions in order, each with its options, in two queries (not one per question)."""
    return list(db.session.scalars(
        select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)
        .options(selectinload(Question.options))
    ))


def get_attempt(quiz: Quiz, attempt_id: int, user_id: int) -> Attempt | None:
    """The learner's own attempt at this quiz, or None (someone else's attempt is not found either)."""
    return db.session.scalar(
        select(Attempt).where(Attempt.id == attempt_id, Attempt.quiz_id == quiz.id, Attempt.user_id == user_id)
    )


def attempt_history(user_id: int, quiz_id: int) -> list[Attempt]:
    """The learner's attempts at a quiz, latest first."""
    return list(db.session.scalars(
        select(Attempt).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id).order_by(Attempt.number.desc())
    ))


@dataclass
class Choice:
    """An option as shown in an attempt: the form knows it only by its opaque token."""

    token: str
    option: Option


@dataclass
class ShownQuestion:
    """A question of an attempt with its options in the order this attempt shows them."""

    item: AttemptQuestion
    question: Question
    choices: list[Choice] = field(default_factory=list)

    @property
    def position(self) -> int:
        return self.item.position

    @property
    def field_name(self) -> str:
        return f"q{self.item.position}"

    def choice_by_token(self, token: str) -> Choice | None:
        return next((c for c in self.choices if c.token == token), None)

    @property
    def chosen(self) -> list[Option]:
        """Options the learner gave, in the order given (ordering: their order)."""
        by_id = {c.option.id: c.option for c in self.choices}
        return [by_id[i] for i in self.item.answer or [] if i in by_id]

    @property
    def right_options(self) -> list[Option]:
        """The right answer: the right options, or the steps in their right order."""
        options = [c.option for c in self.choices]
        if self.question.type == "ordering":
            return sorted(options, key=lambda o: o.position)
        return [o for o in options if o.is_correct]

    @property
    def feedback(self) -> list[tuple[Option, str]]:
        return [(o, o.feedback) for o in self.chosen if o.feedback]


def shown_questions(attempt: Attempt) -> list[ShownQuestion]:
    """The attempt's questions and options as fixed when it started (3 queries)."""
    return _shown(db.session.scalars(
        select(AttemptQuestion)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .options(selectinload(AttemptQuestion.question).selectinload(Question.options))
        .order_by(AttemptQuestion.position)
    ).all())


def shown_pretest_questions(pretest: Pretest) -> list[ShownQuestion]:
    """The pre-test's questions and options as fixed when it started (3 queries)."""
    return _shown(db.session.scalars(
        select(PretestQuestion)
        .where(PretestQuestion.pretest_id == pretest.id)
        .options(selectinload(PretestQuestion.question).selectinload(Question.options))
        .order_by(PretestQuestion.position)
    ).all())


def _shown(items) -> list[ShownQuestion]:
    shown = []
    for item in items:
        options = {o.id: o for o in item.question.options}
        choices = [Choice(token, options[option_id]) for option_id, token in item.option_order
                   if option_id in options]
        shown.append(ShownQuestion(item=item, question=item.question, choices=choices))
    return shown


def first_attempt_passes(learners: Select | Collection[int], module_ids: list[int]) -> dict[tuple[int, int], bool]:
    """(learner id, module id) -> passed at the first attempt, for every module quiz of these modules
    the learner submitted at least once; `learners` are user ids or a SELECT of them (1 query)."""
    if not module_ids:
        return {}
    passed_first = func.max(case((and_(Attempt.number == 1, Attempt.passed.is_(True)), 1), else_=0))
    rows = db.session.execute(
        select(Attempt.user_id, Quiz.module_id, passed_first).join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(among(Attempt.user_id, learners), Quiz.module_id.in_(module_ids), Attempt.submitted_at.is_not(None))
        .group_by(Attempt.user_id, Quiz.module_id)
    ).all()
    return {(user_id, module_id): bool(first) for user_id, module_id, first in rows}


# --- pre-tests ----------------------------------------------------------------------------------


def pretest_course(slug: str) -> Course | None:
    """A published course that has a pre-test, or None."""
    return db.session.scalar(select(Course).where(
        Course.slug == slug, Course.is_published.is_(True), Course.pretest_questions_per_module.is_not(None)))


def pretest_of(user_id: int, course_id: int) -> Pretest | None:
    """The learner's pre-test of the course (taken, open or skipped), or None (1 query)."""
    return db.session.scalar(select(Pretest).where(Pretest.user_id == user_id, Pretest.course_id == course_id))


def course_started(user_id: int, course_id: int) -> bool:
    """Has the learner marked a lesson of the course done (a retired one too) or started one of its module
    quizzes? Then a pre-test would no longer measure what they knew before (1 query)."""
    lesson = (select(LessonCompletion.id).join(Lesson, Lesson.id == LessonCompletion.lesson_id)
              .where(LessonCompletion.user_id == user_id, Lesson.course_id == course_id).exists())
    attempt = (select(Attempt.id).join(Quiz, Quiz.id == Attempt.quiz_id).join(Module, Module.id == Quiz.module_id)
               .where(Attempt.user_id == user_id, Module.course_id == course_id).exists())
    return bool(db.session.scalar(select(or_(lesson, attempt))))


@dataclass
class PretestState:
    """Where a learner stands with a course's pre-test."""

    pretest: Pretest | None
    started_course: bool

    @property
    def status(self) -> str:
        """taken, skipped, closed (the course was begun without it), open (questions drawn), or offered."""
        pretest = self.pretest
        if pretest is not None and pretest.submitted_at is not None:
            return "taken"
        if pretest is not None and pretest.skipped_at is not None:
            return "skipped"
        if self.started_course:
            return "closed"
        return "open" if pretest is not None and pretest.is_open else "offered"


def pretest_state(user_id: int, course: Course) -> PretestState:
    """The learner's pre-test of the course and whether they began the course (2 queries)."""
    return PretestState(pretest_of(user_id, course.id), course_started(user_id, course.id))


def pretest_pools(course_id: int) -> list[Quiz]:
    """The current quizzes of the course's current modules in module order, each with its questions and their
    options: what a pre-test draws from (3 queries)."""
    return list(db.session.scalars(
        select(Quiz).join(Module, Module.id == Quiz.module_id)
        .where(Module.course_id == course_id, Module.retired_at.is_(None), Quiz.retired_at.is_(None))
        .order_by(Module.position)
        .options(selectinload(Quiz.questions).selectinload(Question.options))
    ))


def pretest_size(course: Course) -> int:
    """Questions in the course's pre-test: its number per module, at most each current pool (1 query)."""
    per_module = course.pretest_questions_per_module or 0
    if not per_module:
        return 0
    pools = db.session.scalars(
        select(func.count(Question.id)).join(Quiz, Quiz.id == Question.quiz_id)
        .join(Module, Module.id == Quiz.module_id)
        .where(Module.course_id == course.id, Module.retired_at.is_(None), Quiz.retired_at.is_(None),
               Question.retired_at.is_(None))
        .group_by(Quiz.id)
    ).all()
    return sum(min(per_module, pool) for pool in pools)


@dataclass(frozen=True)
class Figure:
    """A mean percent score and the number of learners behind it (None when there is none)."""

    mean: float | None
    learners: int


NO_FIGURE = Figure(None, 0)


@dataclass(frozen=True)
class KnowledgeGain:
    """One module: what learners knew before (pre-test) against their first module quiz attempt."""

    pretest: Figure = NO_FIGURE
    first_attempt: Figure = NO_FIGURE


def _mean(value) -> float | None:
    return None if value is None else round(float(value), 1)  # PostgreSQL's avg is a numeric


def knowledge_gain(learners: Select, course_id: int, *, paired: bool = False) -> dict[int, KnowledgeGain]:
    """module id -> mean pre-test percent and mean first-attempt quiz percent of these learners, each with its
    number of learners; `learners` is a SELECT of user ids. Both figures use the module's own pool, so they
    compare. `paired`: the quiz figure only of learners who took the pre-test. 2 queries, whatever the number
    of learners (pretests by (user_id, course_id), attempts by (user_id, quiz_id, number))."""
    pretest = db.session.execute(
        select(PretestModuleScore.module_id, func.avg(PretestModuleScore.score), func.count())
        .join(Pretest, Pretest.id == PretestModuleScore.pretest_id)
        # module scores are written only by the request that graded the pre-test
        .where(Pretest.course_id == course_id, Pretest.user_id.in_(learners))
        .group_by(PretestModuleScore.module_id)
    ).all()
    takers = learners
    if paired:
        takers = select(Pretest.user_id).where(Pretest.course_id == course_id, Pretest.submitted_at.is_not(None),
                                               Pretest.user_id.in_(learners))
    first = db.session.execute(
        select(Quiz.module_id, func.avg(Attempt.score), func.count())
        .join(Quiz, Quiz.id == Attempt.quiz_id).join(Module, Module.id == Quiz.module_id)
        .where(Module.course_id == course_id, Attempt.user_id.in_(takers), Attempt.number == 1,
               Attempt.submitted_at.is_not(None))
        .group_by(Quiz.module_id)
    ).all()
    before = {module_id: Figure(_mean(mean), count) for module_id, mean, count in pretest}
    after = {module_id: Figure(_mean(mean), count) for module_id, mean, count in first}
    return {module_id: KnowledgeGain(before.get(module_id, NO_FIGURE), after.get(module_id, NO_FIGURE))
            for module_id in before.keys() | after.keys()}
