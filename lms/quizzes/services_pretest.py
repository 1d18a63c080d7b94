"""Pre-test rules and writes: offered once before the first lesson, drawn from the module quizzes, graded once.

A course's pre-test (course.yaml `pretest`) draws the same number of questions from each module quiz's
pool, so its score per module compares with the module quizzes' scores. It never blocks a lesson and
counts for nothing: it writes only its own tables (never attempts, passes, progress or completion).
No request, no commit. Concurrency is settled by the database: one pre-test per learner and course
(a unique constraint), and it is graded by the one request whose conditional UPDATE changed its row.
"""
from __future__ import annotations

import random
from collections import Counter
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..courses.models import Course
from ..courses.services import enroll, touch_activity
from ..database import insert_ignoring_conflict
from ..extensions import db
from ..timeutil import utcnow
from .models import Pretest, PretestModuleScore, PretestQuestion, Question, Quiz
from .queries import PretestState, course_started, pretest_of, pretest_pools, pretest_state
from .services import grade, option_order, score_percent


class PretestRefused(Exception):
    """The pre-test cannot be started or sent now; `reason` is a PretestState status (taken, skipped, closed)
    or "empty" (the module quizzes have no question to draw)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def draw_pretest(course: Course, rng: random.Random) -> list[PretestQuestion]:
    """N current questions of each module's quiz, module after module, each quiz's shuffle settings applied."""
    per_module = course.pretest_questions_per_module or 0
    items: list[PretestQuestion] = []
    for quiz in pretest_pools(course.id):
        pool = [question for question in quiz.questions if question.is_current]
        drawn = rng.sample(pool, min(per_module, len(pool)))
        if not quiz.shuffle_questions:
            drawn.sort(key=lambda question: question.position)
        for question in drawn:
            items.append(PretestQuestion(question_id=question.id, position=len(items) + 1,
                                         option_order=option_order(question, quiz.shuffle_options, rng)))
    return items


def start_pretest(user_id: int, course: Course, *, now: datetime | None = None,
                  rng: random.Random | None = None) -> Pretest:
    """Enrol the learner and return their open pre-test, or a new one with its questions drawn.

    Raises PretestRefused once it was taken or skipped, or once the learner began the course without
    it. Two simultaneous starts both insert; the unique (user, course) keeps one, the other returns it.
    """
    now = now or utcnow()
    rng = rng or random.SystemRandom()
    state = pretest_state(user_id, course)
    if state.status == "open":
        return state.pretest
    if state.status != "offered":
        raise PretestRefused(state.status)
    items = draw_pretest(course, rng)
    if not items:
        raise PretestRefused("empty")
    enroll(user_id, course)
    pretest = Pretest(user_id=user_id, course_id=course.id, started_at=now, items=items)
    try:
        with db.session.begin_nested():
            db.session.add(pretest)
            db.session.flush()
    except IntegrityError:
        # Another request made this learner's pre-test first: continue with it, if it is still open.
        winner = pretest_of(user_id, course.id)
        if winner is None:  # pragma: no cover - the constraint that failed names this row
            raise
        if not winner.is_open:
            raise PretestRefused(PretestState(winner, False).status) from None
        return winner
    touch_activity(user_id, course.id)
    return pretest


def skip_pretest(user_id: int, course: Course, *, now: datetime | None = None) -> bool:
    """Record that the learner does not take the pre-test (an open one is closed unanswered); True if recorded.

    A pre-test already taken stays taken. Skipping twice, or at the same moment twice, records one skip.
    """
    now = now or utcnow()
    if insert_ignoring_conflict(Pretest, {"user_id": user_id, "course_id": course.id, "skipped_at": now},
                                ["user_id", "course_id"]):
        return True
    return db.session.execute(
        update(Pretest)
        .where(Pretest.user_id == user_id, Pretest.course_id == course.id, Pretest.submitted_at.is_(None),
               Pretest.skipped_at.is_(None))
        .values(skipped_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def submit_pretest(pretest: Pretest, answers: dict[int, list[int]], *, now: datetime | None = None) -> bool:
    """Grade the pre-test once with `answers` (pre-test question id -> option ids); False if already graded.

    Raises PretestRefused("closed") when the learner has begun the course since it was drawn: it would no
    longer tell what they knew before (it stays open and counts nowhere). Of two submissions racing, only
    the one whose UPDATE changed the row writes answers and module scores.
    """
    now = now or utcnow()
    if pretest.is_open and course_started(pretest.user_id, pretest.course_id):
        raise PretestRefused("closed")
    items = pretest.items
    results = grade(items, answers)
    modules = dict(db.session.execute(
        select(Question.id, Quiz.module_id).join(Quiz, Quiz.id == Question.quiz_id)
        .where(Question.id.in_([item.question_id for item in items]))).all())
    claimed = db.session.execute(
        update(Pretest)
        .where(Pretest.id == pretest.id, Pretest.started_at.is_not(None), Pretest.submitted_at.is_(None),
               Pretest.skipped_at.is_(None))
        .values(submitted_at=now, score=score_percent(sum(results.values()), len(items)))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(pretest)
    if claimed != 1:
        return False
    asked: Counter[int] = Counter()
    right: Counter[int] = Counter()
    for item in items:
        item.answer = answers[item.id]
        item.is_correct = results[item.id]
        asked[modules[item.question_id]] += 1
        right[modules[item.question_id]] += results[item.id]
    db.session.add_all(PretestModuleScore(pretest_id=pretest.id, module_id=module_id, question_count=count,
                                          right_count=right[module_id], score=score_percent(right[module_id], count))
                       for module_id, count in asked.items())
    db.session.flush()
    touch_activity(pretest.user_id, pretest.course_id)
    return True
