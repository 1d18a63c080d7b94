"""Read helpers for quiz pages: the quiz behind a URL, attempts, questions as shown."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from ..courses.models import Course, Module
from ..database import among
from ..extensions import db
from .models import Attempt, AttemptQuestion, Option, Question, Quiz


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
    items = db.session.scalars(
        select(AttemptQuestion)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .options(selectinload(AttemptQuestion.question).selectinload(Question.options))
        .order_by(AttemptQuestion.position)
    ).all()
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
