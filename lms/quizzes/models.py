"""Module quizzes as loaded from quiz.yaml, learners' attempts at them, and course pre-tests drawn from them.

Questions and options are never deleted once loaded: when they disappear from the
course files they are retired, so every attempt keeps pointing at what was asked.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..content_format import QUESTION_TYPES
from ..courses.models import Module
from ..database import one_of
from ..extensions import db
from ..timeutil import utcnow


class Quiz(db.Model):
    """The quiz that ends a module (one per module)."""

    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: percent needed to pass, already resolved against the course's default
    pass_mark: Mapped[int]
    #: questions drawn from the pool for each attempt; None means all of them
    questions_per_attempt: Mapped[int | None]
    shuffle_questions: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    #: shuffle options of single/multiple questions (ordering steps are always shuffled)
    shuffle_options: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    #: attempts a learner may start; None means unlimited
    max_attempts: Mapped[int | None]
    #: minutes to wait after submitting an attempt before starting the next
    wait_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    #: reveal the right answers after a failed attempt (always revealed after a pass)
    show_correct_answers: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    #: set when quiz.yaml disappeared from the module folder; attempts are kept
    retired_at: Mapped[datetime | None]

    module: Mapped[Module] = relationship()
    questions: Mapped[list[Question]] = relationship(back_populates="quiz", order_by="Question.position")

    @property
    def is_current(self) -> bool:
        return self.retired_at is None

    def __repr__(self) -> str:
        return f"<Quiz {self.id} module={self.module_id}>"


class Question(db.Model):
    __tablename__ = "quiz_questions"
    __table_args__ = (
        UniqueConstraint("quiz_id", "key"),
        # the types of the content format (migration 0003 made the same check: a new type needs a migration)
        CheckConstraint(one_of("type", QUESTION_TYPES), name="known_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    #: the question's `id` slug in quiz.yaml: its stable identity across edits
    key: Mapped[str] = mapped_column(String(80))
    #: single, multiple, true_false or ordering
    type: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    #: a short situation told before the question; plain text, may be empty
    scenario: Mapped[str] = mapped_column(Text, default="")
    #: path of a course image (images/x.svg), or None
    image: Mapped[str | None] = mapped_column(String(200))
    #: alternative text of the image; empty when the image is decorative
    image_alt: Mapped[str] = mapped_column(String(500), default="")
    #: shown with the result, after the attempt is submitted
    explanation: Mapped[str] = mapped_column(Text, default="")
    #: order in the file (1-based); the order used when questions are not shuffled
    position: Mapped[int]
    #: set when the question disappeared from quiz.yaml; it is no longer drawn
    retired_at: Mapped[datetime | None]

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
    options: Mapped[list[Option]] = relationship(back_populates="question", order_by="Option.position")

    @property
    def is_current(self) -> bool:
        return self.retired_at is None

    @property
    def current_options(self) -> list[Option]:
        return [option for option in self.options if option.retired_at is None]


class Option(db.Model):
    """A choice of a question; for ordering questions, a step (its position is its right place)."""

    __tablename__ = "quiz_options"
    __table_args__ = (UniqueConstraint("question_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id", ondelete="CASCADE"), index=True)
    #: the option's `id` in quiz.yaml, by default its letter (a, b, c…); `true`/`false` for true_false
    key: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    #: part of the right answer (single, multiple, true_false); unused for ordering steps
    is_correct: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: shown after the attempt to a learner who chose this option
    feedback: Mapped[str] = mapped_column(Text, default="")
    #: order in the file (1-based); for ordering questions the right order
    position: Mapped[int]
    #: set when the option disappeared from quiz.yaml
    retired_at: Mapped[datetime | None]

    question: Mapped[Question] = relationship(back_populates="options")


class Attempt(db.Model):
    """One try at a quiz: its questions are fixed when it starts, it is graded once."""

    __tablename__ = "quiz_attempts"
    # Numbering is unique per learner and quiz, so two simultaneous starts cannot both
    # create attempt N (and so cannot get past max_attempts).
    __table_args__ = (UniqueConstraint("user_id", "quiz_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    #: 1 for the learner's first attempt at this quiz, then 2, 3…
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: set exactly once, by the request that graded the attempt
    submitted_at: Mapped[datetime | None]
    #: percent of questions answered right, rounded down
    score: Mapped[int | None]
    passed: Mapped[bool | None]
    #: the pass mark the attempt was graded against
    pass_mark: Mapped[int | None]

    quiz: Mapped[Quiz] = relationship()
    items: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


class AttemptQuestion(db.Model):
    """A question as drawn for an attempt: its place, its option order, the answer given."""

    __tablename__ = "quiz_attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position"), UniqueConstraint("attempt_id", "question_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: (unique constraints index attempt_id)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id", ondelete="CASCADE"), index=True)
    #: place in the attempt, 1-based
    position: Mapped[int]
    #: [[option id, opaque token], …] in the order shown; the form only ever sees tokens
    option_order: Mapped[list] = mapped_column(JSON)
    #: option ids chosen (single, true_false, multiple) or in the order given (ordering)
    answer: Mapped[list | None] = mapped_column(JSON)
    is_correct: Mapped[bool | None]

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    question: Mapped[Question] = relationship()


class Pretest(db.Model):
    """A learner's one pre-test of a course (course.yaml `pretest`): taken before the first lesson, or skipped.

    Kept apart from quiz attempts on purpose: nothing that counts attempts, passes, progress or
    certificates reads this table. One row per learner and course (the unique constraint), so a
    pre-test is never retaken and two simultaneous starts or submits make one.
    """

    __tablename__ = "pretests"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint("submitted_at IS NULL OR skipped_at IS NULL", name="taken_or_skipped"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: (a course's figures are read by course, then by learner)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: when its questions were drawn; None for a pre-test skipped without opening it
    started_at: Mapped[datetime | None]
    #: set exactly once, by the request that graded it
    submitted_at: Mapped[datetime | None]
    #: the learner chose not to take it; it is not offered again
    skipped_at: Mapped[datetime | None]
    #: percent of all its questions answered right, rounded down
    score: Mapped[int | None]

    items: Mapped[list[PretestQuestion]] = relationship(
        back_populates="pretest", order_by="PretestQuestion.position", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.started_at is not None and self.submitted_at is None and self.skipped_at is None


class PretestQuestion(db.Model):
    """A module quiz question as drawn for a pre-test: its place, its option order, the answer given.

    The same columns as AttemptQuestion, so the answer sheet and its checks serve both.
    """

    __tablename__ = "pretest_questions"
    __table_args__ = (UniqueConstraint("pretest_id", "position"), UniqueConstraint("pretest_id", "question_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: (unique constraints index pretest_id)
    pretest_id: Mapped[int] = mapped_column(ForeignKey("pretests.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id", ondelete="CASCADE"), index=True)
    #: place in the pre-test, 1-based
    position: Mapped[int]
    #: [[option id, opaque token], …] in the order shown; the form only ever sees tokens
    option_order: Mapped[list] = mapped_column(JSON)
    #: option ids chosen (single, true_false, multiple) or in the order given (ordering)
    answer: Mapped[list | None] = mapped_column(JSON)
    is_correct: Mapped[bool | None]

    pretest: Mapped[Pretest] = relationship(back_populates="items")
    question: Mapped[Question] = relationship()


class PretestModuleScore(db.Model):
    """A graded pre-test's score on one module's questions: what a programme compares with the module quiz."""

    __tablename__ = "pretest_module_scores"
    __table_args__ = (UniqueConstraint("pretest_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: (the unique constraint indexes pretest_id)
    pretest_id: Mapped[int] = mapped_column(ForeignKey("pretests.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id", ondelete="CASCADE"), index=True)
    #: questions of this module in the pre-test, and how many were answered right
    question_count: Mapped[int]
    right_count: Mapped[int]
    #: percent right, rounded down, as a quiz attempt's score
    score: Mapped[int]
